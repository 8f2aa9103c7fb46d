"""The pure rules: seal, review period, percentages, campaign moves and reminder days."""

import datetime

import pytest

from citytools.core.errors import DomainError
from citytools.freshness import rules

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("confirmed", "changed", "months", "state", "reasons"),
    [
        (None, False, 6, "check_needed", ("never_confirmed",)),
        (NOW - datetime.timedelta(days=10), False, 6, "sealed", ()),
        (datetime.datetime(2026, 5, 29, 12, 0, tzinfo=datetime.UTC), False, 6, "sealed", ()),  # exactly six months: still in
        (datetime.datetime(2026, 5, 29, 11, 59, tzinfo=datetime.UTC), False, 6, "check_needed", ("review_due",)),
        (datetime.datetime(2026, 5, 29, 11, 59, tzinfo=datetime.UTC), False, 12, "sealed", ()),
        (NOW - datetime.timedelta(days=1), True, 6, "check_needed", ("changed_by_other",)),
        (None, True, 6, "check_needed", ("never_confirmed", "changed_by_other")),
        (NOW - datetime.timedelta(days=400), True, 12, "check_needed", ("review_due", "changed_by_other")),
    ],
)
def test_seal(confirmed, changed, months, state, reasons):
    seal = rules.seal(confirmed_at=confirmed, changed_by_other=changed, months=months, now=NOW)
    assert seal.state == state
    assert tuple(seal.reasons) == reasons
    assert seal.label == ("Quality seal" if state == "sealed" else "Check needed")


def test_due_date_is_the_confirmation_plus_the_period():
    seal = rules.seal(confirmed_at=datetime.datetime(2026, 8, 31, tzinfo=datetime.UTC), changed_by_other=False, months=6, now=NOW)
    assert seal.due == datetime.datetime(2027, 2, 28, tzinfo=datetime.UTC)


@pytest.mark.parametrize(("networks", "months"), [([], 6), ([12], 12), ([12, 3, 6], 3)])
def test_the_shortest_review_period_wins(networks, months):
    assert rules.review_months(networks) == months


@pytest.mark.parametrize(("value", "ok"), [(1, True), (36, True), ("6", True), (0, False), (37, False), ("six", False), (None, False)])
def test_review_months_range(value, ok):
    if ok:
        assert rules.check_review_months(value) == int(value)
    else:
        with pytest.raises(DomainError):
            rules.check_review_months(value)


@pytest.mark.parametrize(("part", "whole", "result"), [(0, 0, None), (1, 3, 33), (2, 3, 66), (299, 300, 99), (3, 3, 100)])
def test_percent_rounds_down_so_100_means_all(part, whole, result):
    assert rules.percent(part, whole) == result


def test_completeness_leaves_values_out_for_those_who_may_not_see_them():
    visible = {e.field for e in rules.expected_fields("contract", values_visible=True)}
    hidden = {e.field for e in rules.expected_fields("contract", values_visible=False)}
    assert {"annual_value", "total_value"} <= visible
    assert not {"annual_value", "total_value"} & hidden


@pytest.mark.parametrize(
    ("before", "after", "ok"),
    [("draft", "running", True), ("running", "closed", True), ("draft", "closed", False), ("closed", "running", False), ("running", "running", False)],
)
def test_campaign_moves(before, after, ok):
    if ok:
        rules.check_move(before, after)
    else:
        with pytest.raises(DomainError):
            rules.check_move(before, after)


@pytest.mark.parametrize(("text", "days"), [("7, 1", [7, 1]), ("1;7;7", [7, 1]), ("", []), ([3, 14], [14, 3])])
def test_reminder_days(text, days):
    assert rules.parse_reminder_days(text) == days


@pytest.mark.parametrize("text", ["seven", "-1", "61", "1.5"])
def test_bad_reminder_days(text):
    with pytest.raises(DomainError):
        rules.parse_reminder_days(text)


DEADLINE = datetime.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (datetime.date(2026, 12, 1), None),  # 9 days left: nothing yet
        (datetime.date(2026, 12, 3), 7),
        (datetime.date(2026, 12, 5), 7),  # missed: sent late, and only once (the service keeps track)
        (datetime.date(2026, 12, 9), 1),
        (datetime.date(2026, 12, 10), 1),
        (datetime.date(2026, 12, 11), None),  # past the deadline: the campaign closes instead
    ],
)
def test_reminder_due(today, due):
    assert rules.reminder_due(deadline=DEADLINE, today=today, days=[7, 1]) == due


@pytest.mark.parametrize(
    ("deadline", "ok"),
    [(datetime.date(2026, 11, 30), True), (datetime.date(2026, 11, 29), False), (datetime.date(2027, 12, 31), False), (None, False)],
)
def test_deadline(deadline, ok):
    if ok:
        assert rules.check_deadline(deadline, datetime.date(2026, 11, 29)) == deadline
    else:
        with pytest.raises(DomainError):
            rules.check_deadline(deadline, datetime.date(2026, 11, 29))


@pytest.mark.parametrize(("status", "allowed"), [("draft", True), ("running", False), ("closed", False)])
def test_only_a_draft_campaign_may_be_changed_or_deleted(status, allowed):
    if allowed:
        rules.check_draft(status)
    else:
        with pytest.raises(DomainError, match=f"Only a draft campaign can be changed or deleted: this one is {status}"):
            rules.check_draft(status)
