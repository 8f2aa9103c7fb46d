"""Who may receive alerts and manage a calendar feed, when a digest is due, and the dates a
calendar shows. Pure functions, no ORM (the alerts' part of this app's rules; the joint
procurement initiatives' rules are in citytools.opportunities.rules).

- Alerts are for people who work with contracts: staff (members and editors) of an
  organisation and coordinators of a network. A platform admin or a vendor user with no such
  role has nothing of their own to be alerted about, so may not subscribe.
- An organisation's calendar feed holds its confidential contracts, so only its own staff (and
  platform admins) see its address or replace it.
- A daily digest is due once per calendar day (in the site's time zone): when none was worked
  out since the start of today. A weekly one is due when none was worked out in the last
  seven days.
"""

import datetime

from citytools.accounts.rules import Grants
from citytools.core.dates import add_days
from citytools.core.errors import DomainError

MIN_HORIZON_DAYS = 1
MAX_HORIZON_DAYS = 730  # two years: the longest procurement lead times, with room to spare
WEEK = datetime.timedelta(days=7)
DAYS_PER_MONTH = 30.44  # as citytools.opportunities.queries counts lead times


def may_subscribe(grants: Grants) -> bool:
    return bool(grants.staff_organisations or grants.coordinator_networks)


def may_manage_calendar(grants: Grants, *, organisation: int) -> bool:
    return grants.is_admin or organisation in grants.staff_organisations


def clean_horizon(value) -> int:
    """A whole number of days from MIN_HORIZON_DAYS to MAX_HORIZON_DAYS."""
    if isinstance(value, bool):
        value = None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = None
    if days is None or str(value).strip() not in (str(days), f"{days}.0") or not MIN_HORIZON_DAYS <= days <= MAX_HORIZON_DAYS:
        raise DomainError(
            f"How far ahead must be a whole number of days from {MIN_HORIZON_DAYS} to {MAX_HORIZON_DAYS}.",
            field="horizon_days",
        )
    return days


def due_before(frequency: str, now: datetime.datetime, tz: datetime.tzinfo) -> datetime.datetime:
    """A subscription last worked out before this instant is due at `now`."""
    if frequency == "daily":
        local = now.astimezone(tz)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    # "Not in the last 7 days": one worked out exactly a week ago is due again.
    return now - WEEK + datetime.timedelta(microseconds=1)


def is_due(frequency: str, last_checked_at: datetime.datetime | None, now: datetime.datetime, tz: datetime.tzinfo) -> bool:
    return last_checked_at is None or last_checked_at < due_before(frequency, now, tz)


def lead_days(months: int) -> int:
    return round(months * DAYS_PER_MONTH)


def decision_date(end: datetime.date, lead_months: int) -> datetime.date:
    """The last day to decide how to replace a contract and still have a new one in place
    when it ends: its end less the procurement lead time of its service area."""
    return add_days(end, -lead_days(lead_months))
