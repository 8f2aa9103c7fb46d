"""Ratings and shared pain points in the demo, consistent with the market it invents.

Scores come from a small model of the market, not from chance alone, so that the
satisfaction report has something true to find:

- Smaller suppliers score somewhat better than the large ones (SIZE_EFFECT).
- The largest incumbent in a few service areas (LAGGARDS: revenues, housing, adult social
  care) scores clearly worse on support and value for money, or on interoperability.
- On-premises systems score low on interoperability and modern ways of working.
- Organisations that run more distinct suppliers are somewhat less satisfied (CROWDING), as
  the 2019 finding has it, so the report's rank correlation comes out negative.

Most current systems are rated, not all (planned ones never), some more than a year before
`as_of` (due for renewal), and some twice: once one to two years back, again within the year,
so satisfaction over time has several quarters. Every comment, title and note is invented;
none names a person.

Ratings and pain points are written in bulk, as the builder writes systems and contracts,
with history rows dated when each version was given (history_date = rated_at), because the
report reads satisfaction over time from the history. The demo's ratings are those whose
history starts with DEMO_REASON; its pain points' descriptions end with the demo marker, as
its suppliers' and products' do. A rebuild compares each with what the seed and date give
and replaces only those that differ, so a rebuild with the same seed and date writes nothing.
A rating or pain point a person made is never touched, and a system a person rated keeps
that rating.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from citytools.accounts.models import Role, User
from citytools.demo import catalogue as cat
from citytools.demo.people import DOMAIN
from citytools.inventory.models import System
from citytools.satisfaction.models import (
    DIMENSION_NAMES,
    PainPoint,
    PainPointReply,
    PainPointShare,
    PainPointStatus,
    Rating,
    Severity,
)

# The reason on the demo's history rows, as on the builder's; it marks the demo's ratings.
DEMO_REASON = "Written by citytools demo"

RATED_SHARE = 0.82  # of live systems and those being replaced; planned ones are never rated
DUE_SHARE = 0.2  # of ratings: last given more than a year ago
RERATED_SHARE = 0.3  # of ratings: given one to two years ago, then changed within the year
COMMENT_SHARE = 0.3

BASE = 3.45
SIZE_EFFECT = {"large": -0.25, "medium": 0.15, "small": 0.4}
# Mean overall score lost per distinct supplier an organisation runs above the average.
CROWDING = 0.08
LENIENCY = 0.2  # spread of organisations' own generosity
NOISE = 0.6
DIMENSION_NOISE = 0.55
# How often each dimension is left unscored.
SKIPPED = {
    "functionality": 0.06, "usability": 0.08, "support": 0.1, "value": 0.18,
    "interoperability": 0.2, "modern_working": 0.35,
}
# The largest incumbent of each of these areas (the supplier with most systems there) is
# among the worst rated, whatever the seed makes of the market.
LAGGARDS = {
    "council-tax": {"overall": -0.8, "support": -1.4, "value": -1.5},
    "housing-management": {"overall": -0.7, "support": -1.2, "value": -1.3, "interoperability": -1.1},
    "adult-social-care-case-management": {"overall": -0.4, "usability": -0.6, "interoperability": -1.5},
}
HOSTING_EFFECT = {
    System.Hosting.ON_PREMISES: {"usability": -0.3, "interoperability": -0.9, "modern_working": -1.1},
    System.Hosting.SAAS: {"interoperability": 0.2, "modern_working": 0.5},
}
RESOLD_SUPPORT = -0.3  # faults go through the reseller to the maker and back

# Comments by what stands out in a rating: its weakest dimension when that is poor.
WEAK_COMMENTS = {
    "functionality": (
        "Missing features we were told were on the roadmap two years ago.",
        "Covers the basics; anything unusual needs a workaround in a spreadsheet.",
    ),
    "usability": (
        "New starters need weeks of training before they are confident with it.",
        "Too many screens for simple tasks; staff keep their own shortcuts on paper.",
    ),
    "support": (
        "Support tickets wait days for a first answer, and urgent ones are not treated as urgent.",
        "We are passed between the helpdesk and the account team; nobody owns a problem.",
    ),
    "value": (
        "The annual uplift has outpaced inflation for three years running.",
        "Modules we thought were included turned out to need extra licences.",
    ),
    "interoperability": (
        "Getting our own data out means a paid report or a consultancy day.",
        "No usable API: our integrations run on nightly file drops.",
    ),
    "modern_working": (
        "Only works on the corporate network; officers cannot use it on a phone or tablet.",
        "Still needs a desktop client installed on every machine.",
    ),
}
GOOD_COMMENTS = (
    "Does what we need, and upgrades are painless.",
    "Quick, helpful support and a product that keeps improving.",
    "A small team, but they listen, and the roadmap reflects what councils ask for.",
    "Reliable. We rarely have to think about it.",
)
MIDDLING_COMMENTS = (
    "Fine for day-to-day work; reporting is weak.",
    "Reliable, but changes we ask for take a long time to arrive.",
    "Adequate. We will look at the market when the contract ends.",
)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """An instant in working hours on `day`."""
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(9, 16), rng.choice((0, 10, 20, 30, 40, 50))), tzinfo=datetime.UTC
    )


def _clamp(value: float) -> int:
    return min(5, max(1, round(value)))


@dataclass(frozen=True)
class Used:
    """One current demo system, as the plan needs it."""

    pk: int
    organisation_id: int
    gss: str
    product_id: int
    product_slug: str
    maker_id: int
    reseller_id: int | None
    provider_id: int  # who the organisation deals with: the reseller, or else the maker
    provider_name: str
    hosting: str
    status: str
    areas: tuple[str, ...]


def _demo_systems() -> list[Used]:
    """Every current demo system (after the builder has dropped the stale ones), in the order
    of their natural keys, so the plan never depends on primary keys."""
    rows = (
        System.objects.filter(
            organisation__identifier__in=cat.LONDON_GSS_CODES,
            product__description__endswith=cat.DEMO_MARKER,
            retired_at__isnull=True,
        )
        .order_by("organisation__identifier", "product__slug")
        .values_list(
            "pk", "organisation_id", "organisation__identifier", "product_id", "product__slug",
            "product__manufacturer_id", "product__manufacturer__name", "supplier_id", "supplier__name",
            "hosting", "status",
        )
    )
    areas = defaultdict(list)
    for system, slug in System.service_areas.through.objects.filter(
        system__in=[row[0] for row in rows]
    ).values_list("system_id", "servicearea__slug"):
        areas[system].append(slug)
    return [
        Used(
            pk=pk, organisation_id=org, gss=gss, product_id=product, product_slug=slug, maker_id=maker,
            reseller_id=reseller, provider_id=reseller or maker, provider_name=reseller_name or maker_name,
            hosting=hosting, status=status, areas=tuple(sorted(areas[pk])),
        )
        for pk, org, gss, product, slug, maker, maker_name, reseller, reseller_name, hosting, status in rows
    ]


# Ratings -------------------------------------------------------------------------------------


def _laggards(systems: list[Used]) -> dict[int, dict[str, float]]:
    """The effects on the largest incumbent of each area in LAGGARDS."""
    effects: dict[int, dict[str, float]] = defaultdict(dict)
    for area, effect in LAGGARDS.items():
        counts: dict[tuple[int, str], int] = defaultdict(int)
        for system in systems:
            if area in system.areas:
                counts[(system.provider_id, system.provider_name)] += 1
        if counts:
            (provider, _), _ = max(counts.items(), key=lambda item: (item[1], item[0][1]))
            for name, value in effect.items():
                effects[provider][name] = min(effects[provider].get(name, 0.0), value)
    return effects


def _comment(rng: random.Random, overall: int, scores: dict) -> str:
    weak = sorted((score, name) for name, score in scores.items() if score is not None and score <= 2)
    if weak:
        return rng.choice(WEAK_COMMENTS[weak[0][1]])
    return rng.choice(GOOD_COMMENTS if overall >= 4 else MIDDLING_COMMENTS)


def _version(rng, latent: float, effects: dict, *, shift: float, skipped: set, rated_at, comment_share) -> dict:
    overall = _clamp(latent + effects.get("overall", 0.0) + shift)
    scores = {
        name: None if name in skipped else _clamp(latent + effects.get(name, 0.0) + shift + rng.gauss(0, DIMENSION_NOISE))
        for name in DIMENSION_NAMES
    }
    comment = _comment(rng, overall, scores) if rng.random() < comment_share else ""
    return {"overall": overall, **scores, "comment": comment, "rated_at": rated_at}


def plan_ratings(systems: list[Used], *, as_of: datetime.date, seed: int) -> dict[int, list[dict]]:
    """Each rated system's versions, oldest first, as the fields of a Rating."""
    rng = random.Random(f"{seed}:ratings")
    size = {spec.name: spec.size for spec in cat.SUPPLIERS}
    providers: dict[int, set[int]] = defaultdict(set)
    for system in systems:
        providers[system.organisation_id].add(system.provider_id)
    average = sum(len(p) for p in providers.values()) / len(providers) if providers else 0
    gss = {system.organisation_id: system.gss for system in systems}
    leniency = {org: rng.gauss(0, LENIENCY) for org in sorted(providers, key=gss.get)}
    laggards = _laggards(systems)

    plans = {}
    for system in systems:
        if system.status == System.Status.PLANNED or rng.random() >= RATED_SHARE:
            continue
        effects: dict[str, float] = defaultdict(float)
        for source in (laggards.get(system.provider_id, {}), HOSTING_EFFECT.get(system.hosting, {})):
            for name, value in source.items():
                effects[name] += value
        if system.reseller_id and system.reseller_id != system.maker_id:
            effects["support"] += RESOLD_SUPPORT
        latent = (
            BASE
            + SIZE_EFFECT[size.get(system.provider_name, "large")]
            + leniency[system.organisation_id]
            - CROWDING * (len(providers[system.organisation_id]) - average)
            + rng.gauss(0, NOISE)
        )
        skipped = {name for name in DIMENSION_NAMES if rng.random() < SKIPPED[name]}
        kind = rng.random()
        if kind < DUE_SHARE:
            days = [rng.randint(370, 720)]
        elif kind < DUE_SHARE + RERATED_SHARE:
            days = [rng.randint(380, 740), rng.randint(5, 330)]
        else:
            days = [rng.randint(5, 330)]
        versions = []
        if len(days) == 2:
            # The laggards have slipped since the earlier rating; smaller suppliers improved.
            if system.provider_id in laggards:
                drift = 0.9
            elif size.get(system.provider_name) in ("small", "medium"):
                drift = -0.6
            else:
                drift = rng.gauss(0, 0.6)
            versions.append(
                _version(rng, latent, effects, shift=drift, skipped=skipped,
                         rated_at=_at(as_of - datetime.timedelta(days=days[0]), rng), comment_share=COMMENT_SHARE / 2)
            )
        versions.append(
            _version(rng, latent, effects, shift=0.0, skipped=skipped,
                     rated_at=_at(as_of - datetime.timedelta(days=days[-1]), rng), comment_share=COMMENT_SHARE)
        )
        if len(versions) == 2 and {k: v for k, v in versions[0].items() if k != "rated_at"} == {
            k: v for k, v in versions[1].items() if k != "rated_at"
        }:
            # Changing a rating means changing a score.
            versions[0]["overall"] += 1 if versions[0]["overall"] < 5 else -1
        plans[system.pk] = versions
    return plans


