"""The site's Content-Security-Policy in a real browser: what it forbids, that the charts
still draw under it, and that a violation is noticed.

Every browser test enforces the policy (tests/browser/conftest.py new_page), and every page
is checked for violations in test_pages.py. Vega compiles chart expressions with Function()
unless told to interpret an AST instead (app.js does), so a chart that silently fails under
CSP shows as a violation and a missing SVG.
"""

import pytest

from tests.browser.conftest import csp_violations, new_page, settle

pytestmark = pytest.mark.browser


def violations(page) -> list[str]:
    return csp_violations(page) + page.csp_messages


@pytest.fixture
def strict_page(browser, server):
    """A page that enforces the policy and also keeps the browser's own console reports of it."""
    context, page = new_page(browser, server)
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text)
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        else None,
    )
    page.on("pageerror", lambda error: messages.append(f"uncaught: {error}"))
    page.csp_messages = messages
    yield page
    context.close()


def test_the_policy_forbids_inline_scripts_and_eval(server, strict_page):
    policy = strict_page.goto("/").headers["content-security-policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
    }
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
