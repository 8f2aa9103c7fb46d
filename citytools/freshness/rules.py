"""Pure rules of the quality seal, the completeness and freshness scores and attestation
campaigns. No ORM: the queries and services pass plain values in.

- A record's **seal** holds while it was confirmed within its review period and nobody but
  its responsible editor has changed it since. Otherwise it says "check needed", with the
  reason. Confirming it restores the seal.
- An organisation's **freshness** is the share of its current records confirmed within the
  review period; its **completeness** is the weighted share of the expected fields that are
  filled in (WEIGHTS). Both are whole percentages.
- The review period is the network's (default six months); an organisation in several
  networks takes the shortest, so no network's promise is broken by another's.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from citytools.core.errors import DomainError

DEFAULT_REVIEW_MONTHS = 6
REVIEW_MONTHS_RANGE = (1, 36)


class SealState(StrEnum):
    SEALED = "sealed"
    CHECK_NEEDED = "check_needed"


class Reason(StrEnum):
    NEVER_CONFIRMED = "never_confirmed"
    CHANGED_BY_OTHER = "changed_by_other"
    REVIEW_DUE = "review_due"


REASONS = {
    Reason.NEVER_CONFIRMED: "Nobody has confirmed it yet",
    Reason.CHANGED_BY_OTHER: "Changed by someone other than its responsible editor",
    Reason.REVIEW_DUE: "Not confirmed within the review period",
}


@dataclass(frozen=True)
class Seal:
    state: SealState
    reasons: tuple[Reason, ...]
    confirmed_at: datetime.datetime | None
    months: int
    # Where an unconfirmed record's facts came from ("a public notice (Contracts Finder)"),
    # or "" when a person entered it.
    source: str = ""

    @property
    def due(self) -> datetime.datetime | None:
        """When the current confirmation runs out."""
        return self.confirmed_at + relativedelta(months=self.months) if self.confirmed_at else None

    @property
    def sealed(self) -> bool:
        return self.state == SealState.SEALED

    @property
    def label(self) -> str:
        return "Quality seal" if self.sealed else "Check needed"

    @property
    def explanations(self) -> list[str]:
        return [
            f"From {self.source}, not yet confirmed" if reason == Reason.NEVER_CONFIRMED and self.source else REASONS[reason]
            for reason in self.reasons
        ]


def review_months(network_months: list[int]) -> int:
    """An organisation's review period: the shortest of its networks', or the default."""
    return min(network_months) if network_months else DEFAULT_REVIEW_MONTHS


def fresh_since(now: datetime.datetime, months: int) -> datetime.datetime:
    """Confirmations at or after this moment are within the review period."""
    return now - relativedelta(months=months)


def seal(*, confirmed_at, changed_by_other: bool, months: int, now: datetime.datetime, since=None, provenance=None) -> Seal:
    """`since` is fresh_since(now, months), when the caller has it for many records;
    `provenance` is the record's (where its facts came from, when nobody typed them)."""
    reasons = []
    if confirmed_at is None:
        reasons.append(Reason.NEVER_CONFIRMED)
    elif confirmed_at < (since or fresh_since(now, months)):
        reasons.append(Reason.REVIEW_DUE)
    if changed_by_other:
        reasons.append(Reason.CHANGED_BY_OTHER)
    state = SealState.CHECK_NEEDED if reasons else SealState.SEALED
    return Seal(state, tuple(reasons), confirmed_at, months, (provenance or {}).get("label", ""))


def check_review_months(value) -> int:
    low, high = REVIEW_MONTHS_RANGE
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise DomainError("Enter the review period as a whole number of months.", code="invalid", field="review_months") from None
    if not low <= months <= high:
        raise DomainError(f"The review period must be from {low} to {high} months.", code="invalid", field="review_months")
    return months


# Completeness ---------------------------------------------------------------------------
# The fields a network expects beyond those every record must have (a product and service
# areas; a supplier, title and dates), and how much each counts. Values weigh most: they are
# what joint procurement and negotiation need; a contract without its systems cannot be
# joined to the map.


