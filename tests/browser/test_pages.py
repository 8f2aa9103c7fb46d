"""Every page of the site loads, has one h1, logs no console error, passes axe, and shows
its main content without JavaScript. The list of pages comes from the URL resolver
(tests/pages.py), so a new page is checked without anyone adding it here."""

import pytest

from tests.pages import url_names

pytestmark = pytest.mark.browser

HTML = "text/html"
# Pages are HTML; the few URLs that answer a download must say what they are.
DOWNLOAD_TYPES = ("text/csv", "application/json", "application/pdf")


def pages_or_fail(site_pages, name):
    found = site_pages.get(name)
    if found is None:
        pytest.fail(f"URL {name} is in the resolver but the server did not list it", pytrace=False)
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    return found


def headings(page) -> set[str]:
    texts = page.locator("main h1, main h2, main h3, main caption").all_text_contents()
    return {" ".join(text.split()) for text in texts if text.strip()}


@pytest.mark.parametrize("name", url_names())
def test_page_loads_cleanly_and_passes_axe(name, site_pages, page, console_errors, axe):
    for sample in pages_or_fail(site_pages, name):
        response = page.request.get(sample["url"])
        assert response.status == 200, f"{sample['label']} {sample['url']} answered {response.status}"
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith(HTML):
            assert content_type.startswith(DOWNLOAD_TYPES), f"{sample['url']} answered {content_type}"
            continue
        page.goto(sample["url"])
        assert page.locator("h1").count() == 1, f"{sample['url']} should have exactly one h1"
        assert page.locator("main h1").inner_text().strip()
        axe(page, context=f"{sample['label']} {sample['url']}")
        assert console_errors == [], f"{sample['url']}: {console_errors}"


@pytest.mark.parametrize("name", url_names())
def test_page_shows_its_main_content_without_javascript(name, site_pages, page, page_without_js):
    for sample in pages_or_fail(site_pages, name):
        response = page_without_js.request.get(sample["url"])
        if not response.headers.get("content-type", "").startswith(HTML):
            continue
        page.goto(sample["url"])
        page.wait_for_load_state("networkidle")
        with_js = headings(page)
        page_without_js.goto(sample["url"])
        without_js = headings(page_without_js)
        assert page_without_js.locator("main h1").count() == 1
        missing = with_js - without_js
        assert not missing, f"{sample['url']} without JavaScript lacks: {sorted(missing)}"
        assert len(page_without_js.locator("main").inner_text()) > 0.5 * len(page.locator("main").inner_text()), (
            f"{sample['url']} shows much less without JavaScript"
        )
