"""Every edit form, round trip in chromium: open it on a record with every field filled, submit
it unchanged, and the record (every column, its links, its version and its history) is as it
was; change one field, and only that field (with the version) changes.

This is the test that would have caught issue 13's first defect: dates rendered as
"01/04/2020", which a browser's date input shows as empty, so saving a form unchanged wiped
them. The records are filled through the services in the browser server's own database
(tests/browser/records.py), and read back from it after each submit.

Every edit form the URL resolver knows must be covered here: a URL named "…_edit", or one of
the pages below that hold an edit form under another name. A new one fails
`test_every_edit_form_is_covered` until it gets a case (or a reason in NOT_ROUND_TRIPPED).
"""

import json
import re
import sys
from dataclasses import dataclass

import pytest

from tests.browser.conftest import new_page, settle
from tests.browser.server import run

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Form:
    button: str  # the submit button's name
    label: str  # a text field to change…
    value: str  # …to this
    column: str  # the column that then changes


@dataclass(frozen=True)
class Case:
    record: str  # a case of tests/browser/records.py
    person: str  # the demo person who edits it
    forms: tuple[Form, ...]
    inline: bool = False  # the form opens in place (HTMX) from a "Correct" link
    moves: frozenset = frozenset({"version", "updated_at"})  # bookkeeping a real change moves on


CASES = {
    "inventory:system_edit": Case("system", "editor", (Form("Save changes", "Notes", "Changed in the browser.", "notes"),)),
    "contracts:contract_edit": Case("contract", "editor", (Form("Save changes", "Title", "Changed in the browser", "title"),)),
    "partnering:challenge_edit": Case(
        "challenge", "owner", (Form("Save changes", "Contact name", "Sam Steward", "contact_name"),)
    ),
    "partnering:rules_edit": Case("rules", "admin", (Form("Save the rules", "Name", "Rules changed in the browser", "name"),)),
    "freshness:campaign_edit": Case("campaign", "coordinator", (Form("Save the draft", "Title", "Autumn check", "title"),)),
    "opportunities:initiative": Case(
        "initiative", "admin",
        (
            Form("Save the dates", "Joint contract in place by", "2031-01-02", "target_date"),
            Form("Record the outcome", "Evidence of the savings", "Audit report 9.", "evidence"),
        ),
    ),
    "partnering:my_proposal": Case(
        "proposal", "vendor", (Form("Save draft", "Your team", "Three designers.", "team"),)
    ),
    "partnering:consensus_edit": Case(
        "consensus", "owner", (Form("Save the consensus score", "Feedback to the applicant on this criterion",
                                    "Say more about the residents' part.", "feedback"),),
        moves=frozenset({"decided_at"}),
    ),
    "freshness:campaign_organisation": Case(
        "campaign_correct", "editor", (Form("Save changes", "Notes", "Corrected in the campaign.", "notes"),), inline=True
    ),
}

# Pages that hold an edit form of a stored record, though their URL's name does not end in
# "_edit".
EDIT_FORMS_BY_OTHER_NAMES = {
    "opportunities:initiative", "freshness:campaign_organisation", "satisfaction:rate", "partnering:my_proposal",
}

NOT_ROUND_TRIPPED = {
    "satisfaction:rate": "saving a rating is rating again: it renews the rating (rated_at moves on) on purpose",
}


def _records(server, *args) -> dict:
    return json.loads(run([sys.executable, "-m", "tests.browser.records", *map(str, args)], server.env))


def test_every_edit_form_is_covered():
    from tests.pages import url_names

    edit_forms = {name for name in url_names() if name.endswith("_edit")} | EDIT_FORMS_BY_OTHER_NAMES
    missing = sorted(edit_forms - set(CASES) - set(NOT_ROUND_TRIPPED))
    assert not missing, f"edit forms without a round-trip case in {__name__}: {missing}"
    assert not (set(CASES) | set(NOT_ROUND_TRIPPED)) - set(url_names()), "a case names a URL that no longer exists"


def _submit(page, case: Case, form: Form, key, *, change: bool) -> None:
    if case.inline:
        row = page.locator(f"#row-system-{key}")
        row.get_by_role("link", name=re.compile(r"^Correct")).click()
        scope = page.locator(f"#edit-system-{key}")
        scope.get_by_role("button", name=form.button).wait_for()
    else:
        scope = page.locator("main")
    button = scope.get_by_role("button", name=form.button, exact=True)
    if change:
        scope.get_by_label(form.label, exact=True).fill(form.value)
    with page.expect_navigation():
        button.click()
    settle(page)
    assert not page.locator(".govuk-error-summary").count(), page.locator(".govuk-error-summary").inner_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_saving_an_edit_form_unchanged_changes_nothing_and_one_change_changes_one_field(browser, server, signed_in_state, name):
    case = CASES[name]
    prepared = _records(server, "prepare", case.record)
    key = prepared["key"]
    context, page = new_page(browser, server, storage_state=signed_in_state(case.person))
    try:
        for form in case.forms:
            before = _records(server, "snapshot", case.record, key)
            page.goto(prepared["url"])
            settle(page)
            _submit(page, case, form, key, change=False)
            after = _records(server, "snapshot", case.record, key)
            changed = sorted(k for k in before["row"] if before["row"][k] != after["row"].get(k))
            assert after == before, f"{name}: saving {form.button!r} unchanged changed {changed or after}"

            page.goto(prepared["url"])
            settle(page)
            _submit(page, case, form, key, change=True)
            after = _records(server, "snapshot", case.record, key)
            changed = {k for k in before["row"] if before["row"][k] != after["row"].get(k)}
            assert changed == {form.column} | case.moves, f"{name}: changing {form.label!r} changed {sorted(changed)}"
            assert after["links"] == before["links"]
            if "history" in before:
                assert after["history"] == before["history"] + 1
    finally:
        context.close()
