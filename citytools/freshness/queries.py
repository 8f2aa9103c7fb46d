"""Reads of the quality seal and the scores: each record's seal and missing fields, each
organisation's completeness and freshness, and a campaign's progress.

Everything is read through the Viewer: a record the person may not see is not counted, and
the value fields count towards completeness only for those who may see values, so a score
never says whether a hidden value was filled in.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from citytools.accounts.rules import Kind
from citytools.contracts.models import Contract
from citytools.directory.models import NetworkMembership, Organisation
from citytools.freshness import rules
from citytools.freshness.access import everything, may_run
from citytools.freshness.models import Campaign
from citytools.inventory.models import System


def review_periods(organisation_ids) -> dict[int, int]:
    """Each organisation's review period in months (rules.review_months)."""
    found: dict[int, list[int]] = defaultdict(list)
    for organisation, months in NetworkMembership.objects.filter(organisation_id__in=list(organisation_ids)).values_list(
        "organisation_id", "network__review_months"
    ):
        found[organisation].append(months)
    return {pk: rules.review_months(found.get(pk, [])) for pk in organisation_ids}


@dataclass
class RecordRow:
    """One system or contract, as the quality pages show it."""

    kind: str  # "system" or "contract"
    record: object
    title: str
    url: str
    edit_url: str
    seal: rules.Seal
    missing: list[str]
    filled: int
    expected: int
    done: bool = False  # confirmed within the campaign being looked at
    changed_since_launch: bool = False

    @property
    def key(self) -> str:
        """What a confirmation form sends: kind, id and the version the person saw."""
        return f"{self.kind}:{self.record.pk}:{self.record.version}"

    @property
    def pk(self) -> int:
        return self.record.pk

    @property
    def organisation_id(self) -> int:
        return self.record.organisation_id

    @property
    def changed_by_other(self) -> bool:
        return self.record.changed_by_other


@dataclass
class Fact:
    """What the scores and a campaign's counts need of one record, read without building
    the model (the network and campaign pages count every record of 33 organisations)."""

    kind: str
    organisation_id: int
    seal: rules.Seal
    changed_by_other: bool
    updated_at: datetime.datetime
    missing: list[str]
    filled: int
    expected: int
    done: bool = False
    changed_since_launch: bool = False


def _systems(viewer, organisation_ids, areas=None, people=False):
    contracts = Contract.objects.visible_to(viewer).filter(systems=OuterRef("pk"))
    qs = (
        System.objects.visible_to(viewer)
        .filter(organisation_id__in=list(organisation_ids))
        .select_related("product", *(("confirmed_by", "responsible") if people else ()))
        .annotate(has_contract=Exists(contracts))
    )
    if areas:
        qs = qs.filter(service_areas__in=areas).distinct()
    return qs.order_by("organisation_id", "product__name", "pk")


def _contracts(viewer, organisation_ids, areas=None, people=False):
    # Linked systems the viewer may see: a link to someone else's confidential system must not
    # count as filled in, or the badge would tell the public it exists.
    linked = System.objects.visible_to(viewer).filter(contracts=OuterRef("pk"))
    qs = (
        Contract.objects.visible_to(viewer)
        .filter(organisation_id__in=list(organisation_ids))
        .select_related(*(("confirmed_by", "responsible") if people else ()))
        .annotate(has_systems=Exists(linked))
    )
    if areas:
        qs = qs.filter(Q(systems__service_areas__in=areas)).distinct()
    return qs.order_by("organisation_id", "end_date", "pk")


def _filled(kind: str, get, name: str) -> bool:
    """Whether an expected field is filled in; `get(name)` reads the record's field."""
    if kind == "system":
        return bool(get("has_contract")) if name == "contract" else bool(get(name))
    if name == "systems":
        return bool(get("has_systems"))
    if name == "route":
        return get("route") != Contract.Route.UNKNOWN
    return get(name) not in (None, "")


