"""Reads of public notices that take a viewer, or that every import asks: the service-area
hints in force."""

from citytools.inventory.models import ServiceArea
from citytools.notices import classifying
from citytools.notices.models import AreaHint


def area_hints() -> tuple[classifying.Hint, ...]:
    """The mapping from words and CPV codes to service areas: as coordinators edited it, or
    as it ships until someone does."""
    edited = tuple(
        classifying.Hint(area, kind, hint) for area, kind, hint in AreaHint.objects.values_list("area__name", "kind", "hint")
    )
    return edited or shipped_hints_on_the_map()


def shipped_hints_on_the_map() -> tuple[classifying.Hint, ...]:
    """The shipped hints whose service area this deployment has."""
    names = set(ServiceArea.objects.values_list("name", flat=True))
    return tuple(hint for hint in classifying.shipped_hints() if hint.area in names)
