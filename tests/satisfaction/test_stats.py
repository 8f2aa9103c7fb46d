"""The statistics against figures worked out by hand (citytools.satisfaction.stats).

With the default prior (3 pseudo-ratings spread evenly over 1–5), for scores s:
  estimate = (3 × 3 + n × mean) / (3 + n)
  interval = estimate ± 1.96 × sqrt((E[s²] − E[s]²) / (3 + n + 1)), clipped to 1–5
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citytools.satisfaction import stats


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
