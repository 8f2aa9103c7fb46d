"""Writes the demo: reference data, the London network, an invented market, the
Invitations to Partner (citytools.demo.partnering), and members' ratings and shared pain
points (citytools.demo.satisfaction).

`build_demo` is the one service behind `citytools demo`. It loads the shipped reference
data, asks citytools.demo.plan for the invented market and makes the database match it
row by row, keyed on natural keys, so a second run with the same seed and date leaves every
row, primary key and link exactly as it was.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from citytools.contracts.models import Contract
from citytools.core.errors import DomainError
from citytools.demo import catalogue as cat
from citytools.demo.opportunities import build_initiatives
from citytools.demo.partnering import build_partnering
from citytools.demo.plan import AreaInfo, OrganisationInfo, plan_demo
from citytools.demo.satisfaction import build_satisfaction
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.directory.services import load_local_authorities, upsert
from citytools.inventory.models import Product, ServiceArea, System
from citytools.inventory.services import load_service_areas


@dataclass(frozen=True)
class DemoSummary:
    as_of: datetime.date
    seed: int
    organisations: int
    suppliers: int
    products: int
    systems: int
    contracts: int
    ending_within_year: int
    created: int
    updated: int
    deleted: int
    challenges: int = 0  # Invitations to Partner (citytools.demo.partnering)
    ratings: int = 0  # members' ratings of their systems (citytools.demo.satisfaction)
    pain_points: int = 0  # shared pain points with suppliers


def first_of_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _sync_links(through, left: str, right: str, wanted: set[tuple[int, int]], left_ids) -> None:
    """Make the many-to-many rows for `left_ids` exactly `wanted`, touching only the
    differences so the link rows that stay keep their primary keys."""
    current = {
        (row[1], row[2]): row[0]
        for row in through.objects.filter(**{f"{left}__in": left_ids}).values_list("id", left, right)
    }
    stale = [pk for pair, pk in current.items() if pair not in wanted]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    missing = sorted(wanted - current.keys())
    through.objects.bulk_create([through(**{left: a, right: b}) for a, b in missing], batch_size=500)


def _is_demo(description: str) -> bool:
    return description.endswith(cat.DEMO_MARKER)


@transaction.atomic
def build_demo(*, as_of: datetime.date | None = None, seed: int = cat.DEFAULT_SEED, actor=None) -> DemoSummary:
    """Load the reference data and make the demo market match `seed` and `as_of`.

    Refuses unless DEMO_MODE is on, because it replaces invented rows wholesale. Rows a
    person added (suppliers and products without the demo marker, contracts without a
    DEMO- reference) are left alone.
    """
    if not settings.DEMO_MODE:
        raise DomainError(
            "The demo only runs with demo mode on: set CITYTOOLS_DEMO_MODE=1.", code="demo_mode_off"
        )
    as_of = as_of or first_of_month()
    load_local_authorities(actor=actor)
    load_service_areas(actor=actor)

    organisations = list(Organisation.objects.filter(identifier__in=cat.LONDON_GSS_CODES).order_by("identifier"))
    if len(organisations) != len(cat.LONDON_GSS_CODES):
        raise DomainError("The local-authority file lacks some London authorities.")
    org_by_gss = {org.identifier: org for org in organisations}
    leaves = list(ServiceArea.objects.leaves().select_related("parent").order_by("parent__position", "position", "slug"))
    area_by_slug = {area.slug: area for area in leaves}
    missing_areas = sorted(set(cat.AREAS) - area_by_slug.keys())
    if missing_areas:
        raise DomainError(f"The service-area taxonomy lacks: {', '.join(missing_areas)}.")

    plan = plan_demo(
        organisations=[OrganisationInfo(org.identifier, org.short_name, org.population) for org in organisations],
        areas=[AreaInfo(area.slug, area.name, area.parent.slug) for area in leaves if area.slug in cat.AREAS],
        as_of=as_of,
        seed=seed,
    )
    counts = Counter()

    def tally(result):
        counts["created"] += result.created
        counts["updated"] += result.updated

    # The network and its 33 members.
    network_result, networks = upsert(
        Network,
        key="slug",
        desired={cat.NETWORK_SLUG: {"name": cat.NETWORK_NAME, "description": cat.NETWORK_DESCRIPTION}},
        existing=Network.objects.in_bulk([cat.NETWORK_SLUG], field_name="slug"),
    )
    tally(network_result)
    network = networks[cat.NETWORK_SLUG]
    _sync_links(
        NetworkMembership,
        "network_id",
        "organisation_id",
        {(network.pk, org.pk) for org in organisations},
        [network.pk],
    )

    # Suppliers: parents first, so subsidiaries can point at them.
    existing_suppliers = Supplier.objects.in_bulk([s.slug for s in plan.suppliers], field_name="slug")
    suppliers = {}
    for with_parent in (False, True):
        desired = {
            s.slug: {
                "name": s.name,
                "parent_id": suppliers[s.parent].pk if s.parent else None,
                "is_sme": s.is_sme,
                "company_number": s.company_number,
                "description": s.description,
            }
            for s in plan.suppliers
            if bool(s.parent) == with_parent
        }
        result, objects = upsert(Supplier, key="slug", desired=desired, existing=existing_suppliers)
        tally(result)
        suppliers.update(objects)

    result, products = upsert(
        Product,
        key="slug",
        desired={
            p.slug: {"name": p.name, "manufacturer_id": suppliers[p.manufacturer].pk, "description": p.description}
            for p in plan.products
        },
        existing=Product.objects.in_bulk([p.slug for p in plan.products], field_name="slug"),
    )
    tally(result)

    # Systems, keyed on (organisation, product).
    demo_products = [product.pk for product in Product.objects.all() if _is_demo(product.description)]
    existing_systems = {}
    for system in System.objects.filter(organisation__in=organisations, product_id__in=demo_products).order_by("-pk"):
        # Lowest primary key wins if a person added a duplicate.
        existing_systems[(system.organisation_id, system.product_id)] = system
    desired_systems = {
        (org_by_gss[s.organisation].pk, products[s.product].pk): {
            "supplier_id": suppliers[s.supplier].pk if s.supplier else None,
            "hosting": s.hosting,
            "status": s.status,
            "go_live": s.go_live,
            "notes": s.notes,
        }
        for s in plan.systems
    }
    result, systems = upsert(
        System, key=("organisation_id", "product_id"), desired=desired_systems, existing=existing_systems
    )
    tally(result)
    system_writes = result
    _sync_links(
        System.service_areas.through,
        "system_id",
        "servicearea_id",
        {
            (systems[(org_by_gss[s.organisation].pk, products[s.product].pk)].pk, area_by_slug[area].pk)
            for s in plan.systems
            for area in s.areas
        },
        [system.pk for system in systems.values()],
    )

    # Contracts, keyed on (organisation, reference).
    existing_contracts = {
        (contract.organisation_id, contract.reference): contract
        for contract in Contract.objects.filter(reference__startswith=cat.REFERENCE_PREFIX)
    }
    desired_contracts = {
        (org_by_gss[c.organisation].pk, c.reference): {
            "supplier_id": suppliers[c.supplier].pk,
            "title": c.title,
            "total_value": c.total_value,
            "annual_value": c.annual_value,
            "currency": "GBP",
            "start_date": c.start_date,
            "end_date": c.end_date,
            "extension_end_date": c.extension_end_date,
            "route": c.route,
            "framework": c.framework,
            "source": c.source,
            "source_url": "",
        }
        for c in plan.contracts
    }
    result, contracts = upsert(
        Contract, key=("organisation_id", "reference"), desired=desired_contracts, existing=existing_contracts
    )
    tally(result)
    contract_writes = result
    _sync_links(
        Contract.systems.through,
        "contract_id",
        "system_id",
        {
            (
                contracts[(org_by_gss[c.organisation].pk, c.reference)].pk,
                systems[(org_by_gss[c.organisation].pk, products[product].pk)].pk,
            )
            for c in plan.contracts
            for product in c.systems
        },
        [contract.pk for contract in contracts.values()],
    )

    # Every record an editor can open should have a history that starts somewhere: the bulk
    # writes above bypass django-simple-history's signals, so record them here, and bump the
    # version of rows the demo changed so that an edit form opened before stays stale.
    for model, writes in ((System, system_writes), (Contract, contract_writes)):
        if writes.updated_rows:
            model.objects.filter(pk__in=[row.pk for row in writes.updated_rows]).update(version=F("version") + 1)
            for row in writes.updated_rows:
                row.version += 1
        for rows, kind in ((writes.created_rows, "+"), (writes.updated_rows, "~")):
            if rows:
                model.history.bulk_history_create(
                    list(rows), default_user=actor, default_change_reason="Written by citytools demo",
                    default_date=timezone.now(), update=kind == "~",
                )

    # The Invitations to Partner: Toronto's 311 ITP in every state and a London joint ITP.
    partnering = build_partnering(as_of=as_of)
    counts["created"] += partnering.created
    counts["updated"] += partnering.updated

    # Whatever the demo made before and no longer generates goes, dependants first.
    stale_contracts = [c.pk for key, c in existing_contracts.items() if key not in desired_contracts]
    deleted = Contract.objects.filter(pk__in=stale_contracts).delete()[1].get("contracts.Contract", 0)
    stale_systems = [s.pk for key, s in existing_systems.items() if key not in desired_systems]
    deleted += System.objects.filter(pk__in=stale_systems).delete()[1].get("inventory.System", 0)

    # Ratings and pain points of the systems that stay. Pain points protect the suppliers and
    # products they are about, so the stale ones go before those do.
    satisfaction = build_satisfaction(as_of=as_of, seed=seed, actor=actor)
    counts["created"] += satisfaction.created
    deleted += satisfaction.deleted

    # A joint procurement initiative from the best opportunity in the market just built.
    counts["created"] += build_initiatives(as_of=as_of)

    deleted += Product.objects.filter(pk__in=demo_products).exclude(pk__in=[p.pk for p in products.values()]).delete()[1].get(
        "inventory.Product", 0
    )
    stale_suppliers = [
        supplier.pk
        for supplier in Supplier.objects.exclude(pk__in=[s.pk for s in suppliers.values()]).exclude(
            pk__in=partnering.supplier_ids
        )
        if _is_demo(supplier.description)
    ]
    deleted += Supplier.objects.filter(pk__in=stale_suppliers).delete()[1].get("directory.Supplier", 0)

    year_ahead = as_of + datetime.timedelta(days=365)
    return DemoSummary(
        as_of=as_of,
        seed=seed,
        organisations=len(organisations),
        suppliers=len(plan.suppliers),
        products=len(plan.products),
        systems=len(plan.systems),
        contracts=len(plan.contracts),
        ending_within_year=sum(1 for c in plan.contracts if as_of <= c.end_date <= year_ahead),
        created=counts["created"],
        updated=counts["updated"],
        deleted=deleted + partnering.deleted,
        challenges=partnering.challenges,
        ratings=satisfaction.ratings,
        pain_points=satisfaction.pain_points,
    )
