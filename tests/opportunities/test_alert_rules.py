"""The alerts' rules, table by table: no database."""

import datetime
import zoneinfo

import pytest

from citytools.accounts.rules import PUBLIC, Grants
from citytools.core.errors import DomainError
from citytools.opportunities import alert_rules

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Noon in London in summer is 11:00 UTC; its midnight was 23:00 UTC the day before.
NOW = datetime.datetime(2025, 6, 15, 11, 0, tzinfo=datetime.UTC)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("grants", "allowed"),
    [
        (PUBLIC, False),
        (Grants(suppliers=frozenset({1})), False),
        (Grants(is_admin=True), False),
        (Grants(staff_organisations=frozenset({1})), True),
        (Grants(staff_organisations=frozenset({1}), editor_organisations=frozenset({1})), True),
        (Grants(coordinator_networks=frozenset({1})), True),
    ],
    ids=["public", "vendor", "admin only", "member", "editor", "coordinator"],
)
def test_who_may_subscribe(grants, allowed):
    assert alert_rules.may_subscribe(grants) is allowed


@pytest.mark.parametrize(
    ("grants", "allowed"),
    [
        (PUBLIC, False),
        (Grants(is_admin=True), True),
        (Grants(staff_organisations=frozenset({7})), True),
        (Grants(staff_organisations=frozenset({8})), False),
        (Grants(coordinator_networks=frozenset({1})), False),
        (Grants(suppliers=frozenset({7})), False),
    ],
    ids=["public", "admin", "its staff", "another's staff", "coordinator", "vendor"],
)
def test_who_may_manage_organisation_7s_calendar(grants, allowed):
    assert alert_rules.may_manage_calendar(grants, organisation=7) is allowed


@pytest.mark.parametrize(("value", "days"), [("180", 180), (180, 180), (180.0, 180), (" 30 ", 30), (1, 1), (730, 730)])
def test_a_horizon_is_a_whole_number_of_days(value, days):
    assert alert_rules.clean_horizon(value) == days


@pytest.mark.parametrize("value", [0, 731, -5, "abc", "", None, True, 180.5, "1e2", [180]])
def test_a_wrong_horizon_names_its_field(value):
    with pytest.raises(DomainError) as refused:
        alert_rules.clean_horizon(value)
    assert refused.value.field == "horizon_days"


@pytest.mark.parametrize(
    ("frequency", "last", "due"),
    [
        ("daily", None, True),
        ("daily", utc(2025, 6, 14, 22, 59), True),  # 23:59 in London yesterday
        ("daily", utc(2025, 6, 14, 23, 0), False),  # midnight in London: today
        ("daily", utc(2025, 6, 15, 10, 0), False),
        ("weekly", None, True),
        ("weekly", utc(2025, 6, 8, 11, 1), False),  # six days and 23 hours ago
        ("weekly", utc(2025, 6, 8, 11, 0), True),  # exactly a week ago
        ("weekly", utc(2025, 6, 1, 9, 0), True),
        ("weekly", utc(2025, 6, 14, 22, 59), False),
    ],
)
def test_when_a_digest_is_due(frequency, last, due):
    assert alert_rules.is_due(frequency, last, NOW, LONDON) is due


@pytest.mark.parametrize(
    ("end", "months", "decide_by"),
    [
        (datetime.date(2026, 3, 31), 9, datetime.date(2025, 6, 30)),  # 274 days
        (datetime.date(2026, 3, 31), 6, datetime.date(2025, 9, 29)),  # 183 days
        (datetime.date(2026, 3, 31), 0, datetime.date(2026, 3, 31)),
    ],
)
def test_the_decision_point_is_the_end_less_the_lead_time(end, months, decide_by):
    assert alert_rules.decision_date(end, months) == decide_by


def test_lead_times_count_months_as_the_finder_does():
    from citytools.opportunities import queries

    assert alert_rules.DAYS_PER_MONTH == queries.DAYS_PER_MONTH
    assert alert_rules.lead_days(9) == round(9 * queries.DAYS_PER_MONTH)
