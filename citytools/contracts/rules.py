"""Pure checks an edited contract must pass. No database access: the service looks things up
and these functions decide, each raising a DomainError that names the field at fault.

The database holds the same limits as check constraints (citytools.contracts.models), so a
write that skipped these checks would still fail; these say why in words a person can act on.
"""

import datetime
from collections.abc import Collection, Mapping
from decimal import Decimal

import pycountry

from citytools.core.errors import DomainError


def check_currency(code: str | None) -> str:
    """An ISO 4217 code, upper-cased; refused when it names no currency."""
    code = (code or "").strip().upper()
    if not code:
        raise DomainError("Enter the currency as a three-letter code, like GBP.", code="required", field="currency")
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise DomainError(
            f"{code} is not an ISO 4217 currency code: enter one like GBP or EUR.", code="invalid", field="currency"
        )
    return code


def check_value(value: Decimal | None, *, field: str, label: str) -> None:
    if value is not None and value < 0:
        raise DomainError(f"{label} must be zero or more.", code="invalid", field=field)


def check_dates(
    start_date: datetime.date | None, end_date: datetime.date | None, extension_end_date: datetime.date | None
) -> None:
    if start_date is None:
        raise DomainError("Enter the date the contract starts.", code="required", field="start_date")
    if end_date is None:
        raise DomainError("Enter the date the contract ends.", code="required", field="end_date")
    if end_date < start_date:
        raise DomainError("The end date must be the same as or after the start date.", code="invalid", field="end_date")
    if extension_end_date is not None and extension_end_date < end_date:
        raise DomainError(
            "The latest end with every extension must be the same as or after the end date.",
            code="invalid",
            field="extension_end_date",
        )


def check_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter the contract's title.", code="required", field="title")
    return title


def check_choice(value: str, choices: Collection[str], *, field: str, label: str) -> None:
    if value not in choices:
        raise DomainError(f"{label} must be one of: {', '.join(choices)}.", code="invalid", field=field)


def check_systems(organisation_id: int, requested: Collection[int], owners: Mapping[int, int]) -> None:
    """`owners` maps each requested system that exists to its organisation. A contract covers
    only its own organisation's systems: another body's system would put this contract on
    that body's page."""
    missing = sorted(set(requested) - set(owners))
    if missing:
        raise DomainError(
            f"No such system: {', '.join(str(pk) for pk in missing)}.", code="invalid", field="systems"
        )
    if any(owners[pk] != organisation_id for pk in requested):
        raise DomainError(
            "A contract can cover only systems of the organisation that holds it.", code="invalid", field="systems"
        )
