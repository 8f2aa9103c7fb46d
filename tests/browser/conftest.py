"""Browser-test harness: a real server over a fresh demo database, Debian's chromium driven
by Playwright, and axe-core for WCAG 2.2 A/AA.

The tests need no database of pytest-django's own: everything they read comes through the
server, as a person's browser would.
"""

import json

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, ROOT, LiveServer, chromium_path

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]}
}
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("citytools-browser")) as live:
        yield live


@pytest.fixture(scope="session")
def site_pages(server):
    """URL name → list of {"label", "url"}, or the reason the name has no sample."""
    return server.pages()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _new_page(browser, server, **options):
    # bypass_csp lets axe be injected even once the site sends a strict Content-Security-Policy.
    context = browser.new_context(base_url=server.url, bypass_csp=True, viewport=VIEWPORT, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = _new_page(browser, server)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, server):
    context, page = _new_page(browser, server, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions on `page`, collected from the first navigation."""
    errors: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        # Chromium asks for /favicon.ico by itself when a page names no icon; that request is
        # the browser's, not the page's.
        if source.endswith("/favicon.ico"):
            return
        errors.append(f"console: {message.text} ({source})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def settle(page) -> None:
    """Wait for HTMX swaps and charts, so axe checks what a person would see."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        """() => !document.querySelector('.htmx-request') &&
            [...document.querySelectorAll('[data-chart]')].every(
                (element) => element.hidden || !window.vegaEmbed || element.querySelector('svg, canvas'))""",
        timeout=10_000,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:8]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            snippet = " ".join(node.get("html", "").split())[:200]
            lines.append(f"    at {target}: {snippet}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    """axe(page) runs axe-core's WCAG 2.2 A/AA rules on the page and fails on any violation."""
    source = AXE_SOURCE.read_text(encoding="utf-8")

    def check(page, *, context: str = "") -> None:
        settle(page)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=source)
        results = page.evaluate("async (options) => await window.axe.run(document, options)", AXE_OPTIONS)
        violations = results["violations"]
        if violations:
            where = context or page.url
            pytest.fail(f"axe found {len(violations)} WCAG violation(s) on {where}:\n{format_violations(violations)}", pytrace=False)

    return check
