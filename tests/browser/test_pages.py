"""Every page of the site, in a browser that enforces the site's Content-Security-Policy:
it loads, has one <main> and one h1, logs no console error, breaks no rule of the policy,
asks no other site for anything (no CDN, font or analytics service), draws every chart with
value axes that never repeat a tick label, passes axe, is no wider than a 375 px phone
screen (wide tables scroll inside their own region), and shows its main content without
JavaScript.

The list of pages comes from the URL resolver (tests/pages.py), so a new page is checked
without anyone adding it here. Each page is checked as the public sees it and as someone
signed in who may open it: the demo's platform admin, or for the few pages that belong to
one person (an applicant's own proposal, an evaluator's scoring) that person.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.charts import axis_problems
from tests.browser.conftest import (
    VIEWPORT,
    csp_violations,
    new_page,
    offsite_requests,
    settle,
    watch_console,
)
from tests.pages import signed_in_as, url_names

pytestmark = pytest.mark.browser

HTML = "text/html"
# Pages are HTML; the few URLs that answer a download must say what they are.
DOWNLOAD_TYPES = ("text/csv", "application/json", "application/pdf", "text/calendar")
LOGIN = "/accounts/login/"
PHONE = {"width": 375, "height": 812}
# The elements that stick out to the right of the screen, outside any region that scrolls (an
# absolutely positioned one escapes a region that is not its containing block).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(element).overflowX);
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = element.parentElement;
    while (parent && parent !== document.body && !scrolls(parent)) parent = parent.parentElement;
    const escapes = ['absolute', 'fixed'].includes(getComputedStyle(element).position);
    if (parent && parent !== document.body && !escapes) continue;
    found.push(`${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}.${[...element.classList].join('.')} to ${Math.round(box.right)} px`);
  }
  return found.slice(0, 5);
}"""

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


def check_phone_width(page, url: str) -> None:
    """At 375 px the page never scrolls sideways: only a wide table's own region does."""
    page.set_viewport_size(PHONE)
    try:
        settle(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide on a 375 px screen: {page.evaluate(STICKING_OUT)}"
    finally:
        page.set_viewport_size(VIEWPORT)


def check_page(page, sample, errors, axe) -> None:
    """The checks every page passes, once it is loaded in `page`."""
    url = sample["url"]
    settle(page)
    assert page.locator("main").count() == 1, f"{url} should have exactly one <main>"
    assert page.locator("h1").count() == 1, f"{url} should have exactly one h1"
    assert page.locator("main h1").inner_text().strip(), f"{url} has an empty main heading"
    hidden = page.locator("[data-chart][hidden]").count()
    assert hidden == 0, f"{url}: {hidden} chart(s) failed to draw"
    assert axis_problems(page) == [], f"{url}: a chart's axis repeats or says nothing: {axis_problems(page)}"
    assert csp_violations(page) == [], f"{url}: {csp_violations(page)}"
    axe(page, context=f"{sample['label']} {url}")
    assert offsite_requests(page) == [], f"{url} asked another site: {offsite_requests(page)}"
    check_phone_width(page, url)
    assert errors == [], f"{url}: {errors}"


def check_without_javascript(page, no_js, url: str) -> None:
    """`page` shows `url` with JavaScript; the same page without it must show the same headings
    and most of the text."""
    with_js = headings(page)
    no_js.goto(url)
    assert no_js.locator("main h1").count() == 1, f"{url} without JavaScript has no main heading"
    missing = with_js - headings(no_js)
    assert not missing, f"{url} without JavaScript lacks: {sorted(missing)}"
    assert len(no_js.locator("main").inner_text()) > 0.5 * len(page.locator("main").inner_text()), (
        f"{url} shows much less without JavaScript"
    )


@pytest.mark.parametrize("name", url_names())
def test_page_as_the_public_sees_it(name, site_pages, browser, server, axe):
    context, page = new_page(browser, server)
    no_js_context, no_js = new_page(browser, server, java_script_enabled=False)
    errors = watch_console(page)
    try:
        for sample in pages_or_fail(site_pages, name):
            url = sample["url"]
            response = page.request.get(url)
            assert response.status == 200, f"{sample['label']} {url} answered {response.status}"
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith(HTML):
                assert content_type.startswith(DOWNLOAD_TYPES), f"{url} answered {content_type}"
                continue
            assert "content-security-policy" in response.headers, f"{url} sends no CSP"
            if urlsplit(response.url).path == LOGIN and urlsplit(url).path != LOGIN:
                continue  # for the signed in only: checked in the test below
            page.goto(url)
            check_page(page, sample, errors, axe)
            check_without_javascript(page, no_js, url)
    finally:
        context.close()
        no_js_context.close()


@pytest.mark.parametrize("name", url_names())
def test_page_signed_in(name, site_pages, browser, server, signed_in_state, axe):
    person = signed_in_as(name)
    context, page = new_page(browser, server, storage_state=signed_in_state(person))
    errors = watch_console(page)
    try:
        for sample in pages_or_fail(site_pages, name):
            url = sample["url"]
            response = page.request.get(url, max_redirects=0)
            assert response.status == 200, f"{sample['label']} {url} answered {response.status} to {person}"
            if not response.headers.get("content-type", "").startswith(HTML):
                continue
            page.goto(url)
            check_page(page, sample, errors, axe)
    finally:
        context.close()
