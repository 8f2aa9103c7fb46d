"""Pure rules of the market views. No ORM: the queries pass plain values in.

- A service area's **decision point** in the pipeline is its soonest contract end less its
  procurement lead time: by then a public body is likely to be looking at the market. A
  point in a month already past does not make a past "next decision": the decision is due
  now, and overdue (the body is late, and may extend or buy in a hurry).
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum


class DecisionDue(StrEnum):
    OVERDUE = "overdue"  # the decision point's month has passed
    NOW = "now"  # it falls in this month
    LATER = "later"


@dataclass(frozen=True)
class Decision:
    point: datetime.date  # the soonest end less the lead time, past or not
    due: DecisionDue
    next: datetime.date  # when the next decision is likely: the point, or today once it has passed

    @property
    def label(self) -> str:
        month = f"{self.point:%B %Y}"
        if self.due == DecisionDue.OVERDUE:
            return f"Now (it was due around {month})"
        if self.due == DecisionDue.NOW:
            return f"Now ({month})"
        return month


def decision(point: datetime.date, *, today: datetime.date) -> Decision:
    """The next decision of an area whose decision point is `point`, seen on `today`."""
    this_month, points_month = (today.year, today.month), (point.year, point.month)
    if points_month < this_month:
        return Decision(point, DecisionDue.OVERDUE, today)
    if points_month == this_month:
        return Decision(point, DecisionDue.NOW, max(point, today))
    return Decision(point, DecisionDue.LATER, point)