RATING_FIELDS = ("overall", *DIMENSION_NAMES, "comment", "rated_at", "version", "rated_by_id", "organisation_id",
                 "created_at", "updated_at")
RATING_HISTORY_FIELDS = ("history_type", "overall", *DIMENSION_NAMES, "comment", "rated_at", "version",
                         "history_date", "history_change_reason")


def _rating_versions(system: Used, versions: list[dict]) -> list[Rating]:
    """The Rating as it stood at each version; the last is the current one."""
    first = versions[0]["rated_at"]
    rows = []
    for number, fields in enumerate(versions, start=1):
        rating = Rating(
            system_id=system.pk, organisation_id=system.organisation_id, rated_by=None, version=number,
            created_at=first, updated_at=fields["rated_at"], **fields,
        )
        _as_history(rating, number, fields["rated_at"])
        rows.append(rating)
    return rows


def _as_history(row, number: int, moment: datetime.datetime) -> None:
    """Mark one version of a row with what its history row will say (bulk_history_create
    reads _history_date; the rest is compared with the stored history on a rebuild)."""
    row._history_date = row.history_date = moment
    row.history_type = "+" if number == 1 else "~"
    row.history_change_reason = DEMO_REASON


def _signature(current, history) -> tuple:
    return (
        tuple(getattr(current, name) for name in RATING_FIELDS),
        tuple(tuple(getattr(row, name) for name in RATING_HISTORY_FIELDS) for row in history),
    )


