import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_typing_shows_results_without_a_page_reload(page, console_errors, axe):
    page.goto("/search/")
    expect(page.get_by_text("Type a name")).to_be_visible()
    # A page reload would drop this marker.
    page.evaluate("() => { window.__stillThisPage = true; }")
    box = page.get_by_label("Organisation, supplier, product or service area")
    box.press_sequentially("barking & dag", delay=40)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Barking and Dagenham")).to_be_visible()
    expect(results.get_by_role("heading", name=re.compile("Organisations"))).to_be_visible()
    assert page.evaluate("() => window.__stillThisPage === true")
    expect(page).to_have_url(re.compile(r"/search/\?q=barking"))
    axe(page)
    assert console_errors == []


def test_search_by_gss_code_and_follow_the_link(page):
    page.goto("/search/")
    page.get_by_label("Organisation, supplier, product or service area").fill("E09000002")
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results").get_by_role("link", name="Barking and Dagenham").click()
    expect(page.locator("h1")).to_contain_text("Barking and Dagenham")
