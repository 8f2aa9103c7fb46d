"""The opportunity finder (citytools.opportunities.finder) against an obviously correct
enumeration, plus hand-worked cases at every boundary the module docstring names."""

import dataclasses
import datetime
import math
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citytools.opportunities.finder import (
    DEFAULT_LEAD_DAYS,
    Ending,
    Points,
    Reason,
    find,
    points_for,
    whole_months,
)

TODAY = datetime.date(2026, 1, 1)
DAY = datetime.timedelta(days=1)


def brute_force(entries, *, today, window_days=365, lead_days=None, default_lead_days=DEFAULT_LEAD_DAYS):
    """Every opportunity by direct enumeration, O(n^2) per group: S(t) for every day a set can
    change on (each `latest`, each `max(earliest - w, today + lead)`, and `today + lead`), then
    the maximal ones with two organisations or more. The same contracts found in several groups
    are one opportunity, with the figures of the best of them (by the finder's order) and every
    group's name. Unordered."""
    lead_days = lead_days or {}
    w = datetime.timedelta(days=window_days)
    by_group = defaultdict(list)
    for entry in entries:
        by_group[entry.group].append(entry)
    found = []
    for group, group_entries in by_group.items():
        lead = datetime.timedelta(days=lead_days.get(group, default_lead_days))
        first = today + lead
        live = [e for e in group_entries if e.latest - lead >= today]
        days = {first} | {e.latest for e in live} | {max(e.earliest - w, first) for e in live}
        starts = defaultdict(list)  # S(t) -> the candidate days t giving it
        for t in days:
            members = frozenset(e for e in live if e.earliest <= t + w and e.latest >= t)
            if members:
                starts[members].append(t)
        for members, days_of_set in starts.items():
            if any(members < other for other in starts):
                continue
            if len({e.organisation for e in members}) < 2:
                continue
            found.append(_aggregates(group, members, min(days_of_set), max(days_of_set), today, w, lead))
    alike = defaultdict(list)
    for record in found:
        alike[record["members"]].append(record)
    merged = []
    for records in alike.values():
        best = min(records, key=lambda r: (-r["score"], -r["organisations"], r["start"], repr(r["group"])))
        merged.append({**best, "groups": tuple(sorted((r["group"] for r in records), key=repr))})
    return merged


def _aggregates(group, members, start, last_start, today, w, lead):
    values = [e.annual_value for e in members if e.annual_value is not None]
    ratings = [e.dissatisfaction for e in members if e.dissatisfaction is not None]
    counts = Counter(e.supplier for e in members)
    best = max(counts.values())
    act_by = min(e.latest for e in members) - lead
    assert act_by == last_start - lead >= today
    months_left = whole_months(today, act_by)
    annual_value = math.fsum(values) if values else None
    dissatisfaction = math.fsum(ratings) / len(ratings) if ratings else None
    organisations = len({e.organisation for e in members})
    return {
        "group": group,
        "members": tuple(sorted(e.key for e in members)),
        "start": start,
        "end": start + w,
        "last_start": last_start,
        "organisations": organisations,
        "annual_value": annual_value,
        "values_known": len(values),
        "dissatisfaction": dissatisfaction,
        "dissatisfaction_known": len(ratings),
        "same_supplier": min(s for s, count in counts.items() if count == best),
        "same_supplier_share": best / len(members),
        "act_by": act_by,
        "months_left": months_left,
        "score": points_for(
            organisations=organisations,
            annual_value=annual_value,
            dissatisfaction=dissatisfaction,
            share=best / len(members),
            months_left=months_left,
        ).total,
    }


RECORD_FIELDS = (
    "group", "groups", "members", "start", "end", "last_start", "organisations", "annual_value", "values_known",
    "dissatisfaction", "dissatisfaction_known", "same_supplier", "same_supplier_share", "act_by", "months_left",
    "score",
)


def as_records(opportunities):
    return [{field: getattr(o, field) for field in RECORD_FIELDS} for o in opportunities]


def keyed(records):
    return {(r["group"], r["members"]): r for r in records}