def _drop(model, pks, result) -> None:
    """Delete the demo's rows and their whole history (the delete itself adds a "-" row)."""
    if pks:
        result.deleted += model.objects.filter(pk__in=pks).delete()[1].get(model._meta.label, 0)
        model.history.filter(id__in=pks).delete()


def _drop_orphaned_history(model) -> None:
    """History of demo rows that are gone, such as ratings of systems the builder dropped."""
    demo = set(model.history.filter(history_type="+", history_change_reason=DEMO_REASON).values_list("id", flat=True))
    gone = demo - set(model.objects.filter(pk__in=demo).values_list("pk", flat=True))
    if gone:
        model.history.filter(id__in=gone).delete()


def _write_history(model, rows: list, actor) -> None:
    for kind in ("+", "~"):
        batch = [row for row in rows if row.history_type == kind]
        if batch:
            model.history.bulk_history_create(
                batch, batch_size=500, update=kind == "~", default_user=actor, default_change_reason=DEMO_REASON
            )


def _sync_ratings(plans: dict[int, list[dict]], systems: list[Used], *, actor, result) -> None:
    _drop_orphaned_history(Rating)
    existing = {rating.system_id: rating for rating in Rating.objects.filter(system_id__in=[s.pk for s in systems])}
    demo = set(
        Rating.history.filter(
            id__in=[r.pk for r in existing.values()], history_type="+", history_change_reason=DEMO_REASON
        ).values_list("id", flat=True)
    )
    history = defaultdict(list)
    for row in Rating.history.filter(id__in=demo).order_by("history_date", "history_id"):
        history[row.id].append(row)
    stale, wanted = [], []
    for system in systems:
        rating = existing.get(system.pk)
        if rating is not None and rating.pk not in demo:
            continue  # a person's own rating
        versions = _rating_versions(system, plans[system.pk]) if system.pk in plans else None
        if rating is not None:
            if versions and _signature(rating, history[rating.pk]) == _signature(versions[-1], versions):
                result.ratings += 1
                continue
            stale.append(rating.pk)
        if versions:
            wanted.append(versions)
    _drop(Rating, stale, result)
    current = [versions[-1] for versions in wanted]
    Rating.objects.bulk_create(current, batch_size=500)
    # bulk_create stamps created_at and updated_at with the clock; put the ratings' own back.
    for versions in wanted:
        versions[-1].created_at, versions[-1].updated_at = versions[0].rated_at, versions[-1].rated_at
        for row in versions[:-1]:
            row.pk = versions[-1].pk
    Rating.objects.bulk_update(current, ["created_at", "updated_at"], batch_size=500)
    _write_history(Rating, [row for versions in wanted for row in versions], actor)
    result.created += len(current)
    result.ratings += len(current)


