"""Wide tables scroll inside their own region, never the page: at 375 px the home page was
889 px wide and an organisation's page 933 px, so the whole page scrolled sideways."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

ROOT = Path(__file__).resolve().parents[2]
# The matrix has a region of its own (sticky headers, its own height), made the same way.
OWN_REGION = {"market/templates/inventory/_matrix_table.html"}


def render(source: str, **context) -> str:
    return Template("{% load citytools %}" + source).render(Context(context))


def test_a_table_is_wrapped_in_a_named_focusable_region():
    html = render("{% scrollable %}<table><caption>Systems &amp; <span>contracts</span></caption></table>{% endscrollable %}")
    assert html.startswith('<div class="citytools-table-scroll" role="region" aria-label="Systems &amp; contracts" tabindex="0"><table>')
    assert html.endswith("</table></div>")


def test_the_region_can_be_named_and_the_name_is_escaped():
    html = render('{% scrollable label %}<table></table>{% endscrollable %}', label='Prices "now"')
    assert 'aria-label="Prices &quot;now&quot;"' in html


def test_a_table_without_caption_or_label_is_still_named():
    assert 'aria-label="Table"' in render("{% scrollable %}<table></table>{% endscrollable %}")


def test_the_tag_takes_one_label_at_most():
    with pytest.raises(TemplateSyntaxError):
        render('{% scrollable "a" "b" %}{% endscrollable %}')


def table_templates() -> list[Path]:
    return sorted(path for path in (ROOT / "citytools").rglob("templates/**/*.html") if "<table" in path.read_text())


def test_every_table_of_every_template_scrolls_in_its_own_region():
    """So a new wide table cannot make a page scroll sideways again."""
    bare = []
    for path in table_templates():
        name = str(path.relative_to(ROOT / "citytools"))
        source = path.read_text()
        if name in OWN_REGION:
            assert re.search(r'role="region"[^>]*aria-label="[^"]+"|tabindex="0"[^>]*role="region"', source)
            continue
        inside = re.sub(r"{% scrollable[^%]*%}.*?{% endscrollable %}", "", source, flags=re.S)
        if "<table" in inside:
            bare.append(name)
    assert table_templates(), "the templates should have tables"
    assert bare == [], f"tables outside {{% scrollable %}}: {bare}"
