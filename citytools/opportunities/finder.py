"""Joint-procurement opportunities: contracts in the same service area that end close together.

Pure Python and the standard library only, no Django: the app around it (models, views) feeds
it plain `Ending` records built from the contracts the person asking may see, and shows the
`Opportunity` records it returns.

Terms
-----
Every `Ending` belongs to a *group*, whatever must match for two contracts to be bought
together (a service area id, or an (area, product) pair when narrowed; the caller decides).
Each group has a procurement lead time `lead` in days (`lead_days[group]`, else
`default_lead_days`, about nine months). `w` is `window_days`.

- An entry is **actionable** when `latest - lead >= today`: counting its extension options,
  there is still time to procure before it must end. Other entries are ignored.
- A window is `[t, t + w]` (both days included) with `t >= today + lead`. An entry **fits**
  it when its flexible end range meets it: `earliest <= t + w and latest >= t`. So a contract
  that ends early joins a later cohort when an extension option reaches the window.
- `S(t)` is the set of a group's actionable entries that fit the window starting at `t`. An
  **opportunity** is a set `S(t)` that is maximal by inclusion among all `S(t')` of its group
  (`t' >= today + lead`) and holds contracts of at least two distinct organisations.

Equal dates: an entry whose `latest` is `t` still fits the window starting at `t`, and one
whose `earliest` is `t + w` fits it too; a day later (`latest == t - 1`, or
`earliest == t + w + 1`) it does not.

The sweep
---------
In terms of `t`, entry `i` fits exactly when `a_i <= t <= b_i`, where
`a_i = max(earliest - w, today + lead)` and `b_i = latest` (and `a_i <= b_i` because the
entry is actionable and `earliest <= latest`). So `S(t)` is the set of intervals
`[a_i, b_i]` that contain `t`, and as `t` goes up, entry `i` *arrives* at `a_i` and *departs*
after `b_i`. On one day, arrivals are taken first, then the set is read, then the entries
whose `latest` is that day depart: they were still in the set that day.

Claim: the maximal sets are exactly the sets read just before a departure day `b` when at
least one entry arrived since the previous departure day (at a day after it). Why:

- Between two departure days the set only grows, so every `S(t)` is contained in the set
  read on the next departure day `b >= t`. Only those sets can be maximal.
- If nothing arrived since the previous departure day `b'`, the set read at `b` is the set
  read at `b'` less what departed at `b'`: a strict subset, not maximal.
- If `x` arrived at `a_x > b'` and `y` departs at `b`, the set `D` read at `b` is maximal:
  a window before `a_x` lacks `x`, one after `b` lacks `y`, and on days in `[a_x, b]` nothing
  departs before `b`, so the set there is contained in `D`. The same `x` and `y` show that no
  two departure days give the same set, so each opportunity is reported once.

The windows holding exactly `D` start anywhere from `max a_i` (the last arrival, reported as
`start`) to `min b_i` (the departure day, reported as `last_start`).

Each group is swept on its own: its actionable entries sorted once by `earliest` (which
orders arrival days too) and once by `latest`, then walked departure day by departure day,
so the whole run is O(n log n). The aggregates are kept up to date as entries arrive and
depart, so each maximal set is scored in O(1) without listing its members: distinct
organisations through a count per organisation; running sums of the known annual values and
dissatisfaction ratings and a count of the ratings; the largest number of entries on one
supplier through a frequency-of-frequencies table (how many suppliers hold exactly `c`
entries), which says when the largest count drops. With `limit` the best are kept in a heap
of that size as the sweep finds them.

Alike opportunities
-------------------
One contract often belongs to several groups (a revenues and benefits contract covers three
service areas), so the same set of contracts can be an opportunity in each of them. It is
reported once, naming every such group in `groups`, with the figures of the best of them (in
the order `find` returns): `group` is that one. To recognise alike sets without listing them,
every entry of a group that shares a key with another group carries a random 64-bit token
(the same for the same key everywhere), and the sweep keeps the sum of the tokens present, in
O(1) per arrival and departure: sets with the same size and sum are alike. Their candidates are
held back from the heap (a small tuple each, for those groups only) and enter it once, as the
best of them; when the opportunities kept are
materialised, the others are too, and named only if their contracts really are the same (two
different sets whose sums collide, about one chance in 10^19, are both reported). When no key
is in two groups, which is checked once, nothing of this runs.

Only the opportunities returned are materialised, group by group in day order: each one's
members are the previous one's plus what arrived and less what departed in between, kept as
a sorted list of keys. Their figures are recomputed exactly from the members (`math.fsum`),
so the reported sums do not carry the running sums' rounding; the ranking inside the sweep
can differ from the reported scores by that rounding only.

Reported figures
----------------
- `act_by`: the last day procurement can start and still be in place before the first member
  contract must end with every extension taken: `min(latest) - lead`, i.e.
  `last_start - lead`. Every member is actionable, so it is never before `today`.
- `months_left`: whole calendar months from `today` to `act_by` (from 31 January, 28 February
  is 0 months and 31 March is 2).

Score (out of 125)
------------------
Simple on purpose, each part reported as a `Reason` with its points and a sentence:

- Organisations: 10 points for each organisation beyond the first, at most 50.
- Value: `10 * log10(combined known annual value / 10,000)`, clipped to 0..30 (10,000 a year
  or less: 0; 100,000: 10; 1,000,000: 20; 10,000,000 or more: 30). No known value: 0.
- Dissatisfaction: mean known dissatisfaction (0..4) times 5, so 0..20. None rated: 0.
- Same supplier: the share of member contracts with the most common supplier, times 15.
- Urgency: `10 * (1 - min(months_left, 24) / 24)`: 10 when procurement must start now, 0 at
  two years or more.

`find` returns opportunities by score, highest first; ties go to more organisations, then the
earlier `start`, then the group's `repr`.
"""

