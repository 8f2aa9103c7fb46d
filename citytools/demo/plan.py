"""The demo's invented market, worked out in memory from a seed and a date.

Nothing here touches the database: `plan_demo` turns the catalogue, the real London
authorities and `as_of` into plain records, and citytools.demo.builder writes them. Every
random choice comes from one random.Random(seed) and every loop runs over lists in a fixed
order, so the same seed and date always give the same market.
"""

import calendar
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from citytools.core.dates import add_months
from citytools.core.prose import mid_sentence
from citytools.demo import catalogue as cat


@dataclass(frozen=True)
class OrganisationInfo:
    gss: str
    short_name: str
    population: int | None


@dataclass(frozen=True)
class AreaInfo:
    slug: str
    name: str
    group_slug: str


@dataclass
class SupplierPlan:
    slug: str
    name: str
    parent: str | None
    is_sme: bool | None
    company_number: str
    description: str


@dataclass
class ProductPlan:
    slug: str
    name: str
    manufacturer: str
    description: str


@dataclass
class SystemPlan:
    organisation: str
    product: str
    areas: list[str]
    supplier: str | None = None
    hosting: str = ""
    status: str = "live"
    go_live: datetime.date | None = None
    notes: str = ""
    optional: bool = False
    locked: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.organisation, self.product)

    @property
    def primary_area(self) -> str:
        return self.areas[0]


@dataclass
class ContractPlan:
    organisation: str
    reference: str
    supplier: str
    title: str
    annual_value: Decimal
    total_value: Decimal
    start_date: datetime.date
    end_date: datetime.date
    extension_end_date: datetime.date | None
    route: str
    framework: str
    source: str
    systems: list[str] = field(default_factory=list)


@dataclass
class DemoPlan:
    suppliers: list[SupplierPlan]
    products: list[ProductPlan]
    systems: list[SystemPlan]
    contracts: list[ContractPlan]


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_31_march(day: datetime.date) -> datetime.date:
    candidate = datetime.date(day.year, 3, 31)
    return candidate if candidate >= day else datetime.date(day.year + 1, 3, 31)


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _money(value: float, step: int) -> Decimal:
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


