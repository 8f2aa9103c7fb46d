"""Browser-test harness: a real server over a fresh demo database, Debian's chromium driven
by Playwright, and axe-core for WCAG 2.2 A/AA.

The tests need no database of pytest-django's own: everything they read comes through the
server, as a person's browser would. They run in parallel (pytest-xdist): the first worker
builds the demo database once, and each worker serves its own copy of it, so that what one
test writes (a challenge, a locked-out address) never reaches another worker's pages.
"""

import json
from urllib.parse import urlsplit

import pytest
from filelock import FileLock
from playwright.sync_api import sync_playwright

from tests.browser.server import CHROMIUM_ARGS, ROOT, LiveServer, build_demo, chromium_path

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]}
}
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    """The end-to-end Invitation to Partner waits minutes for its deadlines; starting it first
    lets the other workers check pages meanwhile (tests/run.py runs this suite with xdist)."""
    items.sort(key=lambda item: item.path.name != "test_partnering.py" or item.get_closest_marker("browser") is None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, worker_id):
    """One demo database for the whole run, whichever worker asks first builds it."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base
    template = shared / "citytools-demo"
    with FileLock(str(shared / "citytools-demo.lock")):
        if not (template / ".built").exists():
            build_demo(template)
            (template / ".built").touch()
    return template


@pytest.fixture(scope="session")
def server(tmp_path_factory, demo_template):
    with LiveServer(tmp_path_factory.mktemp("citytools-browser"), template=demo_template) as live:
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


# Collects every Content-Security-Policy violation the browser reports, including ones a
# library catches and swallows (vega hides a failed chart without logging anything).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def new_page(browser, server, **options):
    """A fresh browser context and page. The site's Content-Security-Policy is enforced (axe
    is brought in through evaluate(), which the policy does not cover), and violations are
    recorded for csp_violations(); every request the page makes to another origin (a CDN, a
    font or analytics service) is recorded for offsite_requests(), whether the policy would
    have blocked it or not."""
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT, **options)
    context.add_init_script(RECORD_VIOLATIONS)
    offsite: list[str] = []
    site = urlsplit(server.url)

    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about") or (url.scheme, url.netloc) == (site.scheme, site.netloc):
            return
        try:
            origin = request.frame.url
        except Exception:  # a service worker's request has no frame
            origin = "a worker"
        offsite.append(f"{request.url} (from {origin})")

    context.on("request", on_request)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.offsite_requests = offsite
    return context, page


def csp_violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def offsite_requests(page) -> list[str]:
    """Requests `page` (and any page opened in its context) made outside the site."""
    return list(page.offsite_requests)


@pytest.fixture(scope="session")
def signed_in_state(browser, server):
    """signed_in_state("admin") is the storage state of a demo person (the part before
    @demo.citytools.invalid) who signed in once through the form, for new_page(storage_state=)."""
    from citytools.demo.people import DEMO_PASSWORD

    states: dict[str, dict] = {}

    def state(person: str) -> dict:
        if person not in states:
            context, page = new_page(browser, server)
            page.goto("/accounts/login/")
            page.get_by_label("Email address").fill(f"{person}@demo.citytools.invalid")
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"the demo's {person} could not sign in"
            states[person] = context.storage_state()
            context.close()
        return states[person]

    return state


@pytest.fixture
def page(browser, server):
    context, page = new_page(browser, server)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, server):
    context, page = new_page(browser, server, java_script_enabled=False)
    yield page
    context.close()


def watch_console(page) -> list[str]:
    """A list that fills with the console errors and uncaught exceptions of `page`."""
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


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions on `page`, collected from the first navigation."""
    return watch_console(page)


# A page has settled when it has loaded, GOV.UK Frontend has set up its components (app.js
# marks the body), no HTMX request is in flight and every chart has drawn or given up. These
# are the page's own signals, so no fixed "network idle" pause is needed.
SETTLED = """() => document.readyState === 'complete' &&
    (!document.body.classList.contains('govuk-frontend-supported') || document.body.dataset.frontend === 'ready') &&
    !document.querySelector('.htmx-request') &&
    [...document.querySelectorAll('[data-chart]')].every(
        (element) => element.hidden || !window.vegaEmbed || element.querySelector('svg, canvas'))"""


def settle(page) -> None:
    """Wait for the page's components, HTMX swaps and charts, so axe checks what a person would see."""
    page.wait_for_function(SETTLED, timeout=10_000)


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
        where = context or page.url
        violations = csp_violations(page)
        if violations:
            pytest.fail(f"Content-Security-Policy violations on {where}: {violations}", pytrace=False)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # evaluate() runs outside the page's Content-Security-Policy, so axe can be
            # brought into a page that enforces it.
            page.evaluate(source)
        results = page.evaluate("async (options) => await window.axe.run(document, options)", AXE_OPTIONS)
        violations = results["violations"]
        if violations:
            pytest.fail(f"axe found {len(violations)} WCAG violation(s) on {where}:\n{format_violations(violations)}", pytrace=False)

    return check
