"""Reads: the satisfaction report (honest statistics of the ratings a person may count), one
organisation's ratings, pain point lists. Pages, the API, the conversation pack and commands
all read through these, and every one starts from the Viewer's filters.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from citytools.accounts.rules import Kind
from citytools.core import versions
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.satisfaction import rules, stats
from citytools.satisfaction.models import (
    DIMENSIONS,
    PainPoint,
    PainPointReply,
    PainPointShare,
    PainPointStatus,
    Rating,
)

# Outside the members who may see each organisation's own ratings, a figure must come from at
# least this many organisations.
MIN_ORGANISATIONS = 3


def _in_use_q() -> Q:
    """Ratings of systems in use only: a rating kept from before a system was retired, or
    recorded as planned, stays in its history but is not counted (System.IN_USE)."""
    return Q(system__retired_at__isnull=True, system__status__in=System.IN_USE)


def visible_ratings(viewer) -> QuerySet[Rating]:
    """Ratings of systems in use whose scores this person may count."""
    return Rating.objects.filter(viewer.satisfaction_q(), _in_use_q())


def _scope_q(*, supplier: Supplier | None, product: Product | None, area: ServiceArea | None, prefix: str = "") -> Q:
    q = Q()
    if supplier is not None:
        q &= Q(**{f"{prefix}system__supplier": supplier}) | Q(**{f"{prefix}system__product__manufacturer": supplier})
    if product is not None:
        q &= Q(**{f"{prefix}system__product": product})
    if area is not None:
        areas = [area.pk] if not area.is_group else list(area.children.values_list("pk", flat=True))
        q &= Q(**{f"{prefix}system__service_areas__in": areas})
    return q


class Row(NamedTuple):
    """One rating as the statistics need it (a tuple: a report reads thousands)."""

    organisation: int
    system: int
    product: int
    provider: int
    areas: tuple[int, ...]
    overall: int
    dimensions: dict


@dataclass
class Ranked:
    name: str
    url: str
    place: stats.Placed


@dataclass
class Report:
    scope: str
    overall: stats.Summary
    dimensions: list[tuple[str, str, stats.Summary]]
    over_time: list[tuple[str, stats.Summary]]
    products: list[Ranked]
    suppliers: list[Ranked]
    organisations: list[tuple[str, int, float, int]]  # name, providers, mean overall, ratings
    correlation: float | None
    may_see: bool  # False: nothing here may be shown to this person
    due: int = 0
    withheld: int = 0  # figures not shown: drawn from too few organisations for this person

    @property
    def n(self) -> int:
        return self.overall.n


def _rows(ratings: QuerySet[Rating]) -> list[Row]:
    values = list(
        ratings.values_list(
            "organisation_id", "system_id", "system__product_id", "system__supplier_id",
            "system__product__manufacturer_id", "overall", *(name for name, _ in DIMENSIONS),
        ).distinct()
    )
    areas: dict[int, list[int]] = defaultdict(list)
    through = System.service_areas.through
    # The systems as a subquery, not a list of thousands of numbers.
    for system, area in through.objects.filter(system_id__in=ratings.values("system_id")).values_list(
        "system_id", "servicearea_id"
    ):
        areas[system].append(area)
    return [
        Row(
            organisation=v[0], system=v[1], product=v[2], provider=v[3] or v[4], areas=tuple(sorted(areas[v[1]])),
            overall=v[5], dimensions={name: score for (name, _), score in zip(DIMENSIONS, v[6:]) if score is not None},
        )
        for v in values
    ]


def _minus(counts, taken) -> list[int]:
    return [c - t for c, t in zip(counts, taken)]


@dataclass(frozen=True)
class Pools:
    """How many of each overall score every service area has, and all ratings together:
    what a figure's prior is drawn from (less the figure's own ratings)."""

    areas: dict[int, list[int]]
    everyone: list[int]

    @classmethod
    def of(cls, rows: list[Row]) -> "Pools":
        areas: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
        everyone = [0] * 5
        for row in rows:
            everyone[row.overall - 1] += 1
            for area in row.areas:
                areas[area][row.overall - 1] += 1
        return cls(dict(areas), everyone)

    @classmethod
    def counted(cls, ratings: QuerySet[Rating]) -> "Pools":
        """As `of` the ratings' rows, counted in the database: each rating once, and once in
        each of its system's areas."""
        return cls.from_counts(ratings, scores_by_organisation(ratings))

    @classmethod
    def from_counts(cls, ratings: QuerySet[Rating], by_organisation: dict[int, list[int]]) -> "Pools":
        """`counted`, given `scores_by_organisation(ratings)` (everyone's counts are theirs summed)."""
        areas: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
        for area, overall, n in (
            _each_once(ratings).filter(system__service_areas__isnull=False)
            .values("system__service_areas", "overall").annotate(n=Count("pk")).values_list("system__service_areas", "overall", "n")
        ):
            areas[area][overall - 1] += n
        return cls(dict(areas), [sum(column) for column in zip([0] * 5, *by_organisation.values())])