# Pain points ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainSpec:
    product: str  # the catalogue's product name
    title: str
    description: str
    severity: int
    tags: tuple[str, ...]
    organisations: int  # how many have it: the one that raised it and those that share it
    path: tuple[str, ...] = ()  # the statuses it moved through after open
    reply: str = ""  # the supplier's, when it responded
    reseller: str = ""  # the pain point is with this reseller rather than the product's maker
    notes: tuple[str, ...] = ()  # what those who share it add, in turn


RAISED, RESPONDED, RESOLVED = PainPointStatus.RAISED, PainPointStatus.RESPONDED, PainPointStatus.RESOLVED

PAIN_POINTS: tuple[PainSpec, ...] = (
    PainSpec(
        "Velanto Revenues and Benefits", "Charges to export our own council tax data",
        "A full extract of council tax accounts, needed for a data-matching exercise, is quoted as a chargeable "
        "report at a day rate. The data is ours and the contract says we may have it; we should not pay to see it.",
        Severity.HIGH, ("data export", "charges", "revenues"), 6, (RAISED, RESPONDED),
        reply="Bulk extracts in the standard format are included in support. Bespoke formats are chargeable; we "
              "will publish the standard extract's specification with the next release.",
        notes=("We were quoted three days' consultancy for the same extract.", "",
               "Our auditors asked for it too; we paid in the end."),
    ),
    PainSpec(
        "Velanto Housing", "Forced move to the hosted version with a new licence fee",
        "Support for the on-premises version ends in eighteen months. The hosted version is priced per unit of "
        "housing stock, which roughly doubles our annual cost, and migration is a separate charge.",
        Severity.CRITICAL, ("forced upgrade", "licensing", "housing"), 5, (RAISED,),
        notes=("Same letter here. We have asked for the pricing model in writing.", "", "Affects our repairs module too."),
    ),
    PainSpec(
        "Quorvane Care", "Slow or unavailable at month end when provider payments run",
        "On the last two working days of the month the system slows to the point where social workers cannot "
        "save assessments, while the provider payment run takes the database.",
        Severity.HIGH, ("outages", "performance", "month end"), 4, (RAISED, RESPONDED),
        reply="The payment run can now be scheduled overnight; the setting is in the finance module and our "
              "support team can switch it on for you.",
        notes=("Same for us; we now tell staff to avoid those days.",),
    ),
    PainSpec(
        "Calderwick Planning and Building Control", "No API for planning application data",
        "We want to publish planning applications as open data and feed the local plan dashboard, but the only "
        "way out is a nightly CSV that drops fields and changes format between releases.",
        Severity.MEDIUM, ("api", "open data", "integration"), 4,
        notes=("We would fund part of an API with other boroughs.", "", "Needed for the digital planning work."),
    ),
    PainSpec(
        "Dunmere CRM", "Support tickets wait more than a week for a first response",
        "Priority two tickets, such as a form that stops submitting, regularly wait more than a week for a first "
        "response, against a contractual target of one working day.",
        Severity.HIGH, ("support", "response times"), 3, (RAISED, RESPONDED),
        reply="We have added staff to the local government support desk and now report response times to each "
              "customer monthly. Please send us the ticket numbers that missed the target.",
    ),
    PainSpec(
        "Tarnwell Workspace", "Licence tiers changed in the middle of the contract",
        "Features we rely on were moved to a higher licence tier at renewal of the annual subscription, although "
        "our contract still has two years to run.",
        Severity.MEDIUM, ("licensing", "charges"), 2,
    ),
    PainSpec(
        "", "Faults passed back and forth between reseller and maker",
        "When something breaks, the reseller logs it with the maker and relays answers back. Simple faults take "
        "weeks, and nobody will say who owns the problem.",
        Severity.MEDIUM, ("support", "resellers"), 3, reseller="Strathmere Managed Services",
        notes=("Exactly our experience with our telephony.",),
    ),
    PainSpec(
        "Harbrook Waste", "In-cab devices lose their connection and rounds data is lost",
        "Crews' devices drop their connection in parts of the borough and do not sync afterwards, so missed "
        "bins reported by crews never reach the contact centre.",
        Severity.HIGH, ("outages", "mobile", "waste"), 2, (RAISED, RESPONDED, RESOLVED),
        reply="Release 7.2 keeps records on the device until it reconnects. It is now on every customer's devices.",
    ),
    PainSpec(
        "Pennant Parking", "Penalty charge export breaks after each release",
        "The export our finance team relies on changes column order with most releases, and we find out at the "
        "month-end reconciliation.",
        Severity.MEDIUM, ("releases", "data export"), 1,
    ),
    PainSpec(
        "Ivorstone Records", "Records held in a proprietary format",
        "Documents and their metadata can only be exported through the supplier's migration service, which makes "
        "moving to another system slow and expensive.",
        Severity.MEDIUM, ("data export", "lock-in", "records"), 3, (RAISED,),
    ),
    PainSpec(
        "Quorvane Education", "Statutory return changes arrive too late to test",
        "Changes for the school census arrive days before the return is due, leaving no time to test them "
        "against our data.",
        Severity.HIGH, ("statutory returns", "releases"), 3, (RAISED, RESPONDED),
        reply="From this autumn we will release census changes four weeks before the return opens, with a test "
              "data set.",
    ),
    PainSpec(
        "Brackenfold Enterprise", "Month-end close locks users out for hours",
        "Closing the ledger at month end locks purchasing and HR users out of the system for most of a day.",
        Severity.MEDIUM, ("performance", "month end", "finance"), 2,
    ),
    PainSpec(
        "Strathmere WAN", "Circuit faults at small sites take days to fix",
        "Libraries and children's centres on the smaller circuits wait days for a fault to be fixed; the service "
        "levels only cover the main offices.",
        Severity.MEDIUM, ("support", "network"), 1, (RAISED,),
    ),
    PainSpec(
        "Elmsworth Analytics", "Extra charge for each new data connector",
        "Each new source system we connect is a separately licensed connector, which makes joining up data "
        "across services costly.",
        Severity.LOW, ("charges", "integration"), 2,
    ),
    PainSpec(
        "Halvergate Revenues", "Annual support uplift above inflation",
        "The support charge rose by well over inflation for the third year running, with no change to the "
        "service we receive.",
        Severity.MEDIUM, ("charges", "value for money"), 3,
    ),
    PainSpec(
        "Reedmace Meetings", "Agendas failed to publish the night before full council",
        "Agenda packs did not appear on the website the night before full council, and we published them by "
        "hand.",
        Severity.HIGH, ("outages", "committees"), 1, (RAISED, RESPONDED, RESOLVED),
        reply="A certificate expired on our publishing service. We fixed it the next morning and now monitor "
              "publishing overnight.",
    ),
    PainSpec(
        "Velanto Pay", "Card payments fail silently at peak times",
        "On council tax instalment days some card payments fail without telling the resident, who then pays "
        "twice or not at all.",
        Severity.HIGH, ("payments", "outages"), 2, (RAISED, RESOLVED),
    ),
)
SHARE_NOTES = ("We have this too.", "Same problem since the last upgrade.",
               "We raised it at our last contract review; nothing has changed yet.", "", "")


