"""The pure rules of public notices."""

import datetime

import pytest

from citytools.core.errors import DomainError
from citytools.notices import rules


@pytest.mark.parametrize(
    ("on_the_map", "in_the_notice", "differs"),
    [("1200", "1200.00", False), ("1200.00", "1200.01", True), ("2028-01-20", "2028-01-20", False),
     ("2028-01-20", "2029-01-20", True), (None, "GBP", True), ("gbp", "GBP", False), (None, None, False)],
)
def test_values_differ_only_when_they_say_different_things(on_the_map, in_the_notice, differs):
    assert rules.differs(on_the_map, in_the_notice) is differs


def test_a_notice_without_a_supplier_or_period_is_not_a_contract_yet():
    day = datetime.date(2024, 1, 1)
    assert rules.missing_for_a_contract([{"name": "A"}], day, day) is None
    assert rules.missing_for_a_contract([], day, None) == "Not a contract yet: the notice gives no supplier and no end date."


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [("a.json", b"", "required"), ("a.csv", b"{}", "invalid"), ("a.json", b"x" * (rules.MAX_UPLOAD_BYTES + 1), "too_large")],
)
def test_an_upload_must_be_a_file_of_notices_of_a_sensible_size(filename, content, code):
    with pytest.raises(DomainError) as refused:
        rules.check_upload(filename, content)
    assert refused.value.code == code


def test_a_reason_is_one_line_of_at_most_500_characters():
    assert rules.check_reason("  Not\n ours ") == "Not ours"
    with pytest.raises(DomainError):
        rules.check_reason("x" * 501)


TODAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("since", "last_began", "starts"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 6, 1), datetime.date(2026, 1, 1)),  # a day given starts afresh there
        (None, datetime.date(2026, 6, 1), datetime.date(2026, 5, 31)),  # a day before the last finished harvest began
        (None, None, datetime.date(2026, 5, 16)),  # a first harvest: the last month
    ],
)
def test_a_harvest_that_does_not_resume_starts_from_the_day_given_the_last_or_a_month_ago(since, last_began, starts):
    assert rules.harvest_from(since=since, last_began=last_began, today=TODAY) == starts


@pytest.mark.parametrize("day", [datetime.date(2026, 6, 16), datetime.date(9999, 1, 1), datetime.date(1, 1, 1)])
def test_a_harvest_starts_on_a_day_that_has_come_within_the_range(day):
    with pytest.raises(DomainError) as refused:
        rules.check_harvest_since(day, today=TODAY)
    assert refused.value.field == "since"
    assert rules.check_harvest_since(TODAY, today=TODAY) == TODAY and rules.check_harvest_since(None, today=TODAY) is None


def test_the_schedule_runs_a_harvest_hours_after_the_last_or_at_once_when_it_never_ran():
    last = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
    assert rules.harvest_due_at(last, 24) == last + datetime.timedelta(hours=24)
    assert rules.harvest_due_at(None, 24) is None
    assert rules.harvest_due(None, 24, last)
    assert not rules.harvest_due(last, 24, last + datetime.timedelta(hours=23))
    assert rules.harvest_due(last, 24, last + datetime.timedelta(hours=24))