@dataclass(frozen=True)
class Expected:
    field: str
    label: str
    weight: int
    members_only: bool = False  # counted only for those who may see contract values


WEIGHTS = {
    "system": (
        Expected("hosting", "Hosting", 2),
        Expected("go_live", "Go-live date", 1),
        Expected("contract", "A contract", 3),
    ),
    "contract": (
        Expected("annual_value", "Annual value", 3, members_only=True),
        Expected("total_value", "Total value", 2, members_only=True),
        Expected("systems", "Linked systems", 3),
        Expected("route", "Procurement route", 1),
        Expected("reference", "Reference", 1),
    ),
}


def expected_fields(kind: str, *, values_visible: bool) -> tuple[Expected, ...]:
    return tuple(e for e in WEIGHTS[kind] if values_visible or not e.members_only)


def percent(part: float, whole: float) -> int | None:
    """A whole percentage, rounded down so that 100% means complete; None for nothing."""
    if not whole:
        return None
    return int(100 * part // whole)


# Campaigns ------------------------------------------------------------------------------


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    CLOSED = "closed"


MOVES = {
    CampaignStatus.DRAFT: {CampaignStatus.RUNNING},
    CampaignStatus.RUNNING: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


def check_move(before: str, after: str) -> None:
    if CampaignStatus(after) not in MOVES[CampaignStatus(before)]:
        words = {"running": "launched", "closed": "closed"}
        raise DomainError(f"A {before} campaign cannot be {words.get(after, after)}.", code="invalid_state")


def check_draft(status: str) -> None:
    """Only a draft may be changed or deleted: once launched, editors have been told what it
    asks and by when, and its confirmations and reminders refer to it."""
    if CampaignStatus(status) != CampaignStatus.DRAFT:
        raise DomainError(
            f"Only a draft campaign can be changed or deleted: this one is {status}.", code="not_draft"
        )


def check_deadline(deadline: datetime.date | None, today: datetime.date) -> datetime.date:
    if deadline is None:
        raise DomainError("Enter the deadline.", code="required", field="deadline")
    if deadline <= today:
        raise DomainError("The deadline must be in the future.", code="invalid", field="deadline")
    if deadline > today + datetime.timedelta(days=366):
        raise DomainError("The deadline must be within a year.", code="invalid", field="deadline")
    return deadline


def parse_reminder_days(text) -> list[int]:
    """Reminder days before the deadline, e.g. "7, 1" → [7, 1]."""
    if isinstance(text, (list, tuple)):
        items = list(text)
    else:
        items = [part for part in str(text or "").replace(";", ",").split(",") if part.strip()]
    days = []
    for item in items:
        try:
            day = int(str(item).strip())
        except ValueError:
            raise DomainError(
                "Write reminder days as whole numbers of days before the deadline, separated by commas, like 7, 1.",
                code="invalid", field="reminder_days",
            ) from None
        if not 0 <= day <= 60:
            raise DomainError("Reminder days must be from 0 to 60 days before the deadline.", code="invalid", field="reminder_days")
        days.append(day)
    return sorted(set(days), reverse=True)


def reminder_due(*, deadline: datetime.date, today: datetime.date, days: list[int], launched: datetime.date | None = None) -> int | None:
    """Which reminder (days before the deadline) falls due today, if any. A missed day (the
    worker was down) is sent late, once: the latest reminder whose day has come. Days that
    fell on or before the launch are never sent: the launch e-mail said it all then."""
    left = (deadline - today).days
    if launched is not None:
        days = [day for day in days if deadline - datetime.timedelta(days=day) > launched]
    passed = [day for day in days if day >= left]
    if left < 0 or not passed:
        return None
    return min(passed)


def outcome(*, changed_since_launch: bool) -> str:
    return "corrected" if changed_since_launch else "unchanged"