class _Judge:
    """Each record's seal and missing fields, with what is the same for all of one
    organisation's records (its review period, which fields the viewer may see) worked out
    once for the list."""

    def __init__(self, viewer, organisation_ids, now):
        self.now = now
        self.periods = review_periods(organisation_ids)
        self.since = {pk: rules.fresh_since(now, months) for pk, months in self.periods.items()}
        self.expected = {
            (kind, pk): rules.expected_fields(kind, values_visible=viewer.can_see(Kind.VALUES, pk))
            for kind in ("system", "contract") for pk in organisation_ids
        }

    def __call__(self, kind: str, organisation_id: int, get) -> tuple[rules.Seal, list[str], int, int]:
        """(seal, missing labels, weight filled, weight expected)."""
        fields = self.expected[kind, organisation_id]
        flags = [(e, _filled(kind, get, e.field)) for e in fields]
        seal = rules.seal(
            confirmed_at=get("confirmed_at"), changed_by_other=get("changed_by_other"),
            months=self.periods[organisation_id], now=self.now, since=self.since[organisation_id],
            provenance=get("provenance"),
        )
        return (
            seal, [e.label for e, ok in flags if not ok], sum(e.weight for e, ok in flags if ok), sum(e.weight for e in fields)
        )


def _prefix(name: str) -> str:
    # Reversed once per list, not once per row: reverse() cost more than the rest of a row.
    return reverse(name, args=[0]).removesuffix("0/")


def record_rows(
    viewer, organisation_ids, *, now=None, systems=True, contracts=True, areas=None, people=False
) -> list[RecordRow]:
    """Each current record of these organisations the viewer may see, with its seal and
    missing fields. `people` also loads who confirmed it and who answers for it."""
    organisation_ids = list(organisation_ids)
    judge = _Judge(viewer, organisation_ids, now or timezone.now())
    sources = []
    if systems:
        sources.append(("system", _systems(viewer, organisation_ids, areas, people), _prefix("inventory:system")))
    if contracts:
        sources.append(("contract", _contracts(viewer, organisation_ids, areas, people), _prefix("contracts:contract")))
    rows = []
    for kind, queryset, prefix in sources:
        for record in queryset:
            url = f"{prefix}{record.pk}/"
            title = record.product.name if kind == "system" else record.title
            rows.append(RecordRow(kind, record, title, url, url + "edit/", *judge(kind, record.organisation_id, record.__getattribute__)))
    return rows


SYSTEM_FACTS = (
    "organisation_id", "confirmed_at", "changed_by_other", "updated_at", "hosting", "go_live", "has_contract", "provenance",
)
CONTRACT_FACTS = (
    "organisation_id", "confirmed_at", "changed_by_other", "updated_at", "annual_value", "total_value", "has_systems",
    "route", "reference", "provenance",
)


def record_facts(viewer, organisation_ids, *, now=None, systems=True, contracts=True, areas=None) -> list[Fact]:
    """record_rows' figures for each record, as plain values (see Fact)."""
    organisation_ids = list(organisation_ids)
    judge = _Judge(viewer, organisation_ids, now or timezone.now())
    sources = []
    if systems:
        sources.append(("system", _systems(viewer, organisation_ids, areas).select_related(None), SYSTEM_FACTS))
    if contracts:
        sources.append(("contract", _contracts(viewer, organisation_ids, areas).select_related(None), CONTRACT_FACTS))
    facts = []
    for kind, queryset, names in sources:
        for row in queryset.values_list(*names):
            values = dict(zip(names, row))
            seal, missing, filled, expected = judge(kind, values["organisation_id"], values.__getitem__)
            facts.append(
                Fact(kind, values["organisation_id"], seal, values["changed_by_other"], values["updated_at"], missing, filled, expected)
            )
    return facts


