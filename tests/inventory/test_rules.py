"""Colour bands, supplier palette and contrast: pure rules, no database."""

import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citytools.inventory import rules

TODAY = datetime.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("end", "band"),
    [
        (None, rules.UNKNOWN_END),
        (datetime.date(2020, 1, 1), rules.ENDED),
        (TODAY - datetime.timedelta(days=1), rules.ENDED),  # ended yesterday
        (TODAY, rules.UNDER_6_MONTHS),  # ends today: not ended yet
        (datetime.date(2026, 9, 14), rules.UNDER_6_MONTHS),  # the day before six months
        (datetime.date(2026, 9, 15), rules.UNDER_12_MONTHS),  # exactly six months
        (datetime.date(2027, 3, 14), rules.UNDER_12_MONTHS),
        (datetime.date(2027, 3, 15), rules.UNDER_2_YEARS),  # exactly a year
        (datetime.date(2028, 3, 14), rules.UNDER_2_YEARS),
        (datetime.date(2028, 3, 15), rules.LATER),  # exactly two years
        (datetime.date(2040, 1, 1), rules.LATER),
    ],
)
def test_end_band(end, band):
    assert rules.end_band(end, TODAY) == band


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 1), 1, datetime.date(2027, 1, 1)),
        (datetime.date(2026, 1, 31), 24, datetime.date(2028, 1, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_six_months_from_31_august_is_the_end_of_february():
    day = datetime.date(2026, 8, 31)
    assert rules.end_band(datetime.date(2027, 2, 27), day) == rules.UNDER_6_MONTHS
    assert rules.end_band(datetime.date(2027, 2, 28), day) == rules.UNDER_12_MONTHS


@given(st.dates(), st.dates())
def test_bands_are_ordered_by_end_date(today, end):
    later = end + datetime.timedelta(days=1) if end < datetime.date.max else end
    order = [band.key for band in rules.END_BANDS]
    assert order.index(rules.end_band(end, today).key) <= order.index(rules.end_band(later, today).key)


def test_top_suppliers_get_distinct_colours_and_the_rest_share_one():
    counts = {f"s{n}": 100 - n for n in range(14)}
    names = {slug: slug for slug in counts}
    swatches = rules.supplier_swatches(counts, names)
    assert len(swatches) == 10
    assert set(swatches) == {f"s{n}" for n in range(10)}
    assert len({swatch.background for swatch in swatches.values()}) == 10
    assert swatches["s0"].background == rules.SUPPLIER_FILLS[0]
    assert rules.supplier_swatch(swatches, "s13") == rules.OTHER_SUPPLIER
    assert rules.OTHER_SUPPLIER.background not in rules.SUPPLIER_FILLS


def test_supplier_ties_are_broken_by_name_so_colours_are_stable():
    counts = {"zed": 3, "acme": 3, "most": 5}
    names = {"zed": "Zed Ltd", "acme": "Acme Ltd", "most": "Most plc"}
    swatches = rules.supplier_swatches(counts, names, size=2)
    assert [swatch.label for swatch in swatches.values()] == ["Most plc", "Acme Ltd"]
    assert rules.supplier_swatch(swatches, "zed") == rules.OTHER_SUPPLIER


@pytest.mark.parametrize("swatch", rules.all_fills(), ids=lambda swatch: swatch.key)
@pytest.mark.parametrize("text", [rules.TEXT_COLOUR, rules.META_TEXT_COLOUR])
def test_text_on_every_fill_meets_wcag_aa(swatch, text):
    assert rules.contrast_ratio(text, swatch.background) >= rules.MINIMUM_CONTRAST


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_matches_wcag_examples(foreground, background, ratio):
    assert rules.contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.01)


def test_stylesheet_defines_every_fill_with_the_same_colour():
    scss = (Path(rules.__file__).parents[1] / "core/static/citytools/citytools.scss").read_text()
    defined = dict(re.findall(r"\.citytools-fill--([\w-]+)\s*\{\s*background-color:\s*(#[0-9a-fA-F]{6})", scss))
    assert defined == {swatch.key: swatch.background for swatch in rules.all_fills()}


def test_the_stylesheet_uses_the_rules_meta_text_colour():
    scss = (Path(rules.__file__).parents[1] / "core/static/citytools/citytools.scss").read_text()
    meta = re.search(r"\.citytools-matrix__meta\s*\{[^}]*color:\s*(#[0-9a-fA-F]{6})", scss)
    assert meta and meta.group(1).lower() == rules.META_TEXT_COLOUR
