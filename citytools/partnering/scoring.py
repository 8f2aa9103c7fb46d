"""Arithmetic of an evaluation, pure (no ORM): weighted totals, spread flags, the ranking.

A total is normalised to 0–100: Σ weight × score / scale_max over the criteria, whose weights
sum to 100 once published (if they did not, the sum is divided by the weights' total, so the
result stays on 0–100). Totals are published to two decimals and compared as published, so
two totals that read the same are equal, and the tie-break rules below decide.

The tie-break rules are published with every challenge: it chooses one of TIE_BREAKS, whose
text is what the document shows, and `rank` applies exactly those rules in that order.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# The orders of tie-break rules a challenge may publish. Each is a sequence of rules that
# `rank` applies exactly as the published text says: "criteria" is the higher consensus score
# on the criterion with the largest weight, then the next largest, and so on.
TIE_BREAKS: dict[str, tuple[tuple[str, ...], str]] = {
    "criteria-price-time": (
        ("criteria", "price", "time"),
        "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then "
        "the next largest, then by the lower price, then by the earlier submission.",
    ),
    "price-criteria-time": (
        ("price", "criteria", "time"),
        "Equal totals are separated by the lower price, then by the higher consensus score on the criterion with the "
        "largest weight, then the next largest, then by the earlier submission.",
    ),
    "criteria-time": (
        ("criteria", "time"),
        "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then "
        "the next largest, then by the earlier submission. Price is not used.",
    ),
}
DEFAULT_TIE_BREAK = "criteria-price-time"
TIE_BREAK_RULES = TIE_BREAKS[DEFAULT_TIE_BREAK][1]


def tie_break_text(key: str) -> str:
    return TIE_BREAKS.get(key, TIE_BREAKS[DEFAULT_TIE_BREAK])[1]


# A criterion is flagged for discussion when its individual scores for one proposal spread
# (highest minus lowest) by at least this share of its scale.
SPREAD_SHARE = Fraction(3, 10)

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionSpec:
    """What the arithmetic needs of a criterion. `key` is any hashable id (the criterion's pk)."""

    key: Hashable
    weight: int
    scale_max: int
    name: str = ""


def _exact(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    return Fraction(value)


def weighted_total(scores: Mapping[Hashable, object], criteria: Sequence[CriterionSpec]) -> Decimal:
    """The normalised weighted total (0–100, two decimals). A missing score counts as 0."""
    total_weight = sum(c.weight for c in criteria)
    if total_weight <= 0:
        return Decimal("0.00")
    exact = sum(
        (Fraction(c.weight) * _exact(scores.get(c.key) or 0) / c.scale_max for c in criteria),
        Fraction(0),
    )
    exact = exact * 100 / total_weight
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def spread(values: Iterable[int]) -> int:
    values = list(values)
    return max(values) - min(values) if values else 0


def is_spread(values: Iterable[int], scale_max: int) -> bool:
    """Do these individual scores spread by 30% of the scale or more? One score never does."""
    return Fraction(spread(values)) >= SPREAD_SHARE * scale_max


def spread_flags(individual: Mapping[Hashable, Iterable[int]], criteria: Sequence[CriterionSpec]) -> set:
    """The criteria (keys) whose individual scores for one proposal must be discussed.
    `individual` maps a criterion's key to every evaluator's score on it."""
    return {c.key for c in criteria if is_spread(individual.get(c.key, ()), c.scale_max)}


@dataclass(frozen=True)
class Entry:
    """One proposal to rank: its consensus scores by criterion key, price and submission time."""

    key: Hashable
    scores: Mapping[Hashable, object]
    price: Decimal | None = None
    submitted_at: datetime | None = None
    label: str = ""


@dataclass
class Ranked:
    key: Hashable
    total: Decimal
    rank: int
    label: str = ""
    # Which rule separated it from the proposal just above with the same total, if any.
    separated_by: str = ""
    tied: bool = False  # still equal after every rule: shares its rank
    entry: Entry | None = field(default=None, repr=False)


def tie_break_order(criteria: Sequence[CriterionSpec]) -> list[CriterionSpec]:
    """Criteria from the largest weight down; equal weights keep the challenge's order."""
    return sorted(criteria, key=lambda c: -c.weight)


def _rule_values(entry: Entry, order: Sequence[CriterionSpec], rule: str) -> list[tuple[str, object]]:
    """(name, sort value) pairs for one tie-break rule; smaller sorts first."""
    if rule == "criteria":
        return [
            (f"higher consensus score on “{c.name or c.key}”", -_exact(entry.scores.get(c.key) or 0)) for c in order
        ]
    if rule == "price":
        # No price stated ranks after any price.
        return [("lower price", (0, entry.price) if entry.price is not None else (1, Decimal(0)))]
    return [("earlier submission", (0, entry.submitted_at) if entry.submitted_at is not None else (1, None))]


def _sort_key(entry: Entry, total: Decimal, order: Sequence[CriterionSpec], rules: Sequence[str]) -> tuple:
    """The higher total first, then the tie-break rules in their published order."""
    pairs = [pair for rule in rules for pair in _rule_values(entry, order, rule)]
    return (-total, *(value for _, value in pairs)), [name for name, _ in pairs]


def _separating_rule(above: tuple, below: tuple, names: Sequence[str]) -> str:
    """Name the first rule on which two equal totals differ."""
    for index, name in enumerate(names, start=1):
        if above[index] != below[index]:
            return name
    return ""


def rank(entries: Iterable[Entry], criteria: Sequence[CriterionSpec], tie_break: str = DEFAULT_TIE_BREAK) -> list[Ranked]:
    """Rank proposals by normalised total, breaking ties as the published TIE_BREAKS entry says.

    Proposals still equal after every rule share a rank (1, 2, 2, 4)."""
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"unknown tie-break rules {tie_break!r}")
    order = tie_break_order(criteria)
    rules = TIE_BREAKS[tie_break][0]
    keyed = []
    names: list[str] = []
    for entry in entries:
        total = weighted_total(entry.scores, criteria)
        key, names = _sort_key(entry, total, order, rules)
        keyed.append((key, total, entry))
    keyed.sort(key=lambda item: item[0])
    out: list[Ranked] = []
    for position, (key, total, entry) in enumerate(keyed, start=1):
        row = Ranked(key=entry.key, total=total, rank=position, label=entry.label, entry=entry)
        if out:
            previous_key = keyed[position - 2][0]
            if key == previous_key:
                row.rank = out[-1].rank
                row.tied = True
                out[-1].tied = True
            elif total == out[-1].total:
                row.separated_by = _separating_rule(previous_key, key, names)
        out.append(row)
    return out
