import math

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes, rounded up so a wait is never understated."""
    if value is None:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
