from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from citytools.core import prose

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "CAD": "CA$", "EUR": "€", "USD": "US$"}


@register.inclusion_tag("core/chart.html")
def chart(chart, open_table=False):
    return {"chart": chart, "spec_id": f"{chart.id}-spec", "open_table": open_table}


@register.filter
def possessive(value):
    """{{ organisation|possessive }}: "Camden’s", "London boroughs’" (citytools.core.prose)."""
    return prose.possessive(value)


@register.filter
def mid_sentence(value):
    """{{ area.name|mid_sentence }}: "finance and ERP", acronyms kept (citytools.core.prose)."""
    return prose.mid_sentence(value)


@register.filter
def money(value, currency="GBP"):
    """£1,234,567 — whole units, since contract values are estimates anyway."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal(1))
    symbol = CURRENCY_SYMBOLS.get(currency or "GBP")
    text = intcomma(int(amount))
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


@register.filter
def percent(value, digits=0):
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"