import datetime
import math
import random
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from heapq import heappush, heapreplace
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

DEFAULT_LEAD_DAYS = 274  # about nine months to run a procurement
DEFAULT_WINDOW_DAYS = 365
MAX_DISSATISFACTION = 4.0


@dataclass(frozen=True, slots=True)
class Ending:
    """When one contract ends. `latest` is its end if every extension option is taken (the
    same as `earliest` without options). `None` for a value or a rating means unknown, or not
    visible to the person asking."""

    key: int  # the contract's id, which fits in 64 bits as database ids do
    organisation: int
    group: Hashable  # what must match: a service area id, or (area, product); the caller decides
    supplier: int
    earliest: datetime.date
    latest: datetime.date
    annual_value: float | None = None
    dissatisfaction: float | None = None  # 0 (very satisfied) .. 4 (very dissatisfied)

    def __post_init__(self):
        if not -(2**63) <= self.key < 2**63:
            raise ValueError(f"contract key {self.key} does not fit in 64 bits")
        if self.latest < self.earliest:
            raise ValueError(f"contract {self.key}: latest end {self.latest} is before its earliest end {self.earliest}")
        if self.annual_value is not None and self.annual_value < 0:
            raise ValueError(f"contract {self.key}: annual value {self.annual_value} is negative")
        if self.dissatisfaction is not None and not 0 <= self.dissatisfaction <= MAX_DISSATISFACTION:
            raise ValueError(f"contract {self.key}: dissatisfaction {self.dissatisfaction} is outside 0..4")


class Points(NamedTuple):
    """The parts of an opportunity's score; `total` is their sum."""

    organisations: float
    value: float
    dissatisfaction: float
    same_supplier: float
    urgency: float

    @property
    def total(self) -> float:
        return self.organisations + self.value + self.dissatisfaction + self.same_supplier + self.urgency


class Reason(NamedTuple):
    label: str
    points: float
    explanation: str


