"""The evaluation's arithmetic, table-driven, with values worked out by hand."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from citytools.partnering.scoring import (
    TIE_BREAK_RULES,
    TIE_BREAKS,
    CriterionSpec,
    Entry,
    is_spread,
    rank,
    spread_flags,
    weighted_total,
)

# Weights 40/35/25, scales 0–4, 0–4 and 0–5.
CRITERIA = [CriterionSpec("a", 40, 4, "Understanding"), CriterionSpec("b", 35, 4, "Approach"), CriterionSpec("c", 25, 5, "Team")]


@pytest.mark.parametrize(
    "scores,total",
    [
        ({"a": 4, "b": 4, "c": 5}, "100.00"),  # the top of every scale
        ({"a": 0, "b": 0, "c": 0}, "0.00"),
        ({}, "0.00"),  # nothing scored counts as zero
        ({"a": 2, "b": 2, "c": 2.5}, "50.00"),  # half of every scale
        # 40×3/4 + 35×2/4 + 25×4/5 = 30 + 17.5 + 20
        ({"a": 3, "b": 2, "c": 4}, "67.50"),
        # 40×(10/3)/4 + 35×1/4 + 25×1/5 = 33.333… + 8.75 + 5 = 47.0833… → 47.08
        ({"a": Fraction(10, 3), "b": 1, "c": 1}, "47.08"),
        # Consensus means are stored to three decimals: 40×3.333/4 = 33.33; + 0 + 0
        ({"a": Decimal("3.333"), "b": 0, "c": 0}, "33.33"),
        # 40×1/4 + 35×1/4 + 25×1/5 = 10 + 8.75 + 5 = 23.75
        ({"a": 1, "b": 1, "c": 1}, "23.75"),
    ],
)
def test_weighted_total(scores, total):
    assert weighted_total(scores, CRITERIA) == Decimal(total)


def test_weights_not_summing_to_100_are_still_normalised():
    criteria = [CriterionSpec("a", 3, 4), CriterionSpec("b", 1, 4)]
    # (3×4/4 + 1×0/4) / 4 × 100 = 75
    assert weighted_total({"a": 4, "b": 0}, criteria) == Decimal("75.00")
    assert weighted_total({"a": 4}, []) == Decimal("0.00")


@pytest.mark.parametrize(
    "values,scale_max,flagged",
    [
        ([3], 4, False),  # one evaluator: no spread
        ([], 4, False),
        ([2, 2, 2], 4, False),  # all equal
        ([1, 2], 4, False),  # 1 of 4 = 25%
        ([1, 3], 4, True),  # 2 of 4 = 50%
        ([0, 3], 10, True),  # exactly 30%
        ([0, 2], 10, False),  # 20%
        ([1, 2, 3, 4], 10, True),  # max − min = 3 of 10: exactly 30%
        ([2, 3], 5, False),  # 1 of 5 = 20%
        ([2, 4], 5, True),  # 2 of 5 = 40%
        ([0, 1], 3, True),  # 1 of 3 = 33%
        ([0, 1], 4, False),  # 1 of 4 = 25%
        ([5, 2], 10, True),  # order does not matter: 3 of 10
    ],
)
def test_spread(values, scale_max, flagged):
    assert is_spread(values, scale_max) is flagged


def test_spread_flags_names_the_criteria_to_discuss():
    individual = {"a": [1, 3], "b": [2, 2, 2], "c": [0, 1]}
    assert spread_flags(individual, CRITERIA) == {"a"}  # c: 1 of 5 = 20%
    assert spread_flags({}, CRITERIA) == set()


T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def entry(key, a, b, c, price="40000", minutes=0):
    return Entry(key, {"a": a, "b": b, "c": c}, Decimal(price), T0 + datetime.timedelta(minutes=minutes), label=key)


def keys(rows):
    return [row.key for row in rows]


def test_rank_by_total_first():
    rows = rank([entry("low", 1, 1, 1), entry("high", 4, 4, 5), entry("mid", 2, 2, 2)], CRITERIA)
    assert keys(rows) == ["high", "mid", "low"]
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.separated_by for row in rows] == ["", "", ""]


def test_equal_totals_go_to_the_higher_score_on_the_heaviest_criterion():
    # x: 40×4/4 + 35×0 + 25×0 = 40; y: 40×0 + 35×4/4 + 25×1/5 = 35 + 5 = 40.
    rows = rank([entry("y", 0, 4, 1), entry("x", 4, 0, 0)], CRITERIA)
    assert rows[0].total == rows[1].total == Decimal("40.00")
    assert keys(rows) == ["x", "y"]
    assert rows[1].separated_by == "higher consensus score on “Understanding”"


def test_then_the_next_heaviest_criterion():
    # Same on a (weight 40). p: 35×2/4 + 25×0 = 17.5; q: 35×0 + 25×3.5/5 = 17.5.
    rows = rank([entry("q", 2, 0, Decimal("3.5")), entry("p", 2, 2, 0)], CRITERIA)
    assert rows[0].total == rows[1].total
    assert keys(rows) == ["p", "q"]
    assert "Approach" in rows[1].separated_by


def test_then_the_lower_price_then_the_earlier_submission():
    rows = rank(
        [
            entry("dear", 3, 3, 3, price="45000"),
            entry("late", 3, 3, 3, price="40000", minutes=5),
            entry("early", 3, 3, 3, price="40000", minutes=1),
        ],
        CRITERIA,
    )
    assert keys(rows) == ["early", "late", "dear"]
    assert [row.rank for row in rows] == [1, 2, 3]
    assert rows[1].separated_by == "earlier submission"
    assert rows[2].separated_by == "lower price"


def test_the_weight_order_not_the_list_order_decides():
    criteria = [CriterionSpec("light", 20, 4, "Light"), CriterionSpec("heavy", 80, 4, "Heavy")]
    # u: 20×0/4 + 80×1/4 = 20; v: 20×4/4 + 80×0/4 = 20. Listed first or not, heavy decides.
    u = Entry("u", {"light": 0, "heavy": 1})
    v = Entry("v", {"light": 4, "heavy": 0})
    rows = rank([v, u], criteria)
    assert rows[0].total == rows[1].total == Decimal("20.00")
    assert keys(rows) == ["u", "v"]


def test_still_equal_after_every_rule_shares_the_rank():
    rows = rank([entry("one", 2, 2, 2), entry("two", 2, 2, 2), entry("top", 4, 4, 5)], CRITERIA)
    assert rows[0].key == "top" and rows[0].rank == 1
    assert {rows[1].key, rows[2].key} == {"one", "two"}
    assert rows[1].rank == rows[2].rank == 2
    assert rows[1].tied and rows[2].tied and not rows[0].tied


def test_a_missing_price_ranks_after_any_price():
    with_price = entry("priced", 2, 2, 2, price="49999")
    without = Entry("unpriced", {"a": 2, "b": 2, "c": 2}, None, T0 - datetime.timedelta(days=1))
    assert keys(rank([without, with_price], CRITERIA)) == ["priced", "unpriced"]


def test_totals_equal_as_published_are_equal():
    # 40×(1/3)/4 = 3.333… and 40×0.333/4 = 3.33: both publish as 3.33, so the tie-break
    # rules decide, not the total's digits nobody sees.
    exact = Entry("exact", {"a": Fraction(1, 3)}, Decimal("2"))
    rounded = Entry("rounded", {"a": Decimal("0.333")}, Decimal("1"))
    rows = rank([exact, rounded], CRITERIA)
    assert rows[0].total == rows[1].total == Decimal("3.33")
    assert keys(rows) == ["exact", "rounded"]  # higher on the heaviest criterion: 1/3 > 0.333


def test_the_published_rules_name_every_step_in_the_order_rank_applies_them():
    text = TIE_BREAK_RULES
    steps = ["largest weight", "next largest", "lower price", "earlier submission"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)


# The same three proposals under each published order: "cheap" is cheapest but weaker on the
# heaviest criterion; "strong" is stronger there but dearer; "first" equals "strong" on every
# criterion and price but was submitted earlier. All three total 40.
TIED = [
    Entry("cheap", {"a": 0, "b": 4, "c": 1}, Decimal("30000"), T0 + datetime.timedelta(minutes=9), label="cheap"),
    Entry("strong", {"a": 4, "b": 0, "c": 0}, Decimal("45000"), T0 + datetime.timedelta(minutes=5), label="strong"),
    Entry("first", {"a": 4, "b": 0, "c": 0}, Decimal("45000"), T0 + datetime.timedelta(minutes=1), label="first"),
]


@pytest.mark.parametrize(
    "tie_break, order, separated",
    [
        ("criteria-price-time", ["first", "strong", "cheap"], ["", "earlier submission", "higher consensus score on “Understanding”"]),
        ("price-criteria-time", ["cheap", "first", "strong"], ["", "lower price", "earlier submission"]),
        ("criteria-time", ["first", "strong", "cheap"], ["", "earlier submission", "higher consensus score on “Understanding”"]),
    ],
)
def test_each_published_order_is_the_order_applied(tie_break, order, separated):
    rows = rank(TIED, CRITERIA, tie_break)
    assert {row.total for row in rows} == {Decimal("40.00")}
    assert keys(rows) == order
    assert [row.separated_by for row in rows] == separated


def test_price_is_not_used_when_the_rules_say_so():
    dear = Entry("dear", {"a": 2, "b": 2, "c": 2}, Decimal("49000"), T0)
    cheap = Entry("cheap", {"a": 2, "b": 2, "c": 2}, Decimal("1000"), T0 + datetime.timedelta(minutes=1))
    assert keys(rank([cheap, dear], CRITERIA, "criteria-time")) == ["dear", "cheap"]
    assert keys(rank([cheap, dear], CRITERIA, "criteria-price-time")) == ["cheap", "dear"]


@pytest.mark.parametrize("key", list(TIE_BREAKS))
def test_every_published_text_names_its_steps_in_the_order_they_are_applied(key):
    rules, text = TIE_BREAKS[key]
    phrases = {"criteria": "largest weight", "price": "lower price", "time": "earlier submission"}
    positions = [text.index(phrases[rule]) for rule in rules]
    assert positions == sorted(positions)
    if "price" not in rules:
        assert "Price is not used" in text


def test_an_unknown_order_is_refused():
    with pytest.raises(ValueError):
        rank(TIED, CRITERIA, "coin-toss")
