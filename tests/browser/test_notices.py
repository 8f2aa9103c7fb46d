"""Public notices in a browser: every page of the review queue checked with axe (WCAG 2.2
A/AA) as the person it is for (a network's page with its harvest form and where each
harvest stands, a harvest's page), with its forms in error too; and from end to end, with and
without JavaScript, the London coordinator uploads a file of notices on the network's page,
follows the import while the worker runs it, and Camden's editor accepts the contract it
suggests, which goes on the map saying where it came from and waiting to be confirmed.

The demo's notices are made by tests/pages.py (_demo_notices) when the pages are listed; the
worker is run once (`citytools worker --once`) against the server's database, as an operator
would run it, while the import's page waits.
"""

import json
import re

import pytest

from tests.browser.conftest import new_page, settle
from tests.browser.test_campaign import signed_in
from tests.notices.ocds import package_bytes, release
from tests.served import CITYTOOLS, run

pytestmark = pytest.mark.browser

# Who each page is for: Camden's editor reviews its queue, the London coordinator runs imports.
PEOPLE = {
    "notices:queue": "editor",
    "notices:suggestion": "editor",
    "notices:buyers": "coordinator",
    "notices:network": "coordinator",
    "notices:import": "coordinator",
    "notices:hints": "coordinator",
}


def urls(site_pages, name) -> list[dict]:
    found = site_pages.get(name)
    assert isinstance(found, list) and found, f"{name}: {found}"
    return found


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_every_page_of_the_review_queue_passes_axe(name, site_pages, browser, server, signed_in_state, axe):
    context, page = new_page(browser, server, storage_state=signed_in_state(PEOPLE[name]))
    try:
        for sample in urls(site_pages, name):
            response = page.goto(sample["url"])
            assert response.status == 200, f"{sample['label']} answered {response.status} to {PEOPLE[name]}"
            assert page.locator("h1").count() == 1
            axe(page, context=sample["label"])
    finally:
        context.close()


def test_the_forms_in_error_pass_axe(site_pages, browser, server, signed_in_state, axe):
    editor_context, editor = new_page(browser, server, storage_state=signed_in_state("editor"))
    coordinator_context, coordinator = new_page(browser, server, storage_state=signed_in_state("coordinator"))
    try:
        waiting = next(s for s in urls(site_pages, "notices:suggestion") if "new contract" in s["label"])
        editor.goto(waiting["url"])
        editor.get_by_label("End date", exact=True).fill("2001-01-01")
        editor.get_by_role("button", name="Accept and add the contract").click()
        assert "There is a problem" in editor.locator(".govuk-error-summary").inner_text()
        axe(editor, context="accepting with an end before the start")

        survey = next(s for s in urls(site_pages, "notices:suggestion") if "from a survey" in s["label"])
        editor.goto(survey["url"])
        assert "London survey (demo)" in editor.locator(".govuk-caption-l").inner_text()
        editor.get_by_label("Product", exact=True).select_option("")
        editor.get_by_role("button", name="Accept and add the system").click()
        assert "Choose the product." in editor.locator(".govuk-error-summary").inner_text()
        axe(editor, context="accepting a suggested system without its product")

        change = next(s for s in urls(site_pages, "notices:suggestion") if "a change" in s["label"])
        editor.goto(change["url"])
        for box in editor.locator("input[name=fields]").all():
            box.uncheck()
        editor.get_by_role("button", name="Accept the ticked changes").click()
        assert "Choose at least one change" in editor.locator(".govuk-error-summary").inner_text()
        axe(editor, context="accepting no change")

        coordinator.goto(urls(site_pages, "notices:network")[0]["url"])
        coordinator.get_by_role("button", name="Import", exact=True).click()
        assert "There is a problem" in coordinator.locator(".govuk-error-summary").inner_text()
        axe(coordinator, context="an upload without a file")

        coordinator.goto(urls(site_pages, "notices:network")[0]["url"])
        main = " ".join(coordinator.locator("main").inner_text().split())
        assert "Where each harvest stands" in main and "Resumes where it stopped" in main and "Last error" in main
        coordinator.get_by_label("Notices published since (optional)").fill("2999-01-01")
        coordinator.get_by_role("button", name="Start the harvest").click()
        summary = coordinator.locator(".govuk-error-summary").inner_text()
        assert "Choose Contracts Finder or Find a Tender" in summary, summary
        axe(coordinator, context="a harvest without a publisher")

        coordinator.goto(urls(site_pages, "notices:buyers")[0]["url"])
        coordinator.get_by_role("button", name=re.compile(r"^Link")).first.click()
        assert "Choose the organisation" in coordinator.locator(".govuk-error-summary").inner_text()
        axe(coordinator, context="linking a buyer name to nothing")

        coordinator.goto(urls(site_pages, "notices:hints")[0]["url"])
        coordinator.get_by_label("A CPV code (and the codes under it)").check()
        coordinator.get_by_label("Words or CPV code").fill("parking")
        coordinator.get_by_role("button", name="Add the hint").click()
        summary = coordinator.locator(".govuk-error-summary").inner_text()
        assert "Choose the service area" in summary and "A CPV code is digits" not in summary
        axe(coordinator, context="a hint without its service area")
    finally:
        editor_context.close()
        coordinator_context.close()


