from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "CAD": "CA$", "EUR": "€", "USD": "US$"}


@register.inclusion_tag("core/chart.html")
def chart(chart, open_table=False):
    return {"chart": chart, "spec_id": f"{chart.id}-spec", "open_table": open_table}


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
