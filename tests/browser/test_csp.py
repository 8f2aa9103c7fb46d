"""The site's Content-Security-Policy, enforced in a real browser: every page loads without
a single violation, and the charts still draw.

The other browser tests bypass CSP so that axe can be injected; these do not. Vega compiles
chart expressions with Function() unless told to interpret an AST instead (app.js does), so
a chart that silently fails under CSP shows here as a violation and a missing SVG.
"""

import pytest

from tests.browser.conftest import VIEWPORT, settle
from tests.browser.test_pages import pages_or_fail
from tests.pages import url_names

pytestmark = pytest.mark.browser

# Collects every violation the browser reports, including ones a library catches and
# swallows (vega hides a failed chart without logging anything).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _strict_page(browser, server):
    """A page whose context enforces the CSP the server sends (no bypass_csp)."""
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text)
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        else None,
    )
    page.on("pageerror", lambda error: messages.append(f"uncaught: {error}"))
    page.csp_messages = messages
    return context, page


@pytest.fixture
def strict_page(browser, server):
    context, page = _strict_page(browser, server)
    yield page
    context.close()


@pytest.fixture
def strict_admin_page(browser, server):
    """As `strict_page`, signed in through the sign-in form as the demo's platform admin, who
    may open every page: the forms to edit records, histories, people and settings."""
    from citytools.demo.people import DEMO_PASSWORD

    context, page = _strict_page(browser, server)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "admin@demo.citytools.invalid")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, "the demo admin could not sign in"
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations") + page.csp_messages


def test_the_policy_forbids_inline_scripts_and_eval(server, strict_page):
    policy = strict_page.goto("/").headers["content-security-policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_overview_charts_render_as_svg_under_the_policy(strict_page):
    strict_page.goto("/")
    settle(strict_page)
    charts = strict_page.locator("[data-chart]")
    assert charts.count() >= 1, "the overview should have at least one chart"
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.is_visible(), f"chart {index} was hidden: vega failed under the policy"
        assert chart.locator("svg").count() == 1, f"chart {index} drew no SVG"
        assert chart.locator("svg .mark-rect path, svg .mark-rect rect, svg path").count() > 0
    assert violations(strict_page) == []


def test_a_violation_is_noticed(strict_page):
    """The checks here can fail: an eval by the page's own code is reported, even when the
    code catches the error as vega does. (Playwright's evaluate() itself is exempt from CSP,
    hence the timer.)"""
    strict_page.goto("/")
    settle(strict_page)
    strict_page.evaluate("() => setTimeout(() => { try { Function('return 1')(); } catch (error) {} })")
    strict_page.wait_for_function("() => window.__cspViolations.length > 0")
    assert any("script-src" in violation for violation in violations(strict_page))


def check_pages(page, samples) -> list[str]:
    """Check each sample that answers with a page; the ones that answered otherwise."""
    unchecked = []
    for sample in samples:
        response = page.request.get(sample["url"])
        if response.status != 200:
            unchecked.append(f"{sample['url']} answered {response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        assert "content-security-policy" in response.headers, f"{sample['url']} sends no CSP"
        page.goto(sample["url"])
        settle(page)
        hidden = page.locator("[data-chart][hidden]").count()
        assert hidden == 0, f"{sample['url']}: {hidden} chart(s) failed to draw"
        assert violations(page) == [], f"{sample['url']}: {violations(page)}"
    return unchecked


@pytest.mark.parametrize("name", url_names())
def test_page_has_no_csp_violation(name, site_pages, strict_page):
    unchecked = check_pages(strict_page, pages_or_fail(site_pages, name))
    assert not unchecked, unchecked


@pytest.mark.parametrize("name", url_names())
def test_page_has_no_csp_violation_signed_in(name, site_pages, strict_admin_page):
    """The samples are chosen for anonymous readers (tests/pages.py); a few, such as the
    restore page of a demo record with no history yet, are no page for the admin, and the
    skip says which."""
    unchecked = check_pages(strict_admin_page, pages_or_fail(site_pages, name))
    if unchecked:
        pytest.skip(f"not a page when signed in: {'; '.join(unchecked)}")