def ending(key, organisation, earliest, latest=None, *, group="area", supplier=1, value=None, rating=None):
    """Dates as days after TODAY."""
    return Ending(
        key=key,
        organisation=organisation,
        group=group,
        supplier=supplier,
        earliest=TODAY + earliest * DAY,
        latest=TODAY + (earliest if latest is None else latest) * DAY,
        annual_value=value,
        dissatisfaction=rating,
    )


def member_sets(opportunities):
    return {(o.group, o.members) for o in opportunities}


# Property: the sweep finds exactly what the enumeration finds ---------------------------------

# Small ranges and round numbers so that equal dates, and windows that end exactly on a date,
# turn up often.
day_offsets = st.one_of(st.integers(-4, 60).map(lambda d: d * 15), st.integers(-60, 900))
extensions = st.one_of(st.just(0), st.just(0), st.integers(0, 10).map(lambda d: d * 30), st.integers(1, 500))
window_sizes = st.one_of(st.sampled_from([30, 60, 90, 120, 180, 300, 360, 400]), st.integers(30, 400))
lead_times = st.one_of(st.sampled_from([0, 30, 90, 150, 300]), st.integers(0, 300))


GROUPS = ["a", "b", ("c", 1)]
ratings = st.none() | st.integers(0, 8).map(lambda r: r / 2)


@st.composite
def scenarios(draw):
    """Contracts in one group or several (as a contract covering systems in three service
    areas is), each with a rating per group (the ratings of its systems there)."""
    size = draw(st.integers(0, 40))  # drawn first: lists left to themselves stay short
    rows = draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(GROUPS).map(lambda g: [g]), st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True)),
                st.integers(1, 5),  # organisation
                st.integers(1, 4),  # supplier
                day_offsets,
                extensions,
                st.none() | st.integers(0, 3_000_000).map(float),
                st.one_of(ratings.map(lambda r: [r] * 3), st.lists(ratings, min_size=3, max_size=3)),
            ),
            min_size=size,
            max_size=size,
        )
    )
    entries = [
        ending(key, organisation, first, first + extension, group=group, supplier=supplier, value=value, rating=rating[n])
        for key, (groups, organisation, supplier, first, extension, value, rating) in enumerate(rows)
        for n, group in enumerate(groups)
    ]
    today = TODAY + draw(st.integers(-30, 30)) * DAY
    leads = draw(st.dictionaries(st.sampled_from(GROUPS), lead_times))
    return entries, today, draw(window_sizes), leads, draw(lead_times)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_the_sweep_finds_exactly_the_maximal_sets_the_enumeration_finds(scenario):
    entries, today, window, leads, default_lead = scenario
    options = {"today": today, "window_days": window, "lead_days": leads, "default_lead_days": default_lead}
    found = find(entries, **options)
    expected = brute_force(entries, **options)
    assert keyed(as_records(found)) == keyed(expected)
    assert len(found) == len(expected)  # each once
    # Best first, and `limit` keeps the best ones.
    order = [(-o.score, -o.organisations, o.start, repr(o.group)) for o in found]
    assert order == sorted(order)
    # The sweep ranks by running figures; with these whole-number figures they are exact, so
    # every `limit` keeps exactly the best that many.
    for limit in range(1, len(found) + 1):
        assert as_records(find(entries, limit=limit, **options)) == as_records(found[:limit])
    for o in found:
        assert o.score == sum(o.points) == sum(reason.points for reason in o.reasons)
        assert o.act_by >= today


# Hand-worked boundaries -----------------------------------------------------------------------


def test_a_contract_ending_on_the_first_or_the_last_day_of_the_window_is_in_it_one_day_later_is_not():
    # lead 0 and a 100-day window: the window starting on day 10 runs to day 110.
    entries = [ending(1, 1, 10), ending(2, 2, 110), ending(3, 3, 111)]
    found = find(entries, today=TODAY, window_days=100, lead_days={"area": 0})
    assert member_sets(found) == {("area", (1, 2)), ("area", (2, 3))}
    first = next(o for o in found if o.members == (1, 2))
    assert (first.start, first.end, first.last_start) == (TODAY + 10 * DAY, TODAY + 110 * DAY, TODAY + 10 * DAY)
    # Contract 3 ends a day after the window of day 10 closes; from day 11 contract 1 has ended.
    second = next(o for o in found if o.members == (2, 3))
    assert (second.start, second.last_start) == (TODAY + 11 * DAY, TODAY + 110 * DAY)


