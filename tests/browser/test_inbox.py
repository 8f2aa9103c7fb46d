"""The inbox in a real browser (issue 13, item 13): the header's link shows the count it
fetches with htmx, the page passes axe and leads to the work, and without JavaScript the
link and the page still work."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts import sign_in

pytestmark = pytest.mark.browser

STEWARD = "steward@demo.citytools.invalid"
REVIEW = "Review it, then approve its publication or return it to draft"


def test_the_steward_sees_the_count_opens_the_inbox_and_goes_to_the_review(page, axe):
    sign_in(page, STEWARD)
    page.goto("/challenges/")
    count = page.locator("header #inbox-count")
    expect(count).to_contain_text("2")  # a challenge to review and a selection to sign off
    axe(page, context="challenge list with the inbox count in the header")
    page.get_by_role("link", name=re.compile(r"^Your tasks")).click()
    expect(page.locator("main h1")).to_have_text("Your tasks")
    assert page.locator("main h1").count() == 1 and page.locator("main").count() == 1
    main = page.locator("main")
    expect(main).to_contain_text("Plain-language answers in the 311 knowledge base")
    expect(main).to_contain_text("Sign off the owners' choice of partner")
    # On the inbox itself the header does not fetch the page again.
    assert page.locator("header #inbox-count").count() == 0
    axe(page, context="the steward's inbox")
    main.get_by_role("link", name=re.compile(REVIEW)).click()
    expect(page.locator("main h1")).to_have_text("Plain-language answers in the 311 knowledge base")


def test_the_inbox_works_without_javascript(page_without_js):
    sign_in(page_without_js, STEWARD)
    page_without_js.goto("/challenges/")
    assert page_without_js.locator("header #inbox-count").count() == 0  # no script, no count
    page_without_js.get_by_role("link", name="Your tasks").click()
    assert page_without_js.locator("main h1").inner_text() == "Your tasks"
    assert "You have 2 waiting tasks" in " ".join(page_without_js.locator("main").inner_text().split())
    page_without_js.get_by_role("link", name=re.compile(REVIEW)).click()
    assert page_without_js.locator("main h1").inner_text() == "Plain-language answers in the 311 knowledge base"


def test_someone_with_nothing_to_do_is_told_so(page, axe):
    sign_in(page, "member@demo.citytools.invalid")
    page.goto("/inbox/")
    expect(page.locator("main")).to_contain_text("Nothing needs you now.")
    axe(page, context="an empty inbox")