class _Planner:
    def __init__(self, *, organisations, areas, as_of, seed):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.organisations = sorted(organisations, key=lambda org: org.gss)
        self.areas = list(areas)
        self.area_position = {area.slug: index for index, area in enumerate(self.areas)}
        self.area_name = {area.slug: area.name for area in self.areas}
        self.area_group = {area.slug: area.group_slug for area in self.areas}
        self.supplier_specs = {spec.name: spec for spec in cat.SUPPLIERS}
        self.products = {slugify(spec.name): spec for spec in cat.PRODUCTS}
        self.candidates: dict[str, list[str]] = defaultdict(list)
        for slug, spec in self.products.items():
            for area in spec.areas:
                self.candidates[area].append(slug)
        self.systems: dict[tuple[str, str], SystemPlan] = {}

    # Suppliers and products -------------------------------------------------------------

    def suppliers(self) -> list[SupplierPlan]:
        plans = []
        for spec in cat.SUPPLIERS:
            number = ""
            if self.rng.random() < cat.COMPANY_NUMBER_SHARE:
                number = f"{cat.COMPANY_NUMBER_PREFIX}{self.rng.randrange(10**6):06d}"
            plans.append(
                SupplierPlan(
                    slug=slugify(spec.name),
                    name=spec.name,
                    parent=slugify(spec.parent) if spec.parent else None,
                    is_sme=spec.sme,
                    company_number=number,
                    description=f"{spec.blurb} {cat.DEMO_MARKER}",
                )
            )
        return plans

    def product_plans(self) -> list[ProductPlan]:
        plans = []
        for slug, spec in self.products.items():
            covers = ", ".join(mid_sentence(self.area_name[area]) for area in spec.areas)
            plans.append(
                ProductPlan(
                    slug=slug,
                    name=spec.name,
                    manufacturer=slugify(spec.maker),
                    description=f"Software for {covers}. {cat.DEMO_MARKER}",
                )
            )
        return plans

    # Systems ----------------------------------------------------------------------------

    def _weight(self, product: str, consolidation: float, makers_used: set[str]) -> float:
        spec = self.products[product]
        weight = spec.weight
        # Boroughs that consolidate favour large vendors, suites and vendors they already
        # use; the others buy best-of-breed, often from smaller companies.
        if self.supplier_specs[spec.maker].size == "large":
            weight *= 1.0 + 3.6 * consolidation
        else:
            weight *= 1.2 - 1.1 * consolidation
        if len(spec.areas) > 1:
            weight *= 0.5 + 1.5 * consolidation
        if spec.maker in makers_used:
            weight *= 1 + 6 * consolidation
        return weight

    def _choose_product(self, gss, area, consolidation, exclude=()) -> str | None:
        used = {product for (org, product) in self.systems if org == gss}
        makers = {self.products[product].maker for product in sorted(used)}
        options = [slug for slug in self.candidates[area] if slug not in used and slug not in exclude]
        if not options:
            return None
        weights = [self._weight(slug, consolidation, makers) for slug in options]
        return self.rng.choices(options, weights=weights)[0]

    def _add_system(self, plan: SystemPlan) -> SystemPlan:
        plan.areas.sort(key=self.area_position.__getitem__)
        self.systems[plan.key] = plan
        return plan

    def base_systems(self, consolidation: dict[str, float]) -> None:
        for org in self.organisations:
            covered: set[str] = set()
            for area in self.areas:
                if area.slug in covered:
                    continue
                shape = cat.AREAS[area.slug]
                # Draw for every area, covered or not, so one borough's choices do not
                # shift every later borough's.
                recorded = self.rng.random() <= shape.coverage
                if not recorded:
                    continue
                product = self._choose_product(org.gss, area.slug, consolidation[org.gss])
                spec = self.products[product]
                areas = [slug for slug in spec.areas if slug not in covered]
                covered.update(areas)
                self._add_system(
                    SystemPlan(
                        organisation=org.gss,
                        product=product,
                        areas=areas,
                        optional=shape.coverage < 1 and len(areas) == 1,
                    )
                )

    def replacements(self, count: int, consolidation: dict[str, float]) -> None:
        pool = sorted(key for key, plan in self.systems.items() if plan.status == "live")
        self.rng.shuffle(pool)
        made = 0
        for key in pool:
            if made == count:
                break
            old = self.systems[key]
            new_product = self._choose_product(old.organisation, old.primary_area, consolidation[old.organisation])
            if new_product is None:
                continue
            new_areas = [area for area in old.areas if area in self.products[new_product].areas]
            old.status = "being_replaced"
            old.locked = True
            new = self._add_system(
                SystemPlan(
                    organisation=old.organisation,
                    product=new_product,
                    areas=new_areas,
                    status="planned",
                    locked=True,
                )
            )
            old.notes = f"Being replaced by {self.products[new.product].name}."
            new.notes = f"Replaces {self.products[old.product].name}."
            made += 1

    def fit_to_target(self, target: int, consolidation: dict[str, float]) -> None:
        """Trim optional systems, or add second systems, until there are `target`."""
        while len(self.systems) > target:
            removable = sorted(key for key, plan in self.systems.items() if plan.optional and not plan.locked)
            if not removable:
                removable = sorted(
                    key for key, plan in self.systems.items() if len(plan.areas) == 1 and not plan.locked
                )
            del self.systems[self.rng.choice(removable)]
        second_areas = [area.slug for area in self.areas if cat.AREAS[area.slug].second_system]
        attempts = 0
        while len(self.systems) < target and attempts < 10 * target:
            attempts += 1
            org = self.rng.choice(self.organisations)
            area = self.rng.choice(second_areas)
            product = self._choose_product(org.gss, area, consolidation[org.gss])
            if product is not None:
                self._add_system(SystemPlan(organisation=org.gss, product=product, areas=[area]))

    def providers_and_hosting(self, consolidation: dict[str, float]) -> None:
        resellers = {slugify(name): weight for name, weight in cat.RESELLER_WEIGHTS.items()}
        preferred = {org.gss: _pick(self.rng, resellers) for org in self.organisations}
        for key in sorted(self.systems):
            plan = self.systems[key]
            spec = self.products[plan.product]
            # Consolidating boroughs also buy more through their usual integrator.
            outsourcing = 0.4 + 1.2 * consolidation[plan.organisation]
            if self.rng.random() < cat.RESOLD_PROBABILITY[spec.resold] * outsourcing:
                reseller = preferred[plan.organisation] if self.rng.random() < 0.8 else _pick(self.rng, resellers)
                if reseller != slugify(spec.maker):
                    plan.supplier = reseller
            style = "saas" if plan.status == "planned" else spec.hosting
            plan.hosting = self.rng.choices(("on_premises", "hosted", "saas"), weights=cat.HOSTING_WEIGHTS[style])[0]

    def provider(self, plan: SystemPlan) -> str:
        return plan.supplier or slugify(self.products[plan.product].maker)

    # Contracts --------------------------------------------------------------------------

    def _snap(self, day: datetime.date, earliest: datetime.date, latest: datetime.date) -> datetime.date:
        """Most contracts end on 31 March or at a month's end."""
        march = next_31_march(day)
        if march <= latest and self.rng.random() < cat.MARCH_END_PROBABILITY:
            return march
        return max(earliest, min(end_of_month(day), latest))

    def _end_date(self, term: int, window) -> datetime.date:
        if window:
            earliest, latest = window
            day = earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))
            return self._snap(day, earliest, latest)
        day = self.as_of + datetime.timedelta(days=self.rng.randrange(15, term * 365))
        return self._snap(day, day, datetime.date.max)

    def _annual_value(self, systems: list[SystemPlan], factor: float) -> Decimal:
        total = 0.0
        for plan in systems:
            low = sum(cat.AREAS[area].annual_k[0] for area in plan.areas)
            high = sum(cat.AREAS[area].annual_k[1] for area in plan.areas)
            discount = cat.SUITE_DISCOUNT if len(plan.areas) > 1 else 1
            total += self.rng.uniform(low, high) * discount * 1000
        return max(_money(total * factor, 500), Decimal(1000))

    def _title(self, systems: list[SystemPlan], supplier_name: str, route: str) -> str:
        if len(systems) > 1:
            title = f"Managed services from {supplier_name}: {len(systems)} systems"
        else:
            plan = systems[0]
            covers = ", ".join(mid_sentence(self.area_name[area]) for area in plan.areas)
            title = f"{self.products[plan.product].name} for {covers}"
        return f"{title} (extension)" if route == "extension" else title

    def contract(self, gss, number, systems, window, factor) -> ContractPlan:
        lead = systems[0]
        shape = cat.AREAS[lead.primary_area]
        route = _pick(self.rng, cat.ROUTE_WEIGHTS)
        term = self.rng.choice((1, 2)) if route == "extension" else self.rng.choice(shape.terms)
        if lead.status == "planned":
            start = add_months(self.as_of, -self.rng.randrange(0, 6)).replace(day=1)
            end = add_months(start, 12 * term) - datetime.timedelta(days=1)
        else:
            if lead.status == "being_replaced":
                window = (add_months(self.as_of, 1), end_of_month(add_months(self.as_of, 14)))
            end = self._end_date(term, window)
            # Rounding the end up to 31 March can leave a short contract starting in the
            # future; a system that is running must have a contract that has started.
            while (start := add_months(end, -12 * term) + datetime.timedelta(days=1)) > self.as_of:
                term += 1
        extension = None
        if route != "extension" and self.rng.random() < cat.EXTENSION_PROBABILITY:
            extension = end_of_month(add_months(end, 12 * self.rng.choice((1, 2))))
        framework = ""
        if route == "framework":
            group = self.area_group[lead.primary_area]
            framework = self.rng.choice(cat.FRAMEWORKS.get(group, cat.FRAMEWORKS["default"]))
        annual = self._annual_value(systems, factor)
        years = ((end - start).days + 1) / 365.25
        supplier = self.provider(lead)
        return ContractPlan(
            organisation=gss,
            reference=f"{cat.REFERENCE_PREFIX}{gss}-{number:03d}",
            supplier=supplier,
            title=self._title(systems, self.supplier_name[supplier], route),
            annual_value=annual,
            total_value=_money(float(annual) * years, 100),
            start_date=start,
            end_date=end,
            extension_end_date=extension,
            route=route,
            framework=framework,
            source=_pick(self.rng, cat.SOURCE_WEIGHTS),
            systems=[plan.product for plan in systems],
        )

    def _go_live(self, plan: SystemPlan, start: datetime.date | None) -> datetime.date | None:
        if plan.status == "planned":
            day = add_months(self.as_of, self.rng.randrange(2, 13)).replace(day=1)
            return max(day, start) if start else day
        if self.rng.random() < 0.05:
            return None
        if start is None:
            return add_months(self.as_of, -12 * self.rng.randrange(1, 11)).replace(day=1)
        years = self.rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6, 8, 10))
        if years == 0:
            day = add_months(start, self.rng.randrange(1, 5)).replace(day=1)
            return day if day <= self.as_of else start
        return add_months(start, -12 * years)

    def contracts(self, population: dict[str, int | None]) -> list[ContractPlan]:
        by_org: dict[str, list[SystemPlan]] = defaultdict(list)
        for key in sorted(self.systems, key=lambda key: (key[0], self.area_position[self.systems[key].primary_area], key[1])):
            by_org[key[0]].append(self.systems[key])

        windows: dict[tuple[str, str], tuple[datetime.date, datetime.date]] = {}
        for cohort in cat.COHORTS:
            earliest = add_months(self.as_of, cohort.months_ahead).replace(day=1)
            latest = end_of_month(add_months(earliest, cohort.window_months - 1))
            eligible = sorted(
                plan.key
                for plans in by_org.values()
                for plan in plans
                if cohort.area in plan.areas and plan.status == "live" and plan.key not in windows
            )
            for key in self.rng.sample(eligible, min(cohort.boroughs, len(eligible))):
                windows[key] = (earliest, latest)

        contracts = []
        for org in self.organisations:
            factor = max(
                ((population.get(org.gss) or cat.REFERENCE_POPULATION) / cat.REFERENCE_POPULATION)
                ** cat.POPULATION_EXPONENT,
                cat.POPULATION_FACTOR_FLOOR,
            )
            groups: list[list[SystemPlan]] = []
            bundles: dict[str, list[SystemPlan]] = defaultdict(list)
            for plan in by_org[org.gss]:
                if plan.status == "live" and plan.key not in windows:
                    if self.rng.random() < cat.UNCONTRACTED_SHARE:
                        plan.go_live = self._go_live(plan, None)
                        continue
                    if self.supplier_specs[self.supplier_name[self.provider(plan)]].bundles:
                        bundles[self.provider(plan)].append(plan)
                        continue
                groups.append([plan])
            for supplier in sorted(bundles):
                plans = bundles[supplier]
                if len(plans) > 1 and self.rng.random() < cat.BUNDLE_PROBABILITY:
                    groups.append(plans)
                else:
                    groups.extend([plan] for plan in plans)
            groups.sort(key=lambda group: (self.area_position[group[0].primary_area], group[0].product))
            for number, group in enumerate(groups, start=1):
                contract = self.contract(org.gss, number, group, windows.get(group[0].key), factor)
                contracts.append(contract)
                for plan in group:
                    plan.go_live = self._go_live(plan, contract.start_date)
        return contracts

    def run(self) -> DemoPlan:
        suppliers = self.suppliers()
        self.supplier_name = {plan.slug: plan.name for plan in suppliers}
        products = self.product_plans()
        positions = list(range(len(self.organisations)))
        self.rng.shuffle(positions)
        # Evenly spread, then shuffled: some boroughs consolidate on a few large vendors,
        # others run many smaller ones, whatever the seed.
        consolidation = {
            org.gss: (position + 0.5) / len(self.organisations)
            for org, position in zip(self.organisations, positions, strict=True)
        }
        self.base_systems(consolidation)
        target = self.rng.randint(*cat.SYSTEM_TARGET)
        self.replacements(round(target * cat.REPLACEMENT_SHARE), consolidation)
        self.fit_to_target(target, consolidation)
        self.providers_and_hosting(consolidation)
        contracts = self.contracts({org.gss: org.population for org in self.organisations})
        systems = sorted(self.systems.values(), key=lambda plan: plan.key)
        return DemoPlan(suppliers=suppliers, products=products, systems=systems, contracts=contracts)


def plan_demo(
    *, organisations: list[OrganisationInfo], areas: list[AreaInfo], as_of: datetime.date, seed: int
) -> DemoPlan:
    return _Planner(organisations=organisations, areas=areas, as_of=as_of, seed=seed).run()