def run_the_worker(server) -> None:
    run([str(CITYTOOLS), "worker", "--once"], server.env)


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_a_coordinator_imports_notices_and_an_editor_accepts_one(js, site_pages, browser, server, axe, tmp_path):
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    way = "with" if js else "without"
    title = f"Waste round planning software, {way} JavaScript"
    notices = tmp_path / "camden-notices.json"
    notices.write_bytes(package_bytes(release(
        ocid=f"ocds-b5fd17-browser-{way}-js", buyer="London Borough of Camden", title=title, supplier="Binwise Ltd",
        company_number="05556667", amount=240000, start="2025-06-01", end="2029-05-31",
    )))

    coordinator_context, coordinator = signed_in(browser, server, "coordinator", js=js)
    coordinator.goto(urls(site_pages, "notices:network")[0]["url"])
    coordinator.get_by_label("File of public notices").set_input_files(str(notices))
    coordinator.get_by_role("button", name="Import", exact=True).click()
    coordinator.wait_for_url(re.compile(r"/notices/imports/\d+/$"))
    assert "Waiting for the worker" in coordinator.locator("main").inner_text()
    axe(coordinator, context="an import waiting for the worker")

    run_the_worker(server)
    if js:
        # The page asks every two seconds and reloads itself when the import has finished.
        coordinator.get_by_role("heading", name="Imported").wait_for(timeout=20_000)
        settle(coordinator)
    else:
        coordinator.get_by_role("link", name="Refresh this page").click()
    main = " ".join(coordinator.locator("main").inner_text().split())
    assert "Imported" in main and "Suggested to an organisation 1" in main, main
    axe(coordinator, context="a finished import")
    job = json.loads(coordinator.request.get(coordinator.url.replace("/notices/imports/", "/api/v1/notice-imports/").rstrip("/")).text())
    assert job["status"] == "done" and job["summary"]["suggested"] == 1

    editor_context, editor = signed_in(browser, server, "editor", js=js)
    editor.goto("/organisations/camden/")
    editor.get_by_role("link", name="Suggestions from public notices").click()
    editor.get_by_role("link", name=title).click()
    assert editor.locator("h1").inner_text() == title
    editor.get_by_role("button", name="Accept and add the contract").click()
    editor.wait_for_url(re.compile(r"/contracts/\d+/$"))
    main = " ".join(editor.locator("main").inner_text().split())
    assert "was accepted" in main and "Binwise Ltd" in main and "£240,000" in main
    assert "From a public notice (Contracts Finder), not yet confirmed" in main
    assert "Where this came from" in main and f"ocds-b5fd17-browser-{way}-js" in main
    axe(editor, context="the contract accepted from a notice")
    for context in (coordinator_context, editor_context):
        context.close()


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_a_coordinator_adds_a_hint_and_removes_it(js, site_pages, browser, server, axe):
    """From the network's notices page to the hints, a hint added (and marked so) and
    removed again, with and without JavaScript."""
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    words = f"kerbside sensors {'with' if js else 'without'} javascript"
    context, coordinator = signed_in(browser, server, "coordinator", js=js)
    try:
        coordinator.goto(urls(site_pages, "notices:network")[0]["url"])
        coordinator.get_by_role("link", name="How notices suggest a service area").click()
        coordinator.wait_for_url(re.compile(r"/notices/service-areas/$"))
        area = coordinator.get_by_label("Service area")
        area.select_option(index=1)
        name = area.locator("option:checked").inner_text()
        coordinator.get_by_label("Words or CPV code").fill(words.upper())
        coordinator.get_by_role("button", name="Add the hint").click()
        main = " ".join(coordinator.locator("main").inner_text().split())
        assert f"Notices that give “{words}” now suggest {name}." in main, main
        assert "Network coordinators have edited this mapping." in main
        row = coordinator.locator("tr", has_text=f"“{words}”")
        assert "Added here" in row.inner_text()
        axe(coordinator, context="a hint added")

        row.get_by_role("button", name=f"Remove “{words}” from {name}").click()
        main = " ".join(coordinator.locator("main").inner_text().split())
        assert f"Notices that give “{words}” no longer suggest {name}." in main, main
        assert coordinator.locator("tr", has_text=f"“{words}”").count() == 0
        axe(coordinator, context="a hint removed")
    finally:
        context.close()