@dataclass
class PlannedPainPoint:
    point: PainPoint
    versions: list[PainPoint] = field(default_factory=list)
    shares: list[PainPointShare] = field(default_factory=list)
    replies: list[PainPointReply] = field(default_factory=list)


def _vendor_user(supplier_id: int):
    """The demo's vendor account for the supplier, if it has one (citytools.demo.people)."""
    return (
        User.objects.filter(
            email__endswith=f"@{DOMAIN}", roles__kind=Role.Kind.VENDOR, roles__supplier_id=supplier_id
        ).order_by("email").first()
    )


def plan_pain_points(systems: list[Used], *, as_of: datetime.date, seed: int) -> list[PlannedPainPoint]:
    """The pain points, raised and shared by organisations that use what they are about: a
    system in use, not one only planned (citytools.satisfaction.queries.subject_systems)."""
    rng = random.Random(f"{seed}:pain-points")
    by_product, by_reseller, maker, product_ids, reseller_ids = defaultdict(set), defaultdict(set), {}, {}, {}
    for system in systems:
        if system.status not in System.IN_USE:
            continue
        by_product[system.product_slug].add(system.gss)
        maker[system.product_slug] = system.maker_id
        product_ids[system.product_slug] = system.product_id
        if system.reseller_id and system.reseller_id != system.maker_id:
            by_reseller[system.reseller_id].add(system.gss)
            reseller_ids[system.provider_name] = system.reseller_id
    organisation = {system.gss: system.organisation_id for system in systems}
    planned = []
    for spec in PAIN_POINTS:
        if spec.reseller:
            supplier, product = reseller_ids.get(spec.reseller), None
            users = sorted(by_reseller.get(supplier, ()))
        else:
            supplier, product = maker.get(slugify(spec.product)), product_ids.get(slugify(spec.product))
            users = sorted(by_product.get(slugify(spec.product), ()))
        if not users:
            continue  # nobody uses it in this seed's market
        rng.shuffle(users)
        raiser, sharers = users[0], users[1 : spec.organisations]
        age = rng.randint(30 + 45 * len(spec.path), 120 + 90 * len(spec.path))
        opened = _at(as_of - datetime.timedelta(days=age), rng)
        moments = [opened]
        for _ in spec.path:
            moments.append(moments[-1] + datetime.timedelta(days=rng.randint(7, 35), hours=rng.randint(0, 3)))
        statuses = (PainPointStatus.OPEN, *spec.path)
        versions = []
        for number, (status, moment) in enumerate(zip(statuses, moments, strict=True), start=1):
            version = PainPoint(
                title=spec.title, description=f"{spec.description} {cat.DEMO_MARKER}", severity=spec.severity,
                tags=list(spec.tags), supplier_id=supplier, product_id=product, organisation_id=organisation[raiser],
                raised_by=None, status=status, status_changed_at=moment, version=number, challenge=None,
                created_at=opened, updated_at=moment,
            )
            _as_history(version, number, moment)
            versions.append(version)
        point = PainPoint(**{f.attname: getattr(versions[-1], f.attname) for f in PainPoint._meta.concrete_fields})
        shares = []
        for index, gss in enumerate(sharers):
            note = spec.notes[index] if index < len(spec.notes) else rng.choice(SHARE_NOTES)
            when = opened + datetime.timedelta(days=rng.randint(1, age - 1), hours=rng.randint(0, 5))
            shares.append(PainPointShare(organisation_id=organisation[gss], note=note, added_by=None, created_at=when))
        shares.sort(key=lambda share: (share.created_at, share.organisation_id))
        replies = []
        if spec.reply:
            answered = moments[statuses.index(RESPONDED)] if RESPONDED in statuses else moments[-1]
            writer = _vendor_user(supplier)
            replies.append(PainPointReply(supplier_id=supplier, body=spec.reply, written_by=writer, created_at=answered))
        planned.append(PlannedPainPoint(point, versions, shares, replies))
    return planned


