"""The scale tiers (issue 18): synthetic maps of 33, about 400 and 20,000 public bodies, for
measuring City Tools far beyond its demo (`citytools generate --tier london|uk|continental`).

What is real and what is invented: the london tier's organisations are the 33 London
authorities and the uk tier's every current UK local authority in the shipped reference list
(397 of them; the issue's "400" rounds the UK), created through the directory's own
`add_local_authorities`. The continental tier's 20,000 are invented ("Invented
Municipality 00001"). Every supplier ("Supplier 001 Ltd"), product ("Product 0001"), system,
contract, rating and pain point is invented, so nothing here says anything about a real
company or product.

Each tier is a whole map, in proportion: one network per region, its members the region's
organisations, the networks' visibility settings cycling through POLICIES (so the public,
members and the strictest-of-several rules all have something to decide), about one record in
twenty confidential, notes on some systems, contracts ending on the usual year ends so
that many end together (the opportunity finder and the expiry timeline need that), ratings
only of systems in use and at most one per system, pain points about a product the raising
organisation uses, shared by others who use it. Every system, contract, rating and pain point
has its "+" history row, and each system's service areas and each contract's systems their
history rows, as `core.history` writes them for records added in a batch.

It is written with `citytools.demo.bulk` (COPY on PostgreSQL, executemany on SQLite), with ids
it allocates itself, in one transaction: a failure leaves the database as it was. It fills
only an empty map (no network, supplier, product, system or contract yet): generated rows
must never sit beside real records, and the figures measured on a tier are only comparable
when the tier is all there is. To build another tier, start from a fresh database
(`citytools flush`, then `citytools generate`). The same seed and date always give the same
rows, ids included, on the same starting database.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from citytools.contracts.models import Contract
from citytools.core.errors import DomainError
from citytools.demo.bulk import Writer
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.directory.services import (
    LOCAL_AUTHORITIES_CSV,
    LOCAL_AUTHORITY_COLUMNS,
    add_local_authorities,
    read_csv,
)
from citytools.inventory.models import Product, ServiceArea, System
from citytools.inventory.services import load_service_areas
from citytools.satisfaction.models import DIMENSION_NAMES, PainPoint, PainPointShare, Rating

DEFAULT_SEED = 18
REASON = "Written by citytools generate"
MARKER = "Invented by citytools generate."


@dataclass(frozen=True)
class Tier:
    name: str
    authorities: str  # which real authorities: "london", "uk", or "" for invented ones
    organisations: int  # invented organisations (the real ones are counted from the list)
    suppliers: int
    products: int
    systems: int
    contracts: int
    ratings: int
    pain_points: int
    regions: int = 0  # invented regions, one network each


TIERS = {
    "london": Tier("london", "london", 0, suppliers=60, products=240, systems=800, contracts=750, ratings=650,
                   pain_points=20),
    "uk": Tier("uk", "uk", 0, suppliers=400, products=2_000, systems=30_000, contracts=100_000, ratings=25_000,
               pain_points=800),
    "continental": Tier("continental", "", 20_000, suppliers=4_000, products=20_000, systems=1_000_000,
                        contracts=3_000_000, ratings=600_000, pain_points=20_000, regions=40),
}

# The networks' visibility settings, in turn: the defaults, values published, who uses what
# and end dates for members only, satisfaction and pain points published.
POLICIES = (
    {},
    {"values": "public"},
    {"usage": "members", "end_dates": "members"},
    {"satisfaction": "public", "comments": "public", "pain_points": "public"},
)
CONFIDENTIAL = 0.05
NOTED = 0.2  # systems with a note (member-only by default)
PLANNED_EVERY = 14  # one system in fourteen is planned, not in use yet
REPLACED_SHARE = 0.08  # of systems in use: being replaced
RESOLD = 0.15  # systems bought through a reseller rather than from the maker
SECOND_AREA = 0.2  # systems that serve two service areas
SECOND_SYSTEM = 0.25  # contracts that cover two systems
KINDS = ("licence and support", "hosting", "implementation", "managed service", "maintenance")
ROUTES = [choice for choice, _ in Contract.Route.choices]
HOSTINGS = [choice for choice, _ in System.Hosting.choices]
COMMENTS = (
    "Does what we need.",
    "Support is slow to answer.",
    "Reporting is weak.",
    "Upgrades are painless.",
    "Costs have risen faster than inflation.",
)
ISSUES = (
    ("Charges to export our own data", ["data-access"]),
    ("Support tickets wait days for an answer", ["support"]),
    ("Annual price rises above inflation", ["value"]),
    ("No usable API for integrations", ["interoperability"]),
    ("Upgrades break local configuration", ["reliability"]),
    ("Public forms fail accessibility checks", ["accessibility"]),
)
STATUSES = ("open", "raised", "responded", "resolved")


@dataclass(frozen=True)
class Generated:
    tier: str
    seed: int
    as_of: datetime.date
    networks: int
    organisations: int
    suppliers: int
    products: int
    systems: int
    contracts: int
    ratings: int
    pain_points: int
    confidential: int
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _spread(total: int, parts: int) -> list[int]:
    """`total` in `parts` shares that differ by one at most."""
    return [total // parts + (index < total % parts) for index in range(parts)]


def _authorities(which: str) -> list[dict[str, str]]:
    """The current authorities of the shipped list, by GSS code."""
    rows = read_csv(LOCAL_AUTHORITIES_CSV, LOCAL_AUTHORITY_COLUMNS)
    rows = [row for row in rows if not row["end_date"]]
    if which == "london":
        rows = [row for row in rows if row["gss_code"].startswith("E09")]
    return sorted(rows, key=lambda row: row["gss_code"])


def _refuse_a_map_that_is_not_empty() -> None:
    held = [
        str(model._meta.verbose_name_plural)
        for model in (Network, Supplier, Product, System, Contract)
        if model._base_manager.exists()
    ]
    if held:
        raise DomainError(
            f"The database already holds {', '.join(held)}: generate fills an empty map only, so that invented "
            "records never sit beside real ones. Use a new database, or empty this one with `citytools flush`.",
            code="not_empty",
        )


def generate(*, tier: str, seed: int = DEFAULT_SEED, as_of: datetime.date, progress=None) -> Generated:
    """Build `tier` into the configured database; `progress(rows)` is told how far it got."""
    if not settings.DEMO_MODE:
        raise DomainError(
            "Generated data is invented: run it with demo mode on (CITYTOOLS_DEMO_MODE=1), so every page says so.",
            code="demo_mode_off",
        )
    if tier not in TIERS:
        raise DomainError(f"No tier {tier!r}: choose one of {', '.join(TIERS)}.", code="invalid", field="tier")
    spec = TIERS[tier]
    started = time.perf_counter()
    with transaction.atomic():
        _refuse_a_map_that_is_not_empty()
        load_service_areas()
        build = _Build(spec, seed=seed, as_of=as_of, progress=progress)
        try:
            counts = build.run()
        finally:
            build.w.close()
    seconds = time.perf_counter() - started
    return Generated(tier=tier, seed=seed, as_of=as_of, seconds=seconds, **counts)


class _Build:
    def __init__(self, spec: Tier, *, seed: int, as_of: datetime.date, progress):
        self.spec = spec
        self.rng = random.Random(f"{seed}:{spec.name}")
        self.as_of = as_of
        self.w = Writer(progress=progress)
        midnight = datetime.datetime.combine(as_of, datetime.time(), tzinfo=datetime.UTC)
        self.now = self.w.instant(midnight)
        self._days: dict[int, str] = {}
        self._instants: dict[int, str] = {}
        self._midnight = midnight

    def day(self, offset: int) -> str:
        """`as_of` + offset days, in the database's form (few distinct days: kept)."""
        value = self._days.get(offset)
        if value is None:
            value = self._days[offset] = self.w.day(self.as_of + datetime.timedelta(days=offset))
        return value

    def instant(self, offset: int) -> str:
        """Ten in the morning (UTC) on `as_of` + offset days."""
        value = self._instants.get(offset)
        if value is None:
            moment = self._midnight + datetime.timedelta(days=offset, hours=10)
            value = self._instants[offset] = self.w.instant(moment)
        return value

    def run(self) -> dict:
        organisations, regions = self.organisations()
        networks = self.networks(organisations, regions)
        suppliers, makers = self.catalogue()
        areas = list(
            ServiceArea.objects.leaves().order_by("parent__position", "position", "slug").values_list("pk", flat=True)
        )
        if not areas:
            raise DomainError("The service-area taxonomy is empty.")
        self.areas = areas
        self.suppliers, self.makers = suppliers, makers
        counts = self.records(organisations)
        self.w.finish()
        return {
            "networks": networks,
            "organisations": len(organisations),
            "suppliers": len(suppliers),
            "products": len(makers),
            **counts,
            "rows": self.w.rows,
        }

    # Who is who ----------------------------------------------------------------------

    def organisations(self) -> tuple[list[int], list[str]]:
        """Each organisation's id and region, in the order of their identifiers."""
        if self.spec.authorities:
            codes = [row["gss_code"] for row in _authorities(self.spec.authorities)]
            add_local_authorities(codes)
            found = dict(Organisation.objects.filter(identifier__in=codes).values_list("identifier", "pk"))
            regions = dict(Organisation.objects.filter(identifier__in=codes).values_list("identifier", "region"))
            return [found[code] for code in codes], [regions[code] or "Elsewhere" for code in codes]
        table = self.w.table(
            Organisation,
            ("id", "created_at", "updated_at", "slug", "name", "short_name", "identifier_scheme", "identifier",
             "registry_code", "kind", "region", "nation", "population", "alternative_names", "start_date", "end_date"),
        )
        ids, regions = [], []
        per_region = _spread(self.spec.organisations, self.spec.regions)
        number = 0
        for region_index, size in enumerate(per_region, start=1):
            region = f"Invented Region {region_index:02d}"
            for _ in range(size):
                number += 1
                pk = table.next_id()
                table.add((
                    pk, self.now, self.now, f"invented-municipality-{number:05d}",
                    f"Invented Municipality {number:05d}", f"Municipality {number:05d}", "XX-INVENTED",
                    f"INVENTED-{number:05d}", "", "Invented municipality", region, "Invented",
                    self.rng.randint(2_000, 900_000), "", None, None,
                ))
                ids.append(pk)
                regions.append(region)
        return ids, regions

    def networks(self, organisations: list[int], regions: list[str]) -> int:
        table = self.w.table(Network, ("id", "created_at", "updated_at", "slug", "name", "description", "visibility",
                                       "review_months"))
        history = self.w.history(table, reason=REASON)
        members = self.w.table(NetworkMembership, ("id", "created_at", "updated_at", "network_id", "organisation_id"))
        by_region: dict[str, int] = {}
        for region in sorted(set(regions)):
            pk = table.next_id()
            policy = POLICIES[len(by_region) % len(POLICIES)]
            slug = "generated-" + "".join(c if c.isalnum() else "-" for c in region.lower())
            row = (pk, self.now, self.now, slug[:50], f"{region} (generated)",
                   f"Every generated organisation in {region}. {MARKER}", self.w.json(policy), 6)
            table.add(row)
            history.created(row, self.now)
            by_region[region] = pk
        for organisation, region in zip(organisations, regions):
            members.add((members.next_id(), self.now, self.now, by_region[region], organisation))
        return len(by_region)

    def catalogue(self) -> tuple[list[int], list[int]]:
        """The suppliers' ids, and each product's maker (an index into the suppliers). The
        first suppliers make most products, so the market has leaders as markets do."""
        spec = self.spec
        suppliers = self.w.table(
            Supplier, ("id", "created_at", "updated_at", "slug", "name", "is_sme", "company_number", "website",
                       "description", "parent_id", "provisional_for_id"),
        )
        ids = []
        width = len(str(spec.suppliers))
        for number in range(1, spec.suppliers + 1):
            pk = suppliers.next_id()
            suppliers.add((pk, self.now, self.now, f"supplier-{number:0{width}d}", f"Supplier {number:0{width}d} Ltd",
                           number > spec.suppliers // 10, "", "", MARKER, None, None))
            ids.append(pk)
        products = self.w.table(
            Product, ("id", "created_at", "updated_at", "slug", "name", "description", "website", "manufacturer_id",
                      "provisional_for_id"),
        )
        self.product_ids, self.product_names, makers = [], [], []
        width = max(4, len(str(spec.products)))
        for number in range(1, spec.products + 1):
            maker = int(spec.suppliers * self.rng.random() ** 2)
            pk = products.next_id()
            name = f"Product {number:0{width}d}"
            products.add((pk, self.now, self.now, f"product-{number:0{width}d}", name, MARKER, "", ids[maker], None))
            self.product_ids.append(pk)
            self.product_names.append(name)
            makers.append(maker)
        return ids, makers

    # Records -------------------------------------------------------------------------

    def records(self, organisations: list[int]) -> dict:
        spec, rng, w = self.spec, self.rng, self.w
        systems = w.table(System, (
            "id", "created_at", "updated_at", "hosting", "status", "go_live", "notes", "organisation_id", "product_id",
            "supplier_id", "confidential", "retired_at", "version", "changed_by_other", "confirmed_at",
            "confirmed_by_id", "responsible_id", "provenance",
        ))
        system_history = w.history(systems, reason=REASON)
        system_areas = w.links(System, "service_areas")
        contracts = w.table(Contract, (
            "id", "created_at", "updated_at", "title", "total_value", "annual_value", "currency", "start_date",
            "end_date", "extension_end_date", "route", "framework", "source", "reference", "source_url",
            "organisation_id", "supplier_id", "confidential", "retired_at", "version", "changed_by_other",
            "confirmed_at", "confirmed_by_id", "responsible_id", "provenance",
        ))
        self.provenance = w.json({})
        contract_history = w.history(contracts, reason=REASON)
        contract_systems = w.links(Contract, "systems")
        ratings = w.table(Rating, (
            "id", "created_at", "updated_at", "overall", *DIMENSION_NAMES, "comment", "rated_at", "version",
            "organisation_id", "rated_by_id", "system_id",
        ))
        rating_history = w.history(ratings, reason=REASON)

        resellers = self.suppliers[-max(1, len(self.suppliers) // 10):]
        per_systems = _spread(spec.systems, len(organisations))
        per_contracts = _spread(spec.contracts, len(organisations))
        per_ratings = _spread(spec.ratings, len(organisations))
        provenance = w.json({})
        confidential = 0
        # What the pain points need: each organisation's systems in use, and who uses each product.
        self.in_use: list[list[tuple[int, int]]] = []
        self.users: dict[int, list[int]] = {}
        contract_number = 0
        for index, organisation in enumerate(organisations):
            count = per_systems[index]
            products = rng.sample(range(len(self.product_ids)), count)
            planned = count // PLANNED_EVERY
            statuses = ["planned"] * planned + [
                "being_replaced" if rng.random() < REPLACED_SHARE else "live" for _ in range(count - planned)
            ]
            rng.shuffle(statuses)
            mine = []  # (system id, provider id, product index)
            in_use = []
            for product, status in zip(products, statuses):
                pk = systems.next_id()
                provider = rng.choice(resellers) if rng.random() < RESOLD else None
                secret = rng.random() < CONFIDENTIAL
                confidential += secret
                go_live = rng.randint(30, 540) if status == "planned" else -rng.randint(30, 4_380)
                row = (
                    pk, self.now, self.now, rng.choice(HOSTINGS), status, self.day(go_live),
                    "Generated note: renewal under review." if rng.random() < NOTED else "", organisation,
                    self.product_ids[product], provider, secret, None, 1, False, None, None, None, provenance,
                )
                systems.add(row)
                history_id = system_history.created(row, self.now)
                home = product % len(self.areas)
                system_areas.add(pk, self.areas[home], history_id)
                second = (home * 7 + 3) % len(self.areas)
                if rng.random() < SECOND_AREA and second != home:
                    system_areas.add(pk, self.areas[second], history_id)
                supplier = provider or self.suppliers[self.makers[product]]
                mine.append((pk, supplier, product))
                if status != "planned":
                    in_use.append((pk, supplier, product))
                    self.users.setdefault(product, []).append(organisation)
            self.in_use.append(in_use)

            for _ in range(per_contracts[index]):
                contract_number += 1
                covered = [rng.choice(mine)]
                if rng.random() < SECOND_SYSTEM and len(mine) > 1:
                    other = rng.choice(mine)
                    if other[0] != covered[0][0]:
                        covered.append(other)
                system_id, supplier, product = covered[0]
                row, secret = self._contract(contracts.next_id(), contract_number, organisation, supplier, product)
                confidential += secret
                contracts.add(row)
                history_id = contract_history.created(row, self.now)
                for each in covered:
                    contract_systems.add(row[0], each[0], history_id)

            rated = per_ratings[index]
            if rated > len(in_use):
                raise DomainError(f"The {spec.name} tier asks for more ratings than systems in use.")
            for system_id, _supplier, _product in rng.sample(in_use, rated):
                row = self._rating(ratings.next_id(), system_id, organisation)
                ratings.add(row)
                rating_history.created(row, row[1])  # dated when it was given
        pain_points = self.pain_points(organisations)
        return {
            "systems": spec.systems, "contracts": spec.contracts, "ratings": spec.ratings,
            "pain_points": pain_points, "confidential": confidential,
        }

    def _contract(self, pk: int, number: int, organisation: int, supplier: int, product: int) -> tuple[tuple, bool]:
        rng = self.rng
        # Most contracts end on a financial year's end (31 March) or half-year, in the two years
        # behind and the seven ahead, so that many end together as in life.
        year = self.as_of.year + rng.randint(-2, 7)
        shape = rng.random()
        if shape < 0.5:
            end = datetime.date(year, 3, 31)
        elif shape < 0.75:
            end = datetime.date(year, 9, 30)
        else:
            end = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        years = rng.randint(1, 7)
        end_offset = (end - self.as_of).days
        start_offset = end_offset - 365 * years + 1
        extension = end_offset + 365 * rng.randint(1, 2) if rng.random() < 0.4 else None
        annual = rng.randrange(2_000, 400_000, 250)
        route = rng.choice(ROUTES)
        secret = rng.random() < CONFIDENTIAL
        row = (
            pk, self.now, self.now, f"{self.product_names[product]} {rng.choice(KINDS)}",
            str(annual * years), str(annual), "GBP", self.day(start_offset), self.day(end_offset),
            None if extension is None else self.day(extension), route,
            f"Framework {rng.randint(1, 40):02d} (invented)" if route == "framework" else "", "organisation",
            f"GEN-{number:07d}", "", organisation, supplier, secret, None, 1, False, None, None, None, self.provenance,
        )
        return row, secret

    def _rating(self, pk: int, system: int, organisation: int) -> tuple:
        rng = self.rng
        overall = min(5, max(1, round(rng.gauss(3.4, 0.9))))
        scores = [
            None if rng.random() < 0.12 else min(5, max(1, overall + rng.randint(-1, 1))) for _ in DIMENSION_NAMES
        ]
        rated_at = self.instant(-rng.randint(5, 720))
        comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
        return (pk, rated_at, rated_at, overall, *scores, comment, rated_at, 1, organisation, None, system)

    def pain_points(self, organisations: list[int]) -> int:
        rng, w = self.rng, self.w
        table = w.table(PainPoint, (
            "id", "created_at", "updated_at", "title", "description", "severity", "tags", "status",
            "status_changed_at", "version", "challenge_id", "organisation_id", "product_id", "raised_by_id",
            "supplier_id",
        ))
        history = w.history(table, reason=REASON)
        shares = w.table(PainPointShare, ("id", "created_at", "updated_at", "note", "added_by_id", "organisation_id",
                                          "pain_point_id"))
        made = 0
        candidates = [index for index, in_use in enumerate(self.in_use) if in_use]
        for _ in range(self.spec.pain_points):
            index = rng.choice(candidates)
            organisation = organisations[index]
            _system, supplier, product = rng.choice(self.in_use[index])
            issue, tags = rng.choice(ISSUES)
            raised = self.instant(-rng.randint(10, 400))
            pk = table.next_id()
            row = (
                pk, raised, raised, f"{issue} ({self.product_names[product]})", f"{issue}. {MARKER}",
                rng.randint(1, 4), w.json(tags), rng.choice(STATUSES), raised, 1, None, organisation,
                self.product_ids[product], None, supplier,
            )
            table.add(row)
            history.created(row, raised)
            others = sorted(set(self.users[product]) - {organisation})
            for other in rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2, 3)))):
                shares.add((shares.next_id(), raised, raised, "We have this too.", None, other, pk))
            made += 1
        return made
