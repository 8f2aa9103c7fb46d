"""The matrix body, written in Python rather than template loops.

The matrix has over a thousand cells; the template engine took around a hundred milliseconds
to loop over them, string building takes a few. Values go through the standard library's
html.escape (quotes included), several times faster than Django's lazy-aware escape here.
"""

from html import escape

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString

from citytools.market.inventory_queries import Matrix, MatrixRow

register = template.Library()

GROUP_START = ' class="citytools-matrix__group-start"'


def _row_meta(row: MatrixRow, sort_key: str) -> str:
    # The figure being sorted on is shown, so the order can be read as well as seen.
    if sort_key == "population":
        text = f"Population {intcomma(row.population)}" if row.population else "Population not known"
    elif sort_key == "suppliers":
        text = f"{row.suppliers} supplier{'' if row.suppliers == 1 else 's'}"
    else:
        return ""
    return f'<span class="citytools-matrix__meta">{text}</span>'


@register.simple_tag
def matrix_body(matrix: Matrix) -> SafeString:
    """The <tbody> rows: a header cell per organisation, then each cell's systems."""
    by_end = matrix.filters.colour == "end"
    sort_key = matrix.filters.sort_key
    parts = []
    for row in matrix.rows:
        parts.append(
            f'<tr><th scope="row"><a class="govuk-link govuk-link--text-colour" href="{escape(row.url)}">'
            f"{escape(row.name)}</a>{_row_meta(row, sort_key)}</th>"
        )
        for cell in row.cells:
            parts.append(f"<td{GROUP_START if cell.column.group_start else ''}>")
            for item in cell.items:
                meta = item.end_text if by_end else item.provider_name
                # Bare tags styled by position (.citytools-matrix td > div) keep a page of a
                # thousand cells a third lighter than classes on each element would.
                parts.append(
                    f'<div class="citytools-fill--{item.fill.key}">'
                    f'<a href="{escape(item.product_url)}">{escape(item.product_name)}</a>'
                    f"<span>{escape(meta)}</span></div>"
                )
            parts.append("</td>")
        parts.append("</tr>\n")
    return SafeString("".join(parts))