def test_an_extension_lets_a_contract_that_ends_early_join_a_later_cohort():
    cohort = [ending(1, 1, 300), ending(2, 2, 320)]
    options = {"today": TODAY, "window_days": 100, "lead_days": {"area": 0}}
    # Ends on day 100, but its options run to day 250, when windows from day 220 hold all three.
    extended = find([*cohort, ending(3, 3, 100, 250)], **options)
    assert member_sets(extended) == {("area", (1, 2, 3))}
    assert (extended[0].start, extended[0].last_start) == (TODAY + 220 * DAY, TODAY + 250 * DAY)
    assert extended[0].act_by == TODAY + 250 * DAY  # lead 0: the first member's latest end
    # Without the option it ends alone, and the later cohort is the opportunity.
    assert member_sets(find([*cohort, ending(3, 3, 100)], **options)) == {("area", (1, 2))}


def test_a_contract_whose_latest_end_less_the_lead_time_is_past_is_ignored():
    entries = [
        ending(1, 1, 99),  # latest - lead = yesterday: too late to procure
        ending(2, 2, 150),
        ending(3, 3, 100),  # latest - lead = today: still in time
    ]
    found = find(entries, today=TODAY, window_days=365, lead_days={"area": 100})
    assert member_sets(found) == {("area", (2, 3))}
    assert found[0].act_by == TODAY  # never before today
    assert found[0].months_left == 0


def test_one_organisation_with_two_contracts_is_not_an_opportunity():
    assert find([ending(1, 1, 10), ending(2, 1, 20)], today=TODAY, lead_days={"area": 0}) == []


def test_the_same_contracts_found_in_several_groups_are_one_opportunity_naming_every_group():
    """One contract per borough covers revenues, benefits and council tax: one opportunity, not
    three identical ones (#1-3, #4-6, #7-9)."""
    areas = ("revenues", "benefits", "council tax")
    entries = [
        ending(key, organisation, day, group=area, supplier=supplier)
        for key, organisation, day, supplier in ((1, 1, 400, 5), (2, 2, 450, 5), (3, 3, 500, 6), (4, 4, 430, 7), (5, 5, 470, 7))
        for area in (areas if key <= 3 else ("revenues", "benefits"))
    ]
    # Council tax holds contracts 1-3 only; revenues and benefits hold 1-5, so theirs are alike.
    found = find(entries, today=TODAY, lead_days=dict.fromkeys(areas, 0))
    assert sorted(o.members for o in found) == [(1, 2, 3), (1, 2, 3, 4, 5)], "each set of contracts once"
    assert sorted((o.members, o.groups) for o in found) == [
        ((1, 2, 3), ("council tax",)),
        ((1, 2, 3, 4, 5), ("benefits", "revenues")),
    ]
    assert [(o.members, o.groups) for o in find(entries, today=TODAY, lead_days=dict.fromkeys(areas, 0), limit=1)] == [
        ((1, 2, 3, 4, 5), ("benefits", "revenues"))
    ]
    # With a longer lead time, benefits must act sooner: its figures (the more urgent) are shown.
    [merged] = [o for o in find(entries, today=TODAY, lead_days={"revenues": 0, "benefits": 200}) if len(o.members) == 5]
    assert (merged.group, merged.groups, merged.act_by) == ("benefits", ("benefits", "revenues"), TODAY + 200 * DAY)
    # A rating in one group only (the ratings of the contract's systems there) makes that
    # group's figures the better ones.
    rated = [dataclasses.replace(e, dissatisfaction=4.0) if (e.group, e.key) == ("revenues", 1) else e for e in entries]
    [best] = [o for o in find(rated, today=TODAY, lead_days=dict.fromkeys(areas, 0)) if len(o.members) == 5]
    assert (best.group, best.dissatisfaction, best.groups) == ("revenues", 4.0, ("benefits", "revenues"))