@dataclass(frozen=True, slots=True)
class Opportunity:
    group: Hashable
    start: datetime.date  # the earliest window start holding exactly these contracts
    end: datetime.date  # start + window_days
    last_start: datetime.date  # the latest such start: the first member's latest end
    members: tuple[int, ...]  # contract keys, ascending
    organisations: int
    annual_value: float | None  # sum of the known values; None when none is known
    values_known: int
    dissatisfaction: float | None  # mean of the known ratings; None when none is known
    dissatisfaction_known: int
    same_supplier: int  # the supplier with the most member contracts (the lowest id on a tie)
    same_supplier_share: float  # its contracts / all member contracts
    act_by: datetime.date
    months_left: int
    score: float
    points: Points
    reasons: tuple[Reason, ...]
    # Every group in which exactly these contracts make an opportunity (`group`, whose figures
    # are reported, is the best of them), ordered as `find` orders groups.
    groups: tuple[Hashable, ...] = ()

    def __post_init__(self):
        if not self.groups:
            object.__setattr__(self, "groups", (self.group,))


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end` (0 when `end` is less than a month on)."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def points_for(
    *, organisations: int, annual_value: float | None, dissatisfaction: float | None, share: float, months_left: int
) -> Points:
    """The score's parts (see the module docstring), for an opportunity's reasons."""
    return Points(*_points(organisations, annual_value, dissatisfaction, share, months_left))


def _points(organisations, annual_value, dissatisfaction, share, months_left) -> tuple[float, ...]:
    """The score's parts in the order of Points: the one place the formula is written. `find`
    scores every maximal set with it as it sweeps (summed as Points.total sums them), and
    points_for the opportunities it returns, from their exact figures."""
    # Conditional expressions rather than min(), about twice as fast here: this runs for every
    # maximal set of a sweep.
    value = 0.0
    if annual_value is not None and annual_value > 10_000:
        value = 10 * _log10(annual_value / 10_000)
        value = value if value < 30.0 else 30.0
    return (
        50.0 if organisations > 5 else 10.0 * (organisations - 1),
        value,
        0.0 if dissatisfaction is None else 5 * dissatisfaction,
        15 * share,
        10 * (1 - (months_left if months_left < 24 else 24) / 24),
    )


_log10 = math.log10


_NEVER = datetime.date.max.toordinal() + 1  # a day after every real day


def find(
    entries: Iterable[Ending],
    *,
    today: datetime.date,
    window_days: int = DEFAULT_WINDOW_DAYS,
    lead_days: Mapping[Hashable, int] | None = None,
    default_lead_days: int = DEFAULT_LEAD_DAYS,
    limit: int | None = None,
) -> list[Opportunity]:
    """Every opportunity (or the best `limit`) among `entries`, best first."""
    if window_days < 0:
        raise ValueError("window_days must be 0 or more")
    if limit is not None and limit < 1:
        return []
    lead_days = lead_days or {}
    w = window_days
    today_ord = today.toordinal()

    # One pass over the entries in their own order, keeping the actionable ones in columns
    # per group. Everything after reads one group's columns at a time and out of order, so
    # what it reads is made here, small and side by side or shared: day ordinals (one object
    # per distinct date), organisations and suppliers numbered 0.. (so their counts live in
    # short lists), which figures are known as a code 0..3 (+1 value, +2 rating), and the
    # figures (unknown ones as 0.0) and keys in arrays.
    columns = {}
    ordinal = _Numbering(datetime.date.toordinal)
    organisation_index = _Numbering()
    supplier_index = _Numbering()
    for entry in entries:
        group = entry.group
        column = columns.get(group)
        if column is None:
            lead = lead_days.get(group, default_lead_days)
            if lead < 0:
                raise ValueError(f"lead time of group {group!r} is negative")
            # The first window start, which is also the least actionable latest end.
            first = today_ord + lead
            column = columns[group] = (first, [], [], [], [], [], array("d"), array("d"), array("q"))
        first, earliest, latest, organisations, suppliers, codes, values, ratings, keys = column
        last = ordinal[entry.latest]
        if last < first:  # too late to procure before it must end
            continue
        latest.append(last)
        earliest.append(ordinal[entry.earliest])
        organisations.append(organisation_index[entry.organisation])
        suppliers.append(supplier_index[entry.supplier])
        value = entry.annual_value
        rating = entry.dissatisfaction
        if value is None:
            values.append(0.0)
            code = 0
        else:
            values.append(value)
            code = 1
        if rating is None:
            ratings.append(0.0)
        else:
            ratings.append(rating)
            code += 2
        codes.append(code)
        keys.append(entry.key)
    supplier_names = list(supplier_index)
    tokens_of = _shared_tokens(columns)

    ranked = sorted(columns, key=repr)
    swept = {}  # group rank -> what materialising its opportunities needs
    chosen = []  # (score, organisations, -start, -rank, last_start, arrived): a min-heap with `limit`
    floor = -1.0  # the worst score kept, once the heap is full
    alike = {}  # (size, fingerprint) -> every candidate with those contracts, from groups sharing contracts
    months_to = {}  # act_by (ordinal) -> whole months from today
    # Counts per organisation and per supplier in the set: every entry of a group departs by
    # the end of its sweep, so they are all 0 again for the next group.
    organisation_count = [0] * len(organisation_index)
    supplier_count = [0] * len(supplier_names)
    for rank, group in enumerate(ranked):
        first, earliest, latest, organisations, suppliers, codes, values, ratings, keys = columns[group]
        lead = first - today_ord
        count = len(latest)
        if not count:
            continue
        tokens = tokens_of.get(group)
        fingerprint = 0
        # Sorted by `earliest`, which orders arrival days max(earliest - w, first) too; and on
        # a departure day `day >= first`, an entry has arrived exactly when earliest <= day + w.
        by_arrival = sorted(range(count), key=earliest.__getitem__)
        # From arrival order, which is already departure order for every entry without an
        # extension option: the sort merges the runs instead of starting afresh.
        by_departure = sorted(by_arrival, key=latest.__getitem__)
        ends = list(map(earliest.__getitem__, by_arrival))
        departure_days = list(map(latest.__getitem__, by_departure))
        swept[rank] = (by_arrival, by_departure, departure_days)

        holding = [0] * (count + 2)  # holding[c]: how many suppliers have exactly c entries in the set
        distinct = top = rated = 0
        value_sum = rating_sum = 0.0
        arrived = departed = 0
        next_arrival = ends[0] - w
        while departed < count:
            day = departure_days[departed]
            leaving = bisect_right(departure_days, day, departed)
            if next_arrival <= day:
                # Arrivals up to and including this day join before anything departs: an
                # entry whose latest end is this day still fits a window starting on it.
                up_to = bisect_right(ends, day + w, arrived)
                joining = by_arrival[arrived:up_to]
                if tokens is not None:
                    fingerprint += sum(map(tokens.__getitem__, joining))
                for i in joining:
                    # Unknown figures are held as 0.0 and add nothing.
                    value_sum += values[i]
                    rating_sum += ratings[i]
                    rated += codes[i] >> 1
                    organisation = organisations[i]
                    held = organisation_count[organisation]
                    if not held:
                        distinct += 1
                    organisation_count[organisation] = held + 1
                    supplier = suppliers[i]
                    held = supplier_count[supplier]
                    holding[held] -= 1
                    held += 1
                    holding[held] += 1
                    supplier_count[supplier] = held
                    if held > top:
                        top = held
                arrived = up_to
                start = ends[up_to - 1] - w
                next_arrival = ends[up_to] - w if up_to < count else _NEVER
                # Something arrived since the last departure day, so this set is maximal.
                if distinct > 1:
                    act_by = day - lead
                    months = months_to.get(act_by)
                    if months is None:
                        months = months_to[act_by] = whole_months(today, datetime.date.fromordinal(act_by))
                    # From the running sums: with no value known the value sum is 0 (give or
                    # take rounding), worth no points, as an unknown value is.
                    score = sum(
                        _points(distinct, value_sum, rating_sum / rated if rated else None, top / (arrived - departed), months)
                    )
                    if start < first:
                        start = first
                    if tokens is not None:
                        # Its contracts may make an opportunity in another group too: held
                        # back, so that alike ones take one place among the best, not several.
                        item = (score, distinct, -start, -rank, day, arrived)
                        same = alike.get((arrived - departed, fingerprint))
                        if same is None:
                            alike[(arrived - departed, fingerprint)] = [item]
                        else:
                            same.append(item)
                    elif limit is None:
                        chosen.append((score, distinct, -start, -rank, day, arrived))
                    elif score >= floor:
                        item = (score, distinct, -start, -rank, day, arrived)
                        if len(chosen) < limit:
                            heappush(chosen, item)
                            if len(chosen) == limit:
                                floor = chosen[0][0]
                        elif item > chosen[0]:
                            heapreplace(chosen, item)
                            floor = chosen[0][0]
            leaving_now = by_departure[departed:leaving]
            if tokens is not None:
                fingerprint -= sum(map(tokens.__getitem__, leaving_now))
            for i in leaving_now:
                value_sum -= values[i]
                rating_sum -= ratings[i]
                rated -= codes[i] >> 1
                organisation = organisations[i]
                held = organisation_count[organisation] - 1
                organisation_count[organisation] = held
                if not held:
                    distinct -= 1
                supplier = suppliers[i]
                held = supplier_count[supplier]
                holding[held] -= 1
                if held == top and not holding[held]:
                    top = held - 1
                held -= 1
                holding[held] += 1
                supplier_count[supplier] = held
            departed = leaving

    # Alike candidates (the same contracts, found in several groups) take one place, the best
    # of them's; the others are listed too, to name their groups and check they are alike.
    also = {}
    for items in alike.values():
        item = max(items)
        if len(items) > 1:
            also[item] = [other for other in items if other is not item]
        if limit is None:
            chosen.append(item)
        elif len(chosen) < limit:
            heappush(chosen, item)
        elif item > chosen[0]:
            heapreplace(chosen, item)
    kept = set(chosen)
    listed = chosen + [other for item in chosen for other in also.get(item, ())]

    # Materialise the opportunities kept, group by group in day order: the next one's members
    # are the last one's, plus what arrived and less what departed in between.
    found = {}
    listed.sort(key=_group_and_day)
    for negative_rank, candidates in groupby(listed, key=_GROUP):
        rank = -negative_rank
        group = ranked[rank]
        first, _, _, organisations, suppliers, codes, values, ratings, keys = columns[group]
        by_arrival, by_departure, departure_days = swept[rank]
        lead = first - today_ord
        present = set()
        ordered = []  # the keys of the present entries, ascending
        organisations_present = {}  # organisation -> entries present
        suppliers_present = {}  # supplier -> entries present
        valued = rated = 0
        arrived = departed = 0
        for candidate in candidates:
            _, _, negative_start, _, day, arrived_to = candidate
            departed_to = bisect_left(departure_days, day)
            joining = by_arrival[arrived:arrived_to]
            leaving = by_departure[departed:departed_to]
            arrived, departed = arrived_to, departed_to
            for i in joining:
                code = codes[i]
                valued += code & 1
                rated += code >> 1
                organisation = organisations[i]
                organisations_present[organisation] = organisations_present.get(organisation, 0) + 1
                supplier = suppliers[i]
                suppliers_present[supplier] = suppliers_present.get(supplier, 0) + 1
            for i in leaving:
                code = codes[i]
                valued -= code & 1
                rated -= code >> 1
                organisation = organisations[i]
                if organisations_present[organisation] == 1:
                    del organisations_present[organisation]
                else:
                    organisations_present[organisation] -= 1
                supplier = suppliers[i]
                if suppliers_present[supplier] == 1:
                    del suppliers_present[supplier]
                else:
                    suppliers_present[supplier] -= 1
            present.update(joining)
            present.difference_update(leaving)
            if 8 * (len(joining) + len(leaving)) > len(ordered):  # sorting afresh is cheaper
                ordered = sorted(map(keys.__getitem__, present))
            else:
                for i in joining:
                    insort(ordered, keys[i])
                for i in leaving:
                    del ordered[bisect_left(ordered, keys[i])]
            best = max(suppliers_present.values())
            opportunity = _opportunity(
                group=group,
                start=-negative_start,
                last_start=day,
                members=tuple(ordered),
                organisations=len(organisations_present),
                # Unknown figures are held as 0.0, which leaves the exact sums unchanged.
                annual_value=math.fsum(map(values.__getitem__, present)) if valued else None,
                values_known=valued,
                dissatisfaction=math.fsum(map(ratings.__getitem__, present)) / rated if rated else None,
                dissatisfaction_known=rated,
                same_supplier=min(supplier_names[s] for s, held in suppliers_present.items() if held == best),
                same_supplier_count=best,
                lead=lead,
                today=today,
                window_days=w,
            )
            found[candidate] = opportunity
    ranked_found = []
    for item in kept:
        opportunity = found[item]
        others = [found[other] for other in also.get(item, ())]
        same = [other.group for other in others if other.members == opportunity.members]
        if same:
            opportunity = replace(opportunity, groups=tuple(sorted([opportunity.group, *same], key=repr)))
        ranked_found.append(((-opportunity.score, -opportunity.organisations, opportunity.start, -item[3]), opportunity))
        # Two different sets of contracts with the same 64-bit fingerprint (about one chance in
        # 10^19) are both reported, rather than one hidden behind the other.
        ranked_found.extend(
            ((-other.score, -other.organisations, other.start, -twin[3]), other)
            for twin, other in zip(also.get(item, ()), others)
            if other.members != opportunity.members
        )
    ranked_found.sort(key=_SORT_KEY)
    return [opportunity for _, opportunity in ranked_found[:limit]]


_GROUP = itemgetter(3)
_SORT_KEY = itemgetter(0)


def _group_and_day(candidate):
    return -candidate[3], candidate[4]


def _shared_tokens(columns) -> dict[Hashable, list[int]]:
    """For each group holding a contract that another group holds too, a random 64-bit token
    per entry, the same for the same key in every group: a set of contracts' fingerprint is the
    sum of its tokens, kept up to date in O(1) as entries arrive and depart, so alike sets in
    different groups are recognised without listing them. Nothing when no key repeats (the
    usual case at scale: one group per contract), so the sweep does no extra work then."""
    total = 0
    distinct = set()
    for column in columns.values():
        keys = column[8]
        total += len(keys)
        distinct.update(keys)
    if len(distinct) == total:
        return {}
    seen = Counter()
    for column in columns.values():
        seen.update(column[8])
    rng = random.Random(0x5EED)  # the same tokens every run, so results never depend on luck
    token = _Numbering(lambda key: rng.getrandbits(64))
    return {
        group: [token[key] for key in column[8]]
        for group, column in columns.items()
        if any(seen[key] > 1 for key in column[8])
    }


class _Numbering(dict):
    """Numbers each new key 0, 1, ... (or maps it through `compute`) the first time it is
    looked up, and answers the same shared object every time after."""

    def __init__(self, compute=None):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = len(self) if self.compute is None else self.compute(key)
        return value


def _opportunity(
    *, group, start, last_start, members, organisations, annual_value, values_known, dissatisfaction,
    dissatisfaction_known, same_supplier, same_supplier_count, lead, today, window_days,
) -> Opportunity:
    """An opportunity from its figures, with its score and reasons; days as ordinals."""
    size = len(members)
    act_by = datetime.date.fromordinal(last_start - lead)
    months_left = whole_months(today, act_by)
    share = same_supplier_count / size
    points = points_for(
        organisations=organisations,
        annual_value=annual_value,
        dissatisfaction=dissatisfaction,
        share=share,
        months_left=months_left,
    )
    months = f"{months_left} month{'' if months_left == 1 else 's'}"
    reasons = (
        Reason(
            "Organisations",
            points.organisations,
            f"{organisations} organisations have contracts that can end within the same {window_days} days",
        ),
        Reason(
            "Value",
            points.value,
            f"Combined annual value {annual_value:,.0f} ({values_known} of {size} contracts with a known value)"
            if values_known
            else f"None of the {size} contracts has a known annual value",
        ),
        Reason(
            "Dissatisfaction",
            points.dissatisfaction,
            f"Mean dissatisfaction {dissatisfaction:.1f} of 4 ({dissatisfaction_known} of {size} contracts rated)"
            if dissatisfaction_known
            else f"None of the {size} contracts is rated",
        ),
        Reason(
            "Same supplier", points.same_supplier, f"{same_supplier_count} of {size} contracts are with the same supplier"
        ),
        Reason("Urgency", points.urgency, f"Procurement must start by {act_by:%-d %B %Y}, {months} from today"),
    )
    return Opportunity(
        group=group,
        start=datetime.date.fromordinal(start),
        end=datetime.date.fromordinal(start + window_days),
        last_start=datetime.date.fromordinal(last_start),
        members=members,
        organisations=organisations,
        annual_value=annual_value,
        values_known=values_known,
        dissatisfaction=dissatisfaction,
        dissatisfaction_known=dissatisfaction_known,
        same_supplier=same_supplier,
        same_supplier_share=share,
        act_by=act_by,
        months_left=months_left,
        score=points.total,
        points=points,
        reasons=reasons,
    )
