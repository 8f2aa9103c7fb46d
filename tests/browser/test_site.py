"""What a new person meets in the first hour, across the whole site, in a real browser:

- a link from a list lands on a page of its own (one <main>, one <h1>), with JavaScript on
  and off, also after the list was sorted in place;
- the interactive API documentation draws its operations under the site's policy;
- no page asks another site for anything (tests/browser/conftest.py records every request;
  the page checks in test_pages.py assert on it, as on the 375 px width).
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import csp_violations, new_page, offsite_requests, settle, watch_console

pytestmark = pytest.mark.browser

# Every list of the site a person opens from the navigation, with the links worth following.
LISTS = [
    "/organisations/",
    "/suppliers/",
    "/contracts/",
    "/products/",
    "/service-areas/",
    "/matrix/",
    "/search/?q=council",
    "/challenges/",
    "/pain-points/",
    "/opportunities/",
    "/pipeline/",
]
# How many of a list's distinct links are followed: the sort links and the first rows.
FOLLOWED = 6
DOWNLOADS = ("format=", ".csv", ".json", ".ics", ".pdf", ".xlsx")


def one_page(page, where: str) -> None:
    settle(page)
    assert page.locator("main").count() == 1, f"{where}: {page.locator('main').count()} <main> elements"
    assert page.locator("h1").count() == 1, f"{where}: {page.locator('h1').count()} <h1> elements"
    assert page.locator("header.govuk-template__header").count() == 1, f"{where}: the page has two headers"


def links_to_follow(page) -> list[str]:
    """The distinct links inside the list's main content, sort links first, downloads and
    in-page anchors left out."""
    hrefs = page.locator("main a[href]").evaluate_all("(links) => links.map((link) => link.getAttribute('href'))")
    chosen = []
    for href in hrefs:
        if href.startswith(("#", "mailto:")) or any(part in href for part in DOWNLOADS):
            continue
        if href not in chosen:
            chosen.append(href)
    sorts = [href for href in chosen if "sort=" in href]
    rows = [href for href in chosen if href not in sorts]
    return (sorts[:2] + rows)[:FOLLOWED]


def follow(page, list_url: str, href: str) -> None:
    page.goto(list_url)
    settle(page)
    page.locator(f'main a[href="{href}"]').first.click()
    page.wait_for_load_state()
    one_page(page, f"{href} followed from {list_url}")


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
@pytest.mark.parametrize("list_url", LISTS)
def test_every_link_of_a_list_lands_on_a_page_of_its_own(browser, server, list_url, javascript):
    context, page = new_page(browser, server, java_script_enabled=javascript)
    try:
        page.goto(list_url)
        one_page(page, list_url)
        hrefs = links_to_follow(page)
        assert hrefs, f"{list_url} has no link to follow"
        for href in hrefs:
            follow(page, list_url, href)
    finally:
        context.close()


@pytest.mark.parametrize("list_url", ["/organisations/", "/suppliers/", "/contracts/"])
def test_a_row_of_a_sorted_list_opens_its_own_page(browser, server, list_url):
    """Sorting replaces the results in place; a row clicked afterwards must still open a whole
    page (it was drawn inside the results, with two headers, two footers and two h1s)."""
    context, page = new_page(browser, server)
    try:
        page.goto(list_url)
        settle(page)
        page.locator("main thead a.citytools-sort-link").last.click()
        page.wait_for_function("() => location.search.includes('sort=')")
        settle(page)
        one_page(page, f"{list_url} sorted")
        row = page.locator("#results tbody a[href]").first
        href = row.get_attribute("href")
        row.click()
        page.wait_for_url(f"**{href}")
        one_page(page, f"{href} opened from {page.url}")
        assert urlsplit(page.url).path == href
    finally:
        context.close()


def test_the_api_documentation_draws_its_operations(browser, server):
    """/api/v1/docs loaded Swagger UI from a CDN that the site's policy blocks: the page was blank."""
    context, page = new_page(browser, server)
    errors = watch_console(page)
    try:
        page.goto("/api/v1/docs")
        # Swagger UI draws about 130 operations from a 450 kB document: slow on a busy machine.
        page.locator(".opblock").first.wait_for(state="visible", timeout=60_000)
        assert page.locator(".opblock").count() >= 10, "the documentation should list the API's operations"
        assert page.get_by_text("/api/v1/organisations", exact=True).count() >= 1
        page.locator(".opblock-summary").first.click()
        page.locator(".opblock-body").first.wait_for(state="visible")
        assert csp_violations(page) == []
        assert offsite_requests(page) == []
        assert errors == []
    finally:
        context.close()


def test_the_api_documentation_without_javascript_points_to_the_openapi_document(browser, server):
    context, page = new_page(browser, server, java_script_enabled=False)
    try:
        page.goto("/api/v1/docs")
        assert page.locator("main h1").count() == 1
        link = page.get_by_role("link", name="OpenAPI document")
        assert link.get_attribute("href") == "/api/v1/openapi.json"
    finally:
        context.close()


def test_a_request_to_another_site_is_noticed(browser, server):
    """The offsite record can fail: an image from another origin is recorded even though the
    policy blocks it."""
    context, page = new_page(browser, server)
    try:
        page.goto("/")
        settle(page)
        page.evaluate("() => { const image = new Image(); image.src = 'https://cdn.example.invalid/pixel.png'; }")
        page.wait_for_timeout(200)
        assert any("cdn.example.invalid" in request for request in offsite_requests(page)), offsite_requests(page)
    finally:
        context.close()
