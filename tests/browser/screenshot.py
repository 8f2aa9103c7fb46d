"""`make screenshot`: the pages the user guide shows, as a person sees them, at 1280 and 375
pixels wide.

    python -m tests.browser.screenshot docs/screenshots

Starts the same server as the browser tests, over a fresh demo database, signs in as the
demo's platform admin, and writes NAME-1280.png and NAME-375.png for each page below: one
screen high (not the whole page), scrolled to what the picture is about, and reduced to a
palette of 256 colours so that the pictures stay small in the repository.
"""

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from tests.browser.conftest import SETTLED
from tests.browser.server import CHROMIUM_ARGS, LiveServer, chromium_path

WIDTHS = {1280: 800, 375: 812}
PASSWORD = "town-hall-demo-map-2031"  # citytools.demo.people.DEMO_PASSWORD


class Shot:
    """A picture of `url`: once `ready` (a selector) is shown, after clicking the button named
    `click`, scrolled so that `focus` (a selector) is at the top."""

    def __init__(self, name, url, *, ready=None, click=None, focus=None, widths=tuple(WIDTHS)):
        self.name, self.url, self.ready, self.click, self.focus, self.widths = name, url, ready, click, focus, widths


def shots(pages: dict) -> list[Shot]:
    """What each picture shows; `pages` is tests.pages.discover() for the server's database."""

    def sample(name: str) -> str:
        found = pages[name]
        if isinstance(found, str):
            raise RuntimeError(found)
        return found[0]["url"]

    return [
        Shot("overview", "/"),
        Shot("navigation", "/", click="Menu", widths=(375,)),
        Shot("matrix", "/matrix/", focus="#matrix-count"),
        Shot("organisation", sample("directory:organisation")),
        Shot("contracts", "/contracts/", focus="#results"),
        Shot("contract-edit", sample("contracts:contract_edit"), focus=".govuk-form-group:has(input[type=date])"),
        Shot("network", sample("directory:network"), focus="#data-quality"),
        Shot("wide-table", sample("directory:organisation"), focus=".citytools-table-scroll", widths=(375,)),
        Shot("api-docs", "/api/v1/docs", ready=".opblock"),
    ]


def save(png: bytes, target: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="citytools-screenshot-") as data_dir, LiveServer(Path(data_dir)) as server:
        pages = server.pages()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(
                base_url=server.url, viewport={"width": 1280, "height": WIDTHS[1280]}, locale="en-GB", timezone_id="Europe/London"
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Email address").fill("admin@demo.citytools.invalid")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            for shot in shots(pages):
                for width in shot.widths:
                    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
                    page.goto(shot.url)
                    page.wait_for_function(SETTLED, timeout=20_000)
                    if shot.ready:
                        page.locator(shot.ready).first.wait_for(state="visible")
                    if shot.click:
                        page.get_by_role("button", name=shot.click).click()
                    if shot.focus:
                        page.locator(shot.focus).first.wait_for(state="attached")
                        page.locator(shot.focus).first.evaluate("(element) => element.scrollIntoView({block: 'start'})")
                        page.wait_for_timeout(100)
                    target = folder / f"{shot.name}-{width}.png"
                    save(page.screenshot(), target)
                    print(f"Wrote {target} ({target.stat().st_size // 1024} kB)")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
