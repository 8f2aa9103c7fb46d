"""An attestation campaign run end to end through the pages, with and without JavaScript.

The demo's coordinator opens the London network's data quality, drafts a campaign (first
with errors), and launches it; Camden's editor opens the campaign from their campaigns list,
corrects one record in place (with JavaScript the form opens in its row; without, the edit
page brings them back), then confirms everything else with one click; the coordinator sees
the progress and closes the campaign, keeping its report. Each run drafts its own campaign,
so the two do not depend on each other. axe (WCAG 2.2 A/AA) checks every page on the way.
"""

import datetime

import pytest

from citytools.demo.people import DEMO_PASSWORD
from tests.browser.conftest import new_page

pytestmark = pytest.mark.browser

DOMAIN = "demo.citytools.invalid"


def signed_in(browser, server, person, *, js: bool):
    context, page = new_page(browser, server, java_script_enabled=js)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(f"{person}@{DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    return context, page


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_a_campaign_from_launch_to_report(browser, server, axe, js):
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    title = f"Browser check {'with' if js else 'without'} JavaScript"
    coordinator_context, coordinator = signed_in(browser, server, "coordinator", js=js)
    coordinator.goto("/networks/london/data-quality/")
    assert "Camden" in coordinator.locator("#quality").inner_text()
    axe(coordinator, context="network data quality")
    coordinator.get_by_role("link", name="Stale (select to sort)").click()
    assert "sort=-stale" in coordinator.url
    coordinator.get_by_role("link", name="Start a campaign").first.click()
    axe(coordinator, context="new campaign")
    coordinator.get_by_role("button", name="Save as a draft").click()
    assert "Enter a title." in coordinator.locator(".govuk-error-summary").inner_text()
    axe(coordinator, context="new campaign with errors")
    coordinator.get_by_label("Title", exact=True).fill(title)
    coordinator.get_by_label("Deadline", exact=True).fill((datetime.date.today() + datetime.timedelta(days=14)).isoformat())
    coordinator.get_by_label("Records to confirm").select_option("systems")
    coordinator.get_by_role("button", name="Save as a draft").click()
    assert coordinator.locator("h1").inner_text() == title
    axe(coordinator, context="draft campaign")
    coordinator.get_by_role("button", name="Launch the campaign and tell the editors").click()
    assert "The campaign is running" in coordinator.locator("main").inner_text()
    campaign_url = coordinator.url
    axe(coordinator, context="running campaign")

    editor_context, editor = signed_in(browser, server, "editor", js=js)
    editor.goto("/campaigns/")
    axe(editor, context="campaigns")
    editor.get_by_role("link", name=title).click()
    editor.get_by_role("link", name="Camden").click()
    assert editor.locator("h1").inner_text() == "Confirm Camden’s records"
    axe(editor, context="an organisation's campaign page")
    count = editor.locator("#campaign-count").inner_text()
    left = int(count.split(" of ")[1].split(" ")[0])
    assert count.startswith("0 of") and left > 1

    first_row = editor.locator("#campaign-records tbody tr").first
    record_title = first_row.locator("th a").first.inner_text()
    first_row.get_by_role("link", name=f"Correct {record_title}").click()
    if js:
        form = first_row.locator("form#system-form")
        form.wait_for()
        axe(editor, context="a correction in place")
    else:
        form = editor.locator("form#system-form")
    current = form.get_by_label("Hosting").input_value()
    form.get_by_label("Hosting").select_option("hosted" if current != "hosted" else "saas")
    with editor.expect_navigation(url=lambda url: "/campaigns/" in url):
        form.get_by_role("button", name="Save changes").click()
    editor.wait_for_load_state()
    row = editor.locator("#campaign-records tbody tr", has_text=record_title).first
    assert "Changed: confirm it" in row.inner_text()

    editor.get_by_role("button", name=f"Nothing else changed: confirm {left} records").click()
    editor.wait_for_load_state()
    assert f"{left} records confirmed." in editor.locator("main").inner_text()
    assert editor.locator("#campaign-count").inner_text().startswith(f"{left} of {left}")
    axe(editor, context="every record confirmed")

    coordinator.goto(campaign_url)
    camden = coordinator.locator("#campaign-progress tr", has_text="Camden")
    cells = camden.locator("td").all_inner_texts()
    assert cells[:4] == [str(left), str(left - 1), "1", "0"]
    coordinator.get_by_role("button", name="Close the campaign now").click()
    assert "Report" in coordinator.locator("main").inner_text()
    assert "Camden" in coordinator.locator("#campaign-report").inner_text()
    axe(coordinator, context="closed campaign and report")
    coordinator_context.close()
    editor_context.close()


@pytest.mark.parametrize("js", [True, False], ids=["with-js", "without-js"])
def test_a_draft_is_changed_then_deleted(browser, server, axe, js):
    """The coordinator's draft opens filled in (its deadline too), takes a change, and is
    deleted after a question; it never reaches an editor."""
    if not js:
        axe = lambda page, context: None  # noqa: E731  (axe needs JavaScript)
    title = f"Draft to change {'with' if js else 'without'} JavaScript"
    deadline = datetime.date.today() + datetime.timedelta(days=20)
    context, coordinator = signed_in(browser, server, "coordinator", js=js)
    coordinator.goto("/networks/london/campaigns/new/")
    coordinator.get_by_label("Title", exact=True).fill(title)
    coordinator.get_by_label("Deadline", exact=True).fill(deadline.isoformat())
    coordinator.get_by_role("button", name="Save as a draft").click()
    coordinator.get_by_role("link", name="Change the draft").click()
    assert coordinator.get_by_label("Title", exact=True).input_value() == title
    assert coordinator.get_by_label("Deadline", exact=True).input_value() == deadline.isoformat()
    axe(coordinator, context="change a draft campaign")
    coordinator.get_by_label("Title", exact=True).fill(f"{title}, changed")
    coordinator.get_by_label("Records to confirm").select_option("contracts")
    coordinator.get_by_role("button", name="Save the draft").click()
    assert coordinator.locator("h1").inner_text() == f"{title}, changed"
    assert "Contracts only" in coordinator.locator("main").inner_text()
    coordinator.get_by_role("link", name="Delete the draft").click()
    axe(coordinator, context="delete a draft campaign")
    coordinator.get_by_role("button", name="Delete the draft").click()
    assert coordinator.url.endswith("/campaigns/")
    assert f"The draft campaign “{title}, changed” was deleted." in coordinator.locator("main").inner_text()
    assert f"{title}, changed" not in coordinator.locator("#campaigns").inner_text()
    context.close()