def record_seal(record, *, now=None) -> rules.Seal:
    """One record's seal, for its own page."""
    months = review_periods([record.organisation_id])[record.organisation_id]
    return rules.seal(
        confirmed_at=record.confirmed_at, changed_by_other=record.changed_by_other, months=months, now=now or timezone.now(),
        provenance=record.provenance,
    )


@dataclass
class Score:
    organisation: Organisation
    review_months: int
    systems: int = 0
    contracts: int = 0
    fresh: int = 0
    check_needed: int = 0
    never_confirmed: int = 0
    changed_by_other: int = 0
    filled: int = 0
    expected: int = 0
    missing: Counter = field(default_factory=Counter)
    last_confirmed: datetime.datetime | None = None

    @property
    def records(self) -> int:
        return self.systems + self.contracts

    @property
    def stale(self) -> int:
        return self.records - self.fresh

    @property
    def freshness(self) -> int | None:
        return rules.percent(self.fresh, self.records)

    @property
    def completeness(self) -> int | None:
        return rules.percent(self.filled, self.expected)

    @property
    def top_missing(self) -> list[tuple[str, int]]:
        return self.missing.most_common()


def scores(viewer, organisations, *, now=None, rows=None) -> dict[int, Score]:
    """Completeness and freshness of each organisation, counting what this viewer may see
    (or the `rows` given, already read for them)."""
    now = now or timezone.now()
    organisations = list(organisations)
    periods = review_periods([o.pk for o in organisations])
    result = {o.pk: Score(o, periods[o.pk]) for o in organisations}
    for row in rows if rows is not None else record_facts(viewer, list(result), now=now):
        score = result[row.organisation_id]
        if row.kind == "system":
            score.systems += 1
        else:
            score.contracts += 1
        score.filled += row.filled
        score.expected += row.expected
        score.missing.update(row.missing)
        if row.seal.confirmed_at and rules.Reason.REVIEW_DUE not in row.seal.reasons:
            score.fresh += 1
        if not row.seal.sealed:
            score.check_needed += 1
        if rules.Reason.NEVER_CONFIRMED in row.seal.reasons:
            score.never_confirmed += 1
        if row.changed_by_other:
            score.changed_by_other += 1
        if row.seal.confirmed_at and (score.last_confirmed is None or row.seal.confirmed_at > score.last_confirmed):
            score.last_confirmed = row.seal.confirmed_at
    return result


def organisation_score(viewer, organisation, *, now=None) -> Score:
    return scores(viewer, [organisation], now=now)[organisation.pk]


SORTS = {
    "name": lambda s: s.organisation.short_name.lower(),
    "freshness": lambda s: (s.freshness if s.freshness is not None else -1),
    "completeness": lambda s: (s.completeness if s.completeness is not None else -1),
    "stale": lambda s: s.stale,
    "check_needed": lambda s: s.check_needed,
    "records": lambda s: s.records,
}
DEFAULT_SORT = "freshness"


def network_scores(viewer, network, *, sort: str = DEFAULT_SORT, now=None) -> list[Score]:
    """Every current organisation of the network with its scores, sorted by `sort` (a key of
    SORTS, "-" first for descending); ties by name."""
    organisations = Organisation.objects.current().in_network(network).order_by("short_name")
    found = list(scores(viewer, organisations, now=now).values())
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = DEFAULT_SORT, DEFAULT_SORT
    found.sort(key=lambda s: s.organisation.short_name.lower())
    found.sort(key=SORTS[key], reverse=sort.startswith("-"))
    return found


# Campaigns ------------------------------------------------------------------------------


def campaigns_visible_to(viewer):
    """Campaigns of the networks this person coordinates (drafts too), and those that have
    asked their organisations; every campaign for admins."""
    if viewer.is_admin:
        return Campaign.objects.all()
    asked = Q(
        participants__organisation_id__in=list(viewer.grants.staff_organisations),
        status__in=[rules.CampaignStatus.RUNNING, rules.CampaignStatus.CLOSED],
    )
    return Campaign.objects.filter(Q(network_id__in=list(viewer.grants.coordinator_networks)) | asked).distinct()


