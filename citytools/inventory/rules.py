"""Pure rules for the inventory: contract-end bands, supplier colours, contrast, and the
checks an edited system must pass.

No database access here, so every rule is table-tested without one (tests/inventory/test_rules.py).
Each colour is a light background under dark text; the matching CSS classes live in
citytools.scss (`.citytools-fill--<key>`), and a test checks the two lists agree.
"""

import datetime
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from citytools.core.dates import add_months
from citytools.core.errors import DomainError

# Text colours used on top of every fill: body text and the small "meta" line in a cell.
TEXT_COLOUR = "#0b0c0c"
META_TEXT_COLOUR = "#484949"
# WCAG 2.2 success criterion 1.4.3: normal-size text needs a contrast ratio of at least 4.5:1.
MINIMUM_CONTRAST = 4.5


@dataclass(frozen=True)
class Swatch:
    """One colour in a legend: its CSS class key, what it means, and the background."""

    key: str
    label: str
    background: str


# Ordered from most to least urgent; warm colours for soon, cool for later.
ENDED = Swatch("ended", "Ended", "#f4c7c3")
UNDER_6_MONTHS = Swatch("lt6m", "Ends in under 6 months", "#fbd5c0")
UNDER_12_MONTHS = Swatch("lt12m", "Ends in 6 to 12 months", "#fbe8a6")
UNDER_2_YEARS = Swatch("lt2y", "Ends in 1 to 2 years", "#dcecc4")
LATER = Swatch("later", "Ends in more than 2 years", "#c9e3f5")
UNKNOWN_END = Swatch("unknown", "End date not known", "#f3f2f1")
END_BANDS = (ENDED, UNDER_6_MONTHS, UNDER_12_MONTHS, UNDER_2_YEARS, LATER, UNKNOWN_END)

# Ten light fills with distinct hues, for the suppliers with the most cells.
SUPPLIER_FILLS = (
    "#cce2f3",
    "#fbd5c0",
    "#c9ecd9",
    "#efcfe3",
    "#fbe8a6",
    "#d9d2ee",
    "#bfe9e5",
    "#e6d3bf",
    "#e2eec0",
    "#f6c9cb",
)
OTHER_SUPPLIER = Swatch("other", "Other suppliers", "#f3f2f1")


def end_band(end_date: datetime.date | None, today: datetime.date) -> Swatch:
    """Which band a contract ending on `end_date` falls in, seen from `today`.

    A contract ending today has not ended yet; one ending exactly six months ahead is in the
    "6 to 12 months" band, so each band includes its lower bound.
    """
    return end_bands(today)(end_date)


def end_bands(today: datetime.date):
    """`end_band` with the thresholds worked out once, for banding many dates seen from one day."""
    thresholds = (
        (today, UNDER_6_MONTHS),
        (add_months(today, 6), UNDER_12_MONTHS),
        (add_months(today, 12), UNDER_2_YEARS),
        (add_months(today, 24), LATER),
    )

    def band(end_date: datetime.date | None) -> Swatch:
        if end_date is None:
            return UNKNOWN_END
        result = ENDED
        for start, swatch in thresholds:
            if end_date < start:
                break
            result = swatch
        return result

    return band


def supplier_swatches(
    cell_counts: Mapping[str, int], names: Mapping[str, str], *, size: int = len(SUPPLIER_FILLS)
) -> dict[str, Swatch]:
    """A distinct colour for each of the `size` suppliers with the most cells.

    Ties go to the name that sorts first, so the colours do not change between page loads.
    Suppliers left out take OTHER_SUPPLIER (see `supplier_swatch`).
    """
    size = min(size, len(SUPPLIER_FILLS))
    ranked = sorted(cell_counts, key=lambda slug: (-cell_counts[slug], names[slug].casefold(), slug))
    return {
        slug: Swatch(f"s{index + 1}", names[slug], SUPPLIER_FILLS[index])
        for index, slug in enumerate(ranked[:size])
    }


def supplier_swatch(swatches: Mapping[str, Swatch], slug: str) -> Swatch:
    return swatches.get(slug, OTHER_SUPPLIER)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def all_fills() -> list[Swatch]:
    """Every fill the matrix can use, for the stylesheet check and the legend."""
    supplier = [Swatch(f"s{i + 1}", f"Supplier {i + 1}", fill) for i, fill in enumerate(SUPPLIER_FILLS)]
    return [*END_BANDS, *supplier, OTHER_SUPPLIER]


# Editing systems -----------------------------------------------------------------------
# Pure checks for citytools.inventory.services: the service looks things up, these decide.


def check_system_fields(*, hosting: str, status: str, hosting_choices, status_choices) -> None:
    if hosting and hosting not in hosting_choices:
        raise DomainError(f"Hosting must be one of: {', '.join(hosting_choices)}.", code="invalid", field="hosting")
    if not status:
        raise DomainError("Choose the system's status.", code="required", field="status")
    if status not in status_choices:
        raise DomainError(f"Status must be one of: {', '.join(status_choices)}.", code="invalid", field="status")


def check_system_service_areas(requested: Collection[str], parents: Mapping[str, int | None]) -> None:
    """`requested` are service-area slugs; `parents` maps each slug that exists to its
    group's id, or None for a group. Systems are attached to areas, never to whole groups,
    so that the matrix and market shares count each use once."""
    if not requested:
        raise DomainError("Choose at least one service area.", code="required", field="service_areas")
    missing = sorted(set(requested) - set(parents))
    if missing:
        raise DomainError(f"No such service area: {', '.join(map(str, missing))}.", code="invalid", field="service_areas")
    groups = sorted(slug for slug in requested if parents[slug] is None)
    if groups:
        raise DomainError(
            f"Choose service areas within a group, not the whole group: {', '.join(map(str, groups))}.",
            code="invalid",
            field="service_areas",
        )


# The catalogue: one name, however it is written ------------------------------------------
# Editors propose a supplier or product missing from the catalogue
# (citytools.inventory.catalogue_services). Two names are the same entry when they normalise alike:
# case, accents, punctuation, spacing, "&" for "and", and a company-form suffix aside.

# How long a procurement in a service area takes, in whole months: the opportunity finder
# and the decision dates count back by it (ServiceArea.procurement_lead_months).
MAX_LEAD_MONTHS = 36


def check_lead_months(months) -> int:
    """A service area's procurement lead time, checked: whole months, 1 to MAX_LEAD_MONTHS."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_LEAD_MONTHS:
        raise DomainError(
            f"The lead time must be 1 to {MAX_LEAD_MONTHS} months, not {months}.", code="invalid",
            field="procurement_lead_months",
        )
    return months


COMPANY_SUFFIXES = ("ltd", "limited", "plc")


def normalise_name(name: str) -> str:
    """The form two names of one entry share: "Civica UK Ltd." and "civica  uk limited" are
    both "civica uk"; "Smith & Jones plc" is "smith and jones"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in text).split()
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def check_proposed_name(name: str, *, what: str) -> str:
    """The name a proposal keeps (trimmed), refusing one that has nothing to compare."""
    name = " ".join((name or "").split())
    if not normalise_name(name):
        raise DomainError(f"Give the {what}'s name.", code="required", field="name")
    if len(name) > 200:
        raise DomainError(f"A {what}'s name is at most 200 characters.", code="invalid", field="name")
    return name