def test_two_groups_never_mix():
    entries = [ending(1, 1, 10, group="payroll"), ending(2, 2, 10, group="waste")]
    assert find(entries, today=TODAY, lead_days={"payroll": 0, "waste": 0}) == []
    entries.append(ending(3, 3, 20, group="payroll"))
    found = find(entries, today=TODAY, lead_days={"payroll": 0, "waste": 0})
    assert member_sets(found) == {("payroll", (1, 3))}


def test_the_score_of_a_small_example_worked_by_hand():
    def on(day):
        return datetime.date.fromisoformat(day)

    entries = [
        Ending(1, organisation=1, group="payroll", supplier=7, earliest=on("2026-09-30"), latest=on("2026-09-30"),
               annual_value=50_000.0, dissatisfaction=3.0),
        Ending(2, organisation=2, group="payroll", supplier=7, earliest=on("2026-12-31"), latest=on("2026-12-31"),
               annual_value=50_000.0, dissatisfaction=2.0),
        Ending(3, organisation=3, group="payroll", supplier=8, earliest=on("2027-03-31"), latest=on("2027-03-31")),
    ]
    [found] = find(entries, today=on("2026-01-01"), window_days=365, lead_days={"payroll": 90})
    # Windows may start from today + 90 days (1 April 2026), and all three fit until the first
    # ends on 30 September; a procurement of 90 days must start by 2 July, 6 whole months away.
    assert (found.start, found.end, found.last_start) == (on("2026-04-01"), on("2027-04-01"), on("2026-09-30"))
    assert (found.act_by, found.months_left) == (on("2026-07-02"), 6)
    assert (found.annual_value, found.values_known) == (100_000.0, 2)
    assert (found.dissatisfaction, found.dissatisfaction_known) == (2.5, 2)
    assert (found.same_supplier, found.same_supplier_share) == (7, 2 / 3)
    # 3 organisations: 20; 100,000 a year: 10 * log10(10) = 10; mean 2.5: 12.5;
    # two thirds on supplier 7: 10; 6 months left: 10 * (1 - 6/24) = 7.5.
    assert found.points == Points(organisations=20, value=10, dissatisfaction=12.5, same_supplier=10, urgency=7.5)
    assert found.score == 60
    assert found.reasons == (
        Reason("Organisations", 20, "3 organisations have contracts that can end within the same 365 days"),
        Reason("Value", 10, "Combined annual value 100,000 (2 of 3 contracts with a known value)"),
        Reason("Dissatisfaction", 12.5, "Mean dissatisfaction 2.5 of 4 (2 of 3 contracts rated)"),
        Reason("Same supplier", 10, "2 of 3 contracts are with the same supplier"),
        Reason("Urgency", 7.5, "Procurement must start by 2 July 2026, 6 months from today"),
    )


def test_score_parts_are_capped():
    points = points_for(organisations=9, annual_value=5e9, dissatisfaction=4.0, share=1.0, months_left=40)
    assert points == Points(organisations=50, value=30, dissatisfaction=20, same_supplier=15, urgency=0)
    assert points_for(organisations=2, annual_value=9_000.0, dissatisfaction=None, share=0.5, months_left=0) == Points(
        organisations=10, value=0, dissatisfaction=0, same_supplier=7.5, urgency=10
    )


def test_whole_months_counts_calendar_months_as_a_person_does():
    on = datetime.date.fromisoformat
    assert whole_months(on("2026-01-31"), on("2026-02-28")) == 0
    assert whole_months(on("2026-01-31"), on("2026-03-31")) == 2
    assert whole_months(on("2026-01-15"), on("2027-01-14")) == 11
    assert whole_months(on("2026-01-15"), on("2027-01-15")) == 12


def test_an_ending_whose_latest_end_is_before_its_earliest_is_refused():
    with pytest.raises(ValueError, match="before its earliest end"):
        ending(1, 1, 10, 9)
