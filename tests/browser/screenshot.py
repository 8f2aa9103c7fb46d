"""`make screenshot`: the matrix page as a person sees it, for the README.

    python -m tests.browser.screenshot docs/screenshot.png

Starts the same server as the browser tests, over a fresh demo database, and saves a
1400×900 view of the table on /matrix/.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, LiveServer, chromium_path


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/screenshot.png")
    with tempfile.TemporaryDirectory(prefix="citytools-screenshot-") as data_dir, LiveServer(Path(data_dir)) as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{server.url}/matrix/")
            page.wait_for_load_state("networkidle")
            # The filters fill the first screen; the picture is of the table itself.
            page.locator("#matrix-count").evaluate("(element) => element.scrollIntoView()")
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
            browser.close()
    print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