POINT_FIELDS = ("title", "description", "severity", "tags", "supplier_id", "product_id", "organisation_id",
                "raised_by_id", "status", "status_changed_at", "version", "challenge_id", "created_at", "updated_at")
POINT_HISTORY_FIELDS = ("history_type", "status", "status_changed_at", "version", "history_date", "history_change_reason")


def _point_signature(point, versions, shares, replies) -> tuple:
    return (
        tuple(getattr(point, name) for name in POINT_FIELDS),
        tuple(tuple(getattr(v, name) for name in POINT_HISTORY_FIELDS) for v in versions),
        tuple((s.organisation_id, s.note, s.added_by_id, s.created_at) for s in shares),
        tuple((r.supplier_id, r.body, r.written_by_id, r.created_at) for r in replies),
    )


def _sync_pain_points(planned: list[PlannedPainPoint], *, actor, result) -> None:
    _drop_orphaned_history(PainPoint)
    existing = {}
    stale = []
    for point in PainPoint.objects.filter(description__endswith=cat.DEMO_MARKER).order_by("pk"):
        if point.title in existing:
            stale.append(point.pk)  # a duplicate: the lowest primary key stays
        else:
            existing[point.title] = point
    wanted_titles = {p.point.title for p in planned}
    stale += [point.pk for title, point in existing.items() if title not in wanted_titles]
    history, shares, replies = defaultdict(list), defaultdict(list), defaultdict(list)
    ids = [point.pk for point in existing.values()]
    for row in PainPoint.history.filter(id__in=ids).order_by("history_date", "history_id"):
        history[row.id].append(row)
    for share in PainPointShare.objects.filter(pain_point_id__in=ids).order_by("created_at", "organisation_id"):
        shares[share.pain_point_id].append(share)
    for reply in PainPointReply.objects.filter(pain_point_id__in=ids).order_by("created_at", "pk"):
        replies[reply.pain_point_id].append(reply)
    wanted = []
    for plan in planned:
        point = existing.get(plan.point.title)
        if point is not None:
            if _point_signature(point, history[point.pk], shares[point.pk], replies[point.pk]) == _point_signature(
                plan.point, plan.versions, plan.shares, plan.replies
            ):
                result.pain_points += 1
                continue
            stale.append(point.pk)
        wanted.append(plan)
    _drop(PainPoint, stale, result)
    points = [plan.point for plan in wanted]
    PainPoint.objects.bulk_create(points)
    for plan in wanted:
        plan.point.created_at, plan.point.updated_at = plan.versions[0].created_at, plan.versions[-1].updated_at
        for row in plan.versions:
            row.pk = plan.point.pk
        for row in (*plan.shares, *plan.replies):
            row.pain_point = plan.point
    PainPoint.objects.bulk_update(points, ["created_at", "updated_at"])
    _write_history(PainPoint, [row for plan in wanted for row in plan.versions], actor)
    for model, attribute in ((PainPointShare, "shares"), (PainPointReply, "replies")):
        rows = [row for plan in wanted for row in getattr(plan, attribute)]
        moments = [row.created_at for row in rows]
        model.objects.bulk_create(rows)
        for row, moment in zip(rows, moments, strict=True):
            row.created_at = row.updated_at = moment
        model.objects.bulk_update(rows, ["created_at", "updated_at"])
    result.created += len(points)
    result.pain_points += len(points)


# The service ---------------------------------------------------------------------------------


@dataclass
class SatisfactionResult:
    created: int = 0
    deleted: int = 0
    ratings: int = 0
    pain_points: int = 0


@transaction.atomic
def build_satisfaction(*, as_of: datetime.date, seed: int, actor=None) -> SatisfactionResult:
    """Make the demo's ratings and pain points match `seed` and `as_of`. Called by
    citytools.demo.builder once the stale systems are gone and before the stale suppliers and
    products go (pain points protect what they are about)."""
    result = SatisfactionResult()
    systems = _demo_systems()
    _sync_ratings(plan_ratings(systems, as_of=as_of, seed=seed), systems, actor=actor, result=result)
    _sync_pain_points(plan_pain_points(systems, as_of=as_of, seed=seed), actor=actor, result=result)
    return result
