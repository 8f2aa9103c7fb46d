import datetime
import re
from decimal import Decimal
from html import unescape

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaulttags import querystring
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from citytools.core import prose

register = template.Library()

CURRENCY_SYMBOLS = {"GBP": "£", "CAD": "CA$", "EUR": "€", "USD": "US$"}


@register.inclusion_tag("core/chart.html")
def chart(chart, open_table=False):
    return {"chart": chart, "spec_id": f"{chart.id}-spec", "open_table": open_table}


@register.filter
def page_numbers(page):
    """The page numbers a pagination shows: the first and last, two either side of `page`,
    and `Paginator.ELLIPSIS` for the gaps, without walking every page of a long list."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def page_querystring(context, param, number):
    """Django's `{% querystring %}` with the page number under the name `param` (`page`, or
    `ending_page` where a page has two paged lists), keeping every other parameter."""
    return querystring(context, **{param or "page": number})


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
def iso_date(value):
    """A date written as text (YYYY-MM-DD, as JSON fields keep it) as a date, for `|date`;
    anything else as it is."""
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else value
    except ValueError:
        return value


@register.filter
def percent(value, digits=0):
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


class ScrollableNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        content = self.nodelist.render(context)
        label = self.label.resolve(context) if self.label else table_label(content)
        return format_html(SCROLLABLE, label or "Table", mark_safe(content))


SCROLLABLE = '<div class="citytools-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>'


def table_label(html: str) -> str:
    """The text of the first table caption in `html`, as plain text."""
    found = re.search(r"<caption\b[^>]*>(.*?)</caption>", html, re.S)
    return " ".join(unescape(strip_tags(found.group(1))).split()) if found else ""


@register.tag
def scrollable(parser, token):
    """{% scrollable ["label"] %}<table>…</table>{% endscrollable %}: a table that may be wider
    than the screen scrolls inside its own region, never the page (at 375 px a page scrolled
    sideways). The region can take the keyboard's focus, so those who cannot drag can scroll it
    with the arrow keys, and is named (WCAG 2.1.1, 1.4.10) by the label or the table's caption."""
    bits = token.split_contents()[1:]
    if len(bits) > 1:
        raise template.TemplateSyntaxError("{% scrollable %} takes at most one argument, the region's label")
    label = parser.compile_filter(bits[0]) if bits else None
    nodelist = parser.parse(("endscrollable",))
    parser.delete_first_token()
    return ScrollableNode(nodelist, label)
