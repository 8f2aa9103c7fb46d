"""Public registers in a browser: the list and the library register's page checked with axe
(WCAG 2.2 A/AA), as the public and as a platform admin, who sees the form to load it; and,
with and without JavaScript, the admin runs a dry run from the page and reads what a load
would do, while the map stays as it was (a real load would change the demo every other
browser test reads; tests/registers covers it). A network's survey pages, as the London
coordinator: the upload page, a preview with a joint service to decide and an error, the
same while the worker checks it, and the upload form in error; and, without JavaScript, the
coordinator decides the joint service from the page."""

import re

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_campaign import signed_in

pytestmark = pytest.mark.browser


def urls(site_pages, name) -> list[dict]:
    found = site_pages.get(name)
    assert isinstance(found, list) and found, f"{name}: {found}"
    return found


@pytest.mark.parametrize("person", [None, "admin"], ids=["public", "admin"])
@pytest.mark.parametrize("name", ["registers:index", "registers:register"])
def test_the_register_pages_pass_axe(name, person, site_pages, browser, server, signed_in_state, axe):
    options = {"storage_state": signed_in_state(person)} if person else {}
    context, page = new_page(browser, server, **options)
    try:
        for sample in urls(site_pages, name):
            response = page.goto(sample["url"])
            assert response.status == 200, f"{sample['label']} answered {response.status}"
            assert page.locator("h1").count() == 1
            main = page.locator("main").inner_text()
            assert "Libraree" in main and "MIT" in main
            assert (page.get_by_role("button", name="Load the register").count() == 1) == (
                person == "admin" and name == "registers:register"
            )
            axe(page, context=f"{sample['label']} as {person or 'the public'}")
    finally:
        context.close()


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_an_admin_runs_a_dry_run_from_the_page(js, site_pages, browser, server, axe):
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    context, page = signed_in(browser, server, "admin", js=js)
    try:
        page.goto(urls(site_pages, "registers:register")[0]["url"])
        on_the_map = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text("On the map", exact=True))
        before = on_the_map.inner_text()
        page.get_by_label("Dry run: only say what loading would do, and change nothing").check()
        page.get_by_role("button", name="Load the register").click()
        page.wait_for_url("**/registers/libraries/")
        main = " ".join(page.locator("main").inner_text().split())
        assert "Dry run, nothing was changed." in main and "208 rows of the register read." in main, main
        assert "would be created" in main
        assert on_the_map.inner_text() == before
        axe(page, context="the register after a dry run")
    finally:
        context.close()


@pytest.mark.parametrize("name", ["registers:surveys", "registers:survey"])
def test_the_survey_pages_pass_axe(name, site_pages, browser, server, signed_in_state, axe):
    context, page = new_page(browser, server, storage_state=signed_in_state("coordinator"))
    try:
        for sample in urls(site_pages, name):
            response = page.goto(sample["url"])
            assert response.status == 200, f"{sample['label']} answered {response.status}"
            assert page.locator("h1").count() == 1
            main = " ".join(page.locator("main").inner_text().split())
            assert "provenance" in main and "unconfirmed" in main, main
            if "joint service" in sample["label"]:
                assert page.get_by_role("group", name=re.compile("Which organisations is it for")).count() == 1
                assert "Borough Council of Nowhere" in main
            axe(page, context=sample["label"])
        if name == "registers:surveys":
            page.get_by_role("button", name="Upload and preview").click()
            page.wait_for_load_state()
            assert page.locator(".govuk-error-summary").count() == 1
            axe(page, context="the survey upload in error")
    finally:
        context.close()


def test_a_coordinator_decides_a_joint_service_without_javascript(site_pages, browser, server):
    # Last in the file: it decides the sample survey's joint service, which the axe test above reads.
    context, page = signed_in(browser, server, "coordinator", js=False)
    try:
        sample = next(s for s in urls(site_pages, "registers:survey") if "joint service" in s["label"])
        page.goto(sample["url"])
        group = page.get_by_role("group", name=re.compile("Which organisations is it for"))
        group.get_by_role("checkbox").first.check()
        page.get_by_role("button", name=re.compile("Save the choice for row")).click()
        main = " ".join(page.locator("main").inner_text().split())
        assert re.search(r"Row \d+ is for ", main), main
        assert page.get_by_role("group", name=re.compile("Which organisations is it for")).count() == 0
        page.get_by_role("button", name="Import the survey").click()
        main = " ".join(page.locator("main").inner_text().split())
        assert "1 row has errors, so nothing was imported" in main, main
    finally:
        context.close()
