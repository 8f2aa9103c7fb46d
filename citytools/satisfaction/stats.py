"""Honest statistics of 1–5 ratings: always with n, an interval and shrinkage. Pure Python.

The method, also shown on the satisfaction page (templates/satisfaction/_method.html):

- A set of ratings is summarised by a Bayesian model of its five score counts: a Dirichlet
  prior worth PRIOR_WEIGHT ratings, spread like the ratings of the comparison pool (the
  other ratings of the same service areas: citytools.satisfaction.queries.reference_for),
  updated with the observed counts.
- A pool's spread is itself estimated (`spread`): its counts plus PRIOR_WEIGHT ratings
  spread evenly over 1–5. So an empty pool gives the even prior, a small pool a prior near
  even, and no prior is ever certain of one score; with no weight on some scores, one
  rating matching the pool would get a zero-wide interval.
- The estimate is the posterior mean: (PRIOR_WEIGHT × reference mean + n × observed mean) /
  (PRIOR_WEIGHT + n). With few ratings it stays near the reference; with many it is the
  observed mean. That is the shrinkage toward the service-area mean.
- The 95% credible interval is the posterior mean ± 1.96 posterior standard deviations of
  the mean score (normal approximation), clipped to the 1–5 scale. With no ratings it is
  the prior's, so it is wide; against a pool's spread it is never zero-wide.
- A ranking orders by the estimate, and gives a place only to what has at least MIN_RANKED
  ratings; the rest are listed after it, unranked, with their n.
"""

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
PRIOR_WEIGHT = 3
MIN_RANKED = 3
Z95 = 1.959964
UNIFORM = (0.2, 0.2, 0.2, 0.2, 0.2)


def distribution(scores: Iterable[int]) -> tuple[int, ...]:
    """How many of each score 1–5."""
    counts = [0] * len(SCALE)
    for score in scores:
        if score not in SCALE:
            raise ValueError(f"A score must be a whole number from 1 to 5, not {score!r}.")
        counts[score - 1] += 1
    return tuple(counts)


def shares(counts: Sequence[float]) -> tuple[float, ...]:
    """Counts as proportions; no ratings at all spread evenly (each score as likely)."""
    total = sum(counts)
    if not total:
        return UNIFORM
    return tuple(c / total for c in counts)


def spread(counts: Sequence[int], *, weight: float = PRIOR_WEIGHT) -> tuple[float, ...]:
    """The spread of scores in a comparison pool: its counts plus `weight` ratings spread
    evenly, as proportions (the posterior mean of the pool's own Dirichlet, starting even).
    Every score keeps some weight however few ratings the pool has; an empty pool is even."""
    if not sum(counts):
        return UNIFORM
    total = sum(counts) + weight
    return tuple((c + weight * even) / total for c, even in zip(counts, UNIFORM))


def mix(references: Iterable[Sequence[float]]) -> tuple[float, ...]:
    """The average of several proportions: the reference of an entity whose ratings fall in
    several pools (one per rating)."""
    references = list(references)
    if not references:
        return UNIFORM
    return tuple(sum(column) / len(references) for column in zip(*references))


def mean_of(proportions: Sequence[float]) -> float:
    return sum(score * p for score, p in zip(SCALE, proportions))


@dataclass(frozen=True)
class Summary:
    n: int
    counts: tuple[int, ...]
    mean: float | None  # the observed mean; None without ratings
    estimate: float  # the posterior mean, shrunk toward the reference
    low: float  # 95% credible interval
    high: float
    reference: float  # the mean the estimate is shrunk toward

    @property
    def ranked(self) -> bool:
        return self.n >= MIN_RANKED

    # Written out once here rather than by a template filter per cell: long rankings are
    # rendered quicker, and every page shows the same figures the same way.
    @property
    def mean_text(self) -> str:
        return "—" if self.mean is None else f"{self.mean:.2f}"

    @property
    def estimate_text(self) -> str:
        return f"{self.estimate:.2f}"

    @property
    def interval_text(self) -> str:
        return f"{self.low:.1f}–{self.high:.1f}"


def summarise(
    scores: Iterable[int], reference: Sequence[float] = UNIFORM, *, weight: float = PRIOR_WEIGHT
) -> Summary:
    """Summarise ratings against `reference` (proportions of scores 1–5 in the pool)."""
    counts = distribution(scores)
    n = sum(counts)
    alpha = [weight * p + c for p, c in zip(reference, counts)]
    total = sum(alpha)
    estimate = sum(s * a for s, a in zip(SCALE, alpha)) / total
    second = sum(s * s * a for s, a in zip(SCALE, alpha)) / total
    spread = math.sqrt(max(second - estimate * estimate, 0.0) / (total + 1))
    return Summary(
        n=n,
        counts=counts,
        mean=sum(s * c for s, c in zip(SCALE, counts)) / n if n else None,
        estimate=estimate,
        low=max(SCALE[0], estimate - Z95 * spread),
        high=min(SCALE[-1], estimate + Z95 * spread),
        reference=mean_of(reference),
    )


@dataclass(frozen=True)
class Placed:
    key: Hashable
    summary: Summary
    rank: int | None  # None: fewer than MIN_RANKED ratings, so no place


def rank(items: Iterable[tuple[Hashable, Summary]]) -> list[Placed]:
    """Ranked first, by estimate (then more ratings, then key); then the unranked by n."""
    items = list(items)
    ranked = sorted(
        (i for i in items if i[1].ranked), key=lambda i: (-i[1].estimate, -i[1].n, str(i[0]))
    )
    unranked = sorted((i for i in items if not i[1].ranked), key=lambda i: (-i[1].n, str(i[0])))
    placed = [Placed(key, summary, place) for place, (key, summary) in enumerate(ranked, start=1)]
    return placed + [Placed(key, summary, None) for key, summary in unranked]


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing the average of the places they take."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Spearman's rank correlation; None with fewer than 3 pairs or when either side is flat."""
    pairs = list(pairs)
    if len(pairs) < 3:
        return None
    xs, ys = _ranks([p[0] for p in pairs]), _ranks([p[1] for p in pairs])
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if not sxx or not syy:
        return None
    return sxy / math.sqrt(sxx * syy)