def scores_by_organisation(ratings: QuerySet[Rating]) -> dict[int, list[int]]:
    """How many of each overall score 1–5 each organisation's ratings gave, counted in the database."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for organisation, overall, n in (
        _each_once(ratings).values("organisation", "overall").annotate(n=Count("pk")).values_list("organisation", "overall", "n")
    ):
        counts[organisation][overall - 1] += n
    return dict(counts)


def _scores_of(rows: list[Row]) -> dict[int, list[int]]:
    """`scores_by_organisation`, of rows already read."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for row in rows:
        counts[row.organisation][row.overall - 1] += 1
    return dict(counts)


def _each_once(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    """The ratings as a plain query, each once, whatever joins the filters took: what a count
    or sum over them is made on."""
    return Rating.objects.filter(pk__in=ratings.values("pk")).order_by()


def reference_for(rows: list[Row], pools: Pools) -> tuple[float, ...]:
    """The spread a set of ratings is shrunk toward: for each rating, the other ratings of its
    service areas (a mix when it has several); where no other rating shares its areas, every
    other rating; where there is none, evenly. The set's own ratings are always left out, so
    a figure is never its own prior (one rating alone in its area would otherwise be
    "certain"). Each pool's spread starts from the even prior (citytools.satisfaction.stats.spread)."""
    own_areas: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    own = [0] * 5
    for row in rows:
        own[row.overall - 1] += 1
        for area in row.areas:
            own_areas[area][row.overall - 1] += 1
    fallback = stats.spread(_minus(pools.everyone, own))
    others = {area: _minus(pools.areas.get(area, [0] * 5), mine) for area, mine in own_areas.items()}
    # Many ratings share a combination of areas: each combination's mix is worked out once.
    memo: dict[tuple[int, ...], tuple[float, ...]] = {}
    parts = []
    for row in rows:
        if row.areas not in memo:
            pooled = [stats.spread(others[a]) for a in row.areas if sum(others[a])]
            memo[row.areas] = stats.mix(pooled) if pooled else fallback
        parts.append(memo[row.areas])
    return stats.mix(parts) if parts else fallback


def _quarters(first: datetime.datetime, last: datetime.datetime) -> tuple[list[str], list[datetime.datetime]]:
    """The quarters, in the current time zone, from the one `first` falls in to the one `last`
    falls in: their names ("2026 Q1") and the first moment of each but the first."""
    local = timezone.localtime(first)
    year, quarter = local.year, (local.month - 1) // 3 + 1
    names, starts = [f"{year} Q{quarter}"], []
    while True:
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        start = timezone.make_aware(datetime.datetime(year, 3 * quarter - 2, 1))
        if start > last:
            return names, starts
        names.append(f"{year} Q{quarter}")
        starts.append(start)


def _over_time(viewer, scope_q: Q, reference, may_show) -> list[tuple[str, stats.Summary]]:
    """The ratings given each quarter, from the history: each system's last version in the
    quarter counts once (correcting a comment is not a second rating)."""
    history = Rating.history.model.objects.filter(viewer.satisfaction_q(), scope_q, _in_use_q()).filter(
        history_type__in=["+", "~"]
    )
    span = history.aggregate(first=Min("rated_at"), last=Max("rated_at"))
    if span["first"] is None:
        return []
    names, starts = _quarters(span["first"], span["last"])
    # Which quarter each version falls in, by comparing with the quarters' first moments in
    # the database: no date is parsed or converted row by row.
    quarter = Case(
        *(When(rated_at__lt=start, then=Value(i)) for i, start in enumerate(starts)),
        default=Value(len(starts)), output_field=IntegerField(),
    )
    last: dict[tuple[str, int], tuple[int, int, int]] = {}
    for history_id, system, organisation, index, overall in history.annotate(quarter=quarter).values_list(
        "history_id", "system_id", "organisation_id", "quarter", "overall"
    ).distinct():
        key = (names[index], system)
        if key not in last or history_id > last[key][0]:
            last[key] = (history_id, organisation, overall)
    by_quarter: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (quarter, _), (_, organisation, overall) in last.items():
        by_quarter[quarter].append((organisation, overall))
    return [
        (q, stats.summarise((o for _, o in by_quarter[q]), reference))
        for q in sorted(by_quarter)
        if may_show({organisation for organisation, _ in by_quarter[q]})
    ]


def report(
    viewer, *, supplier: Supplier | None = None, product: Product | None = None, area: ServiceArea | None = None,
) -> Report:
    """Satisfaction within a scope (a supplier, a product, a service area or all), from the
    ratings this person may count. Rankings shrink toward each rating's service-area pool.
    Remembered until the map changes (citytools.core.versions): it reads every rating."""
    key = (viewer.key, *(None if f is None else f.pk for f in (supplier, product, area)))
    return versions.remembered(
        "satisfaction-report", key, lambda: _report(viewer, supplier=supplier, product=product, area=area)
    )


def _report(viewer, *, supplier: Supplier | None, product: Product | None, area: ServiceArea | None) -> Report:
    scope_name = str(supplier or product or area or "every system")
    ratings = visible_ratings(viewer)
    if supplier is None and product is None and area is None:
        rows = _rows(ratings)
        scores, pools = _scores_of(rows), Pools.of(rows)
    else:
        # Every rating counts toward the pools and the organisations' means, but only the
        # scope's are needed row by row: the rest are counted in the database.
        rows = _rows(ratings.filter(_scope_q(supplier=supplier, product=product, area=area)))
        scores = scores_by_organisation(ratings)
        pools = Pools.from_counts(ratings, scores)
    reference = reference_for(rows, pools)
    # A figure drawn from one or two organisations' ratings is, in effect, their rating: it is
    # shown only to those who may see those organisations' own ratings (members), never to
    # the public or a supplier, even where a network publishes satisfaction figures.
    # Counted over every rating the person may count, in the database: each organisation's
    # ratings and the sum of their overall scores.
    by_organisation = {o: (sum(s * c for s, c in zip(stats.SCALE, counts)), sum(counts)) for o, counts in scores.items()}
    insiders = {o for o in by_organisation if sees_ratings_of(viewer, o)}
    withheld = 0

    def may_show(organisations: set[int]) -> bool:
        return organisations <= insiders or len(organisations) >= MIN_ORGANISATIONS

    def guarded(subset: list[Row], scores) -> stats.Summary:
        nonlocal withheld
        if subset and not may_show({r.organisation for r in subset}):
            withheld += 1
            return stats.summarise([], reference)
        return stats.summarise(scores, reference if subset else stats.UNIFORM)

    overall = guarded(rows, [r.overall for r in rows])
    dimensions = []
    for name, label in DIMENSIONS:
        subset = [r for r in rows if name in r.dimensions]
        dimensions.append((name, label, guarded(subset, [r.dimensions[name] for r in subset])))

    def ranking(key, model) -> list[Ranked]:
        groups: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            groups[getattr(row, key)].append(row)
        nonlocal withheld
        shown = {pk: group for pk, group in groups.items() if may_show({r.organisation for r in group})}
        withheld += len(groups) - len(shown)
        names = {o.pk: o for o in model.objects.filter(pk__in=shown)}
        placed = stats.rank(
            (pk, stats.summarise((r.overall for r in group), reference_for(group, pools)))
            for pk, group in shown.items()
        )
        return [Ranked(str(names[p.key]), names[p.key].get_absolute_url(), p) for p in placed]

    # The number of suppliers each organisation runs (every current system it may be seen to
    # use), beside its mean overall score. One organisation's mean can be a single rating, so
    # only organisations whose own ratings the person may see are listed (members only,
    # whatever a network publishes: citytools.satisfaction.rules).
    listed = {o: counts for o, counts in by_organisation.items() if o in insiders}
    providers: dict[int, set[int]] = defaultdict(set)
    for organisation, supplier_id, maker in System.objects.visible_to(viewer).filter(
        organisation_id__in=listed
    ).values_list("organisation_id", "supplier_id", "product__manufacturer_id"):
        providers[organisation].add(supplier_id or maker)
    names = dict(Organisation.objects.filter(pk__in=listed).values_list("pk", "short_name"))
    organisations = sorted(
        ((names[o], len(providers[o]), round(total / n, 2), n) for o, (total, n) in listed.items()),
        key=lambda t: (t[1], t[0]),
    )
    return Report(
        scope=scope_name,
        overall=overall,
        dimensions=dimensions,
        over_time=_over_time(viewer, _scope_q(supplier=supplier, product=product, area=area), reference, may_show),
        products=ranking("product", Product),
        suppliers=ranking("provider", Supplier),
        organisations=organisations,
        correlation=stats.spearman((t[1], t[2]) for t in organisations),
        may_see=may_see_satisfaction(viewer),
        withheld=withheld,
    )


def may_see_satisfaction(viewer) -> bool:
    """Could this person count any organisation's scores at all?"""
    return Rating.objects.filter(viewer.satisfaction_q()).exists() or viewer.is_member


# One organisation's ratings ------------------------------------------------------------------


@dataclass
class RatingLine:
    system: System
    rating: Rating | None
    due: bool
    in_use: bool  # False: planned, so not rated (nor counted) until it is in use


def organisation_ratings(organisation: Organisation, *, viewer, now=None) -> list[RatingLine]:
    """Every current system of the organisation this person may see, with its rating: for
    members only (citytools.satisfaction.rules.sees_individual_ratings)."""
    now = now or timezone.now()
    systems = (
        System.objects.visible_to(viewer)
        .filter(organisation=organisation)
        .select_related("product", "supplier", "product__manufacturer", "rating", "rating__rated_by")
        .order_by("product__name", "pk")
    )
    lines = []
    for system in systems:
        rating = getattr(system, "rating", None)  # no rating yet: the related lookup raises an AttributeError
        in_use = system.is_in_use
        lines.append(RatingLine(system, rating, rules.is_due(in_use=in_use, rated_at=rating and rating.rated_at, now=now), in_use))
    return lines


def sees_ratings_of(viewer, organisation_id: int) -> bool:
    return rules.sees_individual_ratings(
        viewer.grants, organisation=organisation_id, networks=viewer.networks_of(organisation_id)
    )


def sees_comments_of(viewer, organisation_id: int) -> bool:
    return sees_ratings_of(viewer, organisation_id) and viewer.can_see(Kind.COMMENTS, organisation_id)


# Pain points -------------------------------------------------------------------------------


# Who has a pain point. An organisation has one while it uses what the pain point is about:
# a system in use (System.IN_USE) made or supplied by its supplier, and of its product when it
# names one. Only such organisations raise one or say "we have this too"
# (citytools.satisfaction.services), and only they are counted. A "we have this too" from an
# organisation that has since stopped using it (or the raiser's own) is kept, with its note,
# and shown as no longer using it, but counted nowhere; it counts again if the organisation
# takes the system back into use.


def subject_systems(organisation, supplier, product) -> QuerySet[System]:
    """The systems in use by which `organisation` uses what a pain point is about. Each
    argument is a primary key, or an OuterRef to one (`product` may be null: any product)."""
    systems = System.objects.in_use().filter(organisation=organisation).filter(
        Q(supplier=supplier) | Q(product__manufacturer=supplier)
    )
    if isinstance(product, OuterRef):
        # A pain point about no one product matches every product of the supplier.
        return systems.filter(product=Coalesce(product, F("product")))
    return systems if product is None else systems.filter(product=product)


def uses_subject(organisation_id: int, point: PainPoint) -> bool:
    return subject_systems(organisation_id, point.supplier_id, point.product_id).exists()


def _shares_counted(point: str = "pain_point__") -> Exists:
    """On a PainPointShare query: whether the sharing organisation uses what it is about."""
    return Exists(subject_systems(OuterRef("organisation"), OuterRef(f"{point}supplier"), OuterRef(f"{point}product")))


def with_counts(points: QuerySet[PainPoint]) -> QuerySet[PainPoint]:
    """Each pain point with `raiser_counted` (the raising organisation uses it) and
    `affected_count`: how many organisations have it and use what it is about."""
    raiser = Exists(subject_systems(OuterRef("organisation"), OuterRef("supplier"), OuterRef("product")))
    shared = (
        PainPointShare.objects.filter(pain_point=OuterRef("pk")).filter(_shares_counted())
        .order_by().values("pain_point").annotate(n=Count("pk")).values("n")
    )
    return points.annotate(
        raiser_counted=raiser,
        affected_count=Case(When(raiser, then=Value(1)), default=Value(0), output_field=IntegerField())
        + Coalesce(Subquery(shared, output_field=IntegerField()), Value(0)),
    )


def _shares() -> QuerySet[PainPointShare]:
    return PainPointShare.objects.select_related("organisation").annotate(counted=_shares_counted()).order_by("created_at", "pk")


def shares_of(point: PainPoint) -> list[PainPointShare]:
    """Who said "we have this too", oldest first, each with `counted`: still a user. Taken from
    `with_shares` where the point was read with it."""
    if hasattr(point, "listed_shares"):
        return point.listed_shares
    return list(_shares().filter(pain_point=point))


def with_shares(points: QuerySet[PainPoint]) -> QuerySet[PainPoint]:
    """Pain points with their shares (`shares_of`) and the supplier's replies read in one query
    each for the whole list, not one per pain point."""
    return points.prefetch_related(
        Prefetch("shares", queryset=_shares(), to_attr="listed_shares"),
        Prefetch("replies", queryset=PainPointReply.objects.select_related("supplier")),
    )


def pain_points(viewer, *, supplier=None, product=None, status=None, tag=None, open_only=False) -> QuerySet[PainPoint]:
    """Pain points this person may read, the most shared (by organisations that use what
    each is about) and most severe first: a query, so that a page of it is read alone."""
    points = PainPoint.objects.filter(viewer.pain_points_q()).select_related("supplier", "product", "organisation")
    if supplier is not None:
        points = points.filter(Q(supplier=supplier) | Q(product__manufacturer=supplier))
    if product is not None:
        points = points.filter(product=product)
    if status:
        points = points.filter(status=status)
    if open_only:
        points = points.exclude(status=PainPointStatus.RESOLVED)
    if tag:
        # Looked for in Python, in the tags alone: JSON containment is not the same on SQLite
        # and PostgreSQL.
        points = points.filter(pk__in=[pk for pk, tags in points.values_list("pk", "tags") if tag in tags])
    return with_counts(points).order_by("-affected_count", "-severity", "-created_at", "pk")


def all_tags(points: QuerySet[PainPoint]) -> list[tuple[str, int]]:
    """The tags of every pain point in `points` (not only a page of them), the most used first."""
    return Counter(tag for tags in points.order_by().values_list("tags", flat=True) for tag in tags).most_common()


def sees_organisations_of(viewer, pain_point: PainPoint, organisation_id: int) -> bool:
    """Which organisations have a pain point is shown where shared pain points are visible
    for that organisation; never to the supplier's vendor users otherwise."""
    return viewer.can_see(Kind.PAIN_POINTS, organisation_id)


def sees_notes_of(viewer, organisation_id: int) -> bool:
    return viewer.can_see(Kind.PAIN_POINTS, organisation_id) and viewer.can_see(Kind.COMMENTS, organisation_id)
