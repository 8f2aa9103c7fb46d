"""The statistics against figures worked out by hand (citytools.satisfaction.stats).

With the default prior (3 pseudo-ratings spread evenly over 1–5), for scores s:
  estimate = (3 × 3 + n × mean) / (3 + n)
  interval = estimate ± 1.96 × sqrt((E[s²] − E[s]²) / (3 + n + 1)), clipped to 1–5
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citytools.satisfaction import queries, stats


def close(value, expected):
    return value == pytest.approx(expected, abs=1e-4)


def test_no_ratings_give_the_prior_and_a_wide_interval():
    s = stats.summarise([])
    assert s.n == 0 and s.mean is None and s.counts == (0, 0, 0, 0, 0)
    assert close(s.estimate, 3.0)
    # E[s²] = 11, var = (11 − 9) / 4 = 0.5, sd = 0.70711
    assert close(s.low, 1.61410) and close(s.high, 4.38590)
    assert not s.ranked


def test_one_rating_is_pulled_toward_the_reference():
    s = stats.summarise([5])
    assert s.n == 1 and s.mean == 5
    assert close(s.estimate, 3.5)  # (9 + 5) / 4
    # E[s²] = 14.5, var = (14.5 − 12.25) / 5 = 0.45, sd = 0.67082
    assert close(s.low, 2.18521) and close(s.high, 4.81479)


def test_two_ratings():
    s = stats.summarise([1, 1])
    assert s.n == 2 and s.mean == 1 and s.counts == (2, 0, 0, 0, 0)
    assert close(s.estimate, 2.2)  # (9 + 2) / 5
    # E[s²] = 7, var = (7 − 4.84) / 6 = 0.36, sd = 0.6
    assert close(s.low, 1.02402) and close(s.high, 3.37598)
    assert not s.ranked


def test_shrinkage_goes_toward_the_service_area_not_the_middle():
    area = stats.shares([0, 0, 0, 4, 0])  # every rating in the area is a 4
    s = stats.summarise([2], area)
    assert close(s.reference, 4.0)
    assert close(s.estimate, 3.5)  # (3 × 4 + 2) / 4
    # alpha = (0, 1, 0, 3, 0): E[s²] = 13, var = (13 − 12.25) / 5 = 0.15
    assert close(s.low, 2.74090) and close(s.high, 4.25910)


def test_the_interval_stays_on_the_scale():
    s = stats.summarise([5] * 10)
    assert close(s.estimate, 59 / 13)
    assert s.high == 5 and s.low < s.estimate


def test_three_ratings_are_the_least_that_are_ranked():
    few = stats.summarise([5, 5])
    enough = stats.summarise([3, 3, 3])
    placed = stats.rank([("few", few), ("enough", enough)])
    assert [(p.key, p.rank) for p in placed] == [("enough", 1), ("few", None)]


def test_rank_orders_by_estimate_then_n():
    a, b, c = stats.summarise([4, 4, 4]), stats.summarise([4, 4, 4, 4, 4, 4]), stats.summarise([2, 2, 2])
    placed = stats.rank([("c", c), ("a", a), ("b", b)])
    assert [p.key for p in placed] == ["b", "a", "c"] and [p.rank for p in placed] == [1, 2, 3]


def test_a_score_off_the_scale_is_refused():
    with pytest.raises(ValueError):
        stats.distribution([0])
    with pytest.raises(ValueError):
        stats.distribution([6])


def test_mix_averages_references_and_falls_back_to_even():
    assert stats.mix([]) == stats.UNIFORM
    assert stats.mix([(1, 0, 0, 0, 0), (0, 0, 0, 0, 1)]) == (0.5, 0, 0, 0, 0.5)
    assert stats.shares([0, 0, 0, 0, 0]) == stats.UNIFORM


def test_spearman():
    assert close(stats.spearman([(1, 1), (2, 2), (3, 3)]), 1)
    assert close(stats.spearman([(1, 3), (2, 2), (3, 1)]), -1)
    # ties share ranks: x ranks (1.5, 1.5, 3), y ranks (1, 2, 3) → 1.5 / sqrt(1.5 × 2)
    assert close(stats.spearman([(1, 1), (1, 2), (2, 3)]), 0.866025)
    assert stats.spearman([(1, 1), (2, 2)]) is None
    assert stats.spearman([(1, 1), (1, 2), (1, 3)]) is None


@given(st.lists(st.integers(1, 5), max_size=60))
def test_the_estimate_lies_between_the_reference_and_the_mean_inside_its_interval(scores):
    s = stats.summarise(scores)
    assert 1 <= s.low <= s.estimate <= s.high <= 5
    if scores:
        mean = sum(scores) / len(scores)
        assert min(mean, 3) - 1e-9 <= s.estimate <= max(mean, 3) + 1e-9


@given(st.lists(st.integers(1, 5), min_size=1, max_size=30))
def test_more_of_the_same_ratings_narrow_the_interval(scores):
    one, twice = stats.summarise(scores), stats.summarise(scores * 2)
    assert twice.high - twice.low <= one.high - one.low + 1e-9


# The prior's spread: a pool of other ratings, never the figure itself -------------------------
#
# A pool's spread is its counts plus 3 ratings spread evenly: (c + 3 × 1/5) / (N + 3). So every
# score keeps some weight however few ratings the pool has, and a figure's interval is never
# zero-wide (the issue: "n = 1, estimate 4.00 (4.0–4.0)").


def test_a_pools_spread_starts_from_three_ratings_spread_evenly():
    # two 4s: (0.6, 0.6, 0.6, 2.6, 0.6) / 5
    assert stats.spread([0, 0, 0, 2, 0]) == pytest.approx((0.12, 0.12, 0.12, 0.52, 0.12))
    assert stats.spread([0, 0, 0, 0, 0]) == stats.UNIFORM


def test_one_rating_among_ratings_of_the_same_score_still_has_an_interval():
    # A 4, in a service area whose two other ratings are 4s: the reference mean is
    # 0.12 × (1 + 2 + 3 + 5) + 0.52 × 4 = 3.4, so the estimate is (3 × 3.4 + 4) / 4.
    s = stats.summarise([4], stats.spread([0, 0, 0, 2, 0]))
    assert close(s.reference, 3.4) and close(s.estimate, 3.55)
    # alpha = (0.36, 0.36, 0.36, 2.56, 0.36): E[s²] = 13.75, var = (13.75 − 3.55²) / 5 = 0.2295
    assert close(s.low, 2.61106) and close(s.high, 4.48894)


# No deadline: the machine running the tests may be busy; what counts is the property.
@settings(deadline=None)
@given(
    st.lists(st.integers(0, 400), min_size=5, max_size=5),
    st.lists(st.integers(1, 5), max_size=60),
)
def test_every_figure_against_a_pool_has_an_interval_around_its_estimate(pool, scores):
    s = stats.summarise(scores, stats.spread(pool))
    assert 1 <= s.low < s.estimate < s.high <= 5
    if scores:
        mean = sum(scores) / len(scores)
        assert min(mean, s.reference) - 1e-9 <= s.estimate <= max(mean, s.reference) + 1e-9


def _row(score, *areas, product=1):
    return queries.Row(
        organisation=product, system=product, product=product, provider=product, areas=tuple(areas), overall=score,
        dimensions={},
    )


def test_a_figure_is_never_its_own_prior():
    # The only rating of its service area, and the only rating at all: the prior is even.
    alone = [_row(4, 7)]
    assert queries.reference_for(alone, queries.Pools.of(alone)) == stats.UNIFORM
    s = stats.summarise([4], queries.reference_for(alone, queries.Pools.of(alone)))
    assert close(s.estimate, 3.25)  # (3 × 3 + 4) / 4, not 4.00
    # alpha = (0.6, 0.6, 0.6, 1.6, 0.6): E[s²] = 12.25, var = (12.25 − 3.25²) / 5 = 0.3375
    assert close(s.low, 2.11136) and close(s.high, 4.38864)


def test_a_figure_is_compared_with_the_other_ratings_of_its_service_areas():
    rows = [_row(4, 7, product=1), _row(4, 7, product=2), _row(4, 7, product=3), _row(1, 8, product=4)]
    pools = queries.Pools.of(rows)
    # Product 1 against products 2 and 3 (two 4s), not against itself nor area 8.
    assert queries.reference_for(rows[:1], pools) == pytest.approx(stats.spread([0, 0, 0, 2, 0]))
    # Area 7 and 8 together: the mix of each area's other ratings.
    both = [_row(2, 7, 8, product=5)]
    pools = queries.Pools.of(rows + both)
    assert queries.reference_for(both, pools) == pytest.approx(
        stats.mix([stats.spread([0, 0, 0, 3, 0]), stats.spread([1, 0, 0, 0, 0])])
    )


def test_with_no_other_rating_in_its_areas_the_pool_is_every_other_rating():
    rows = [_row(2, 7, product=1), _row(3, 7, product=2), _row(4, 9, product=3)]
    pools = queries.Pools.of(rows)
    assert queries.reference_for(rows[2:], pools) == pytest.approx(stats.spread([0, 1, 1, 0, 0]))
    # And a scope with every rating in it is compared with none: evenly.
    assert queries.reference_for(rows, pools) == pytest.approx(stats.UNIFORM)


# No deadline: the machine running the tests may be busy; what counts is the property.
@settings(deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 6)), max_size=40),
    st.integers(1, 6),
)
def test_every_product_in_a_report_has_an_interval(ratings, product):
    """Whatever the ratings, each product's figure is drawn against a prior with weight on
    every score: its interval is never zero-wide and holds its estimate."""
    rows = [_row(score, area, product=p) for score, area, p in ratings]
    mine = [r for r in rows if r.product == product]
    s = stats.summarise([r.overall for r in mine], queries.reference_for(mine, queries.Pools.of(rows)))
    assert 1 <= s.low < s.estimate < s.high <= 5
