"""The market's pure rules, table by table (citytools.market.rules)."""

import datetime

import pytest

from citytools.market.rules import DecisionDue, decision

D = datetime.date


@pytest.mark.parametrize(
    ("point", "today", "due", "next_decision", "label"),
    [
        # A decision point in a month already past is overdue: the next decision is now.
        (D(2024, 10, 15), D(2025, 6, 15), DecisionDue.OVERDUE, D(2025, 6, 15), "Now (it was due around October 2024)"),
        (D(2025, 5, 31), D(2025, 6, 1), DecisionDue.OVERDUE, D(2025, 6, 1), "Now (it was due around May 2025)"),
        # This month, earlier or later in it: now.
        (D(2025, 6, 1), D(2025, 6, 15), DecisionDue.NOW, D(2025, 6, 15), "Now (June 2025)"),
        (D(2025, 6, 30), D(2025, 6, 15), DecisionDue.NOW, D(2025, 6, 30), "Now (June 2025)"),
        # A later month: that month.
        (D(2025, 7, 1), D(2025, 6, 30), DecisionDue.LATER, D(2025, 7, 1), "July 2025"),
        (D(2027, 1, 10), D(2025, 6, 15), DecisionDue.LATER, D(2027, 1, 10), "January 2027"),
    ],
)
def test_a_decision_point_in_the_past_means_now(point, today, due, next_decision, label):
    found = decision(point, today=today)
    assert (found.point, found.due, found.next, found.label) == (point, due, next_decision, label)
    assert found.next >= today