def campaign_rows(campaign, viewer, organisation_ids, *, now=None, facts: bool = False) -> list:
    """The records a campaign asks these organisations to confirm, each marked done when
    confirmed since the launch (and not changed by someone else since): RecordRows, or with
    `facts` the lighter Facts, for counting."""
    read = record_facts if facts else record_rows
    rows = read(
        viewer, organisation_ids, now=now, systems=campaign.includes_systems, contracts=campaign.includes_contracts,
        areas=list(campaign.service_areas.all()) or None,
    )
    launched = campaign.launched_at
    for row in rows:
        confirmed = row.seal.confirmed_at
        updated = row.updated_at if facts else row.record.updated_at
        row.done = bool(launched and confirmed and confirmed > launched and not row.changed_by_other)
        row.changed_since_launch = bool(launched and updated > launched)
    return rows


@dataclass
class ParticipantProgress:
    organisation: Organisation
    records: int = 0
    unchanged: int = 0
    corrected: int = 0
    freshness_at_launch: int | None = None
    freshness_now: int | None = None

    @property
    def done(self) -> int:
        return self.unchanged + self.corrected

    @property
    def outstanding(self) -> int:
        return self.records - self.done

    @property
    def percent(self) -> int | None:
        return rules.percent(self.done, self.records)

    def as_report(self) -> dict:
        return {
            "organisation": self.organisation.slug, "name": str(self.organisation), "records": self.records,
            "unchanged": self.unchanged, "corrected": self.corrected, "outstanding": self.outstanding,
            "freshness_at_launch": self.freshness_at_launch, "freshness_at_close": self.freshness_now,
        }


@dataclass
class Progress:
    organisations: list[ParticipantProgress]

    @property
    def records(self) -> int:
        return sum(p.records for p in self.organisations)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.organisations)

    @property
    def corrected(self) -> int:
        return sum(p.corrected for p in self.organisations)

    @property
    def outstanding(self) -> int:
        return self.records - self.done

    @property
    def percent(self) -> int | None:
        return rules.percent(self.done, self.records)

    @property
    def finished_organisations(self) -> int:
        return sum(1 for p in self.organisations if p.records and not p.outstanding)


def campaign_progress(campaign, *, now=None) -> Progress:
    """Each participant's records, confirmed unchanged, corrected and left. Counted over every
    record (the campaign's runners coordinate the network, so they see them all)."""
    now = now or timezone.now()
    participants = list(campaign.participants.select_related("organisation"))
    by_organisation = {
        p.organisation_id: ParticipantProgress(p.organisation, freshness_at_launch=p.freshness_at_launch)
        for p in participants
    }
    viewer = everything()
    rows = campaign_rows(campaign, viewer, list(by_organisation), now=now, facts=True)
    for row in rows:
        progress = by_organisation[row.organisation_id]
        progress.records += 1
        if row.done:
            if row.changed_since_launch:
                progress.corrected += 1
            else:
                progress.unchanged += 1
    # A campaign over every record has already read what the scores need.
    whole = campaign.kinds == campaign.Kinds.BOTH and not campaign.service_areas.exists()
    found = scores(viewer, [p.organisation for p in participants], now=now, rows=rows if whole else None)
    for pk, progress in by_organisation.items():
        progress.freshness_now = found[pk].freshness
    return Progress(sorted(by_organisation.values(), key=lambda p: p.organisation.short_name.lower()))


def progress_for(viewer, campaign) -> Progress:
    """A campaign's progress as this person may see it: every organisation for those who run
    it, otherwise only the organisations the person works for (and the totals of those)."""
    progress = campaign_progress(campaign)
    if may_run(viewer, campaign.network_id):
        return progress
    staff = viewer.grants.staff_organisations
    return Progress([p for p in progress.organisations if p.organisation.pk in staff])
