"""Market share counted by the database (citytools.market.queries) against the algorithm it
replaced: every system and contract link loaded and summed in Python, kept here as the oracle.

Hypothesis draws small maps with the cases that move the figures: resellers, systems in no
area or in two, contracts covering several systems (some confidential, retired or of another
organisation), hidden values, values of no amount, two currencies, and networks whose
settings hide usage or values from the public; and compares both for an admin, the public,
a member and an editor of an organisation in no network.
"""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Case, F, When
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer, values_visible, visible_contracts, visible_systems
from citytools.contracts.models import Contract
from citytools.directory.models import Network, NetworkMembership
from citytools.inventory.models import System
from citytools.market import queries
from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)


# The oracle: the Python algorithm as it stood before the counting moved into SQL ------------


def _oracle_facts(systems, *, by, viewer):
    systems = visible_systems(systems, viewer=viewer)
    facts = {}
    for pk, organisation, p_slug, p_name, m_slug, m_name, s_slug, s_name in systems.order_by().values_list(
        "id", "organisation_id", "product__slug", "product__name", "product__manufacturer__slug",
        "product__manufacturer__name", "supplier__slug", "supplier__name",
    ):
        if by == "product":
            key, name = p_slug, p_name
        elif by == "manufacturer" or not s_slug:
            key, name = m_slug, m_name
        else:
            key, name = s_slug, s_name
        facts[pk] = {"organisation": organisation, "key": key, "name": name,
                     "values": defaultdict(Decimal), "currencies": Counter(), "hidden": set(), "shown": set()}
    contracts = visible_contracts(Contract.objects.all(), viewer=viewer).values("id")
    links = list(
        Contract.systems.through.objects.filter(system_id__in=list(facts), contract_id__in=contracts)
        .annotate(
            value=Case(When(values_visible(viewer, "contract__"), then=F("contract__annual_value"))),
            shown=Case(When(values_visible(viewer, "contract__"), then=True), default=False),
        )
        .values_list("system_id", "contract_id", "value", "shown", "contract__currency")
    )
    covered = Counter(
        Contract.systems.through.objects.filter(
            contract_id__in={c for _, c, _, _, _ in links},
            system_id__in=visible_systems(System.objects.all(), viewer=viewer).values("id"),
        ).values_list("contract_id", flat=True)
    )
    for system, contract, value, shown, currency in links:
        record = facts[system]
        if not shown:
            record["hidden"].add(contract)
        elif value is not None:
            record["shown"].add(contract)
            record["currencies"][currency] += 1
            record["values"][currency] += value / covered[contract]
    return facts


def _oracle_share(facts, *, url_name):
    currencies = Counter()
    for record in facts:
        currencies.update(record["currencies"])
    # The old code took Counter.most_common(1), whose ties went to whichever row the database
    # returned first; the new one breaks them by currency code, and so does the oracle.
    currency = min(currencies.items(), key=lambda item: (-item[1], item[0]))[0] if currencies else "GBP"
    organisations, value, names = defaultdict(set), defaultdict(Decimal), {}
    for record in facts:
        names[record["key"]] = record["name"]
        organisations[record["key"]].add(record["organisation"])
        value[record["key"]] += record["values"].get(currency, Decimal(0))
    everyone = {record["organisation"] for record in facts}
    total = sum(value.values(), Decimal(0))
    rows = [
        queries.Share(
            slug=key, name=names[key], url=reverse(url_name, args=[key]), organisations=len(orgs),
            organisation_share=len(orgs) / len(everyone), annual_value=value[key].quantize(Decimal("0.01")),
            value_share=float(value[key] / total) if total else 0.0,
        )
        for key, orgs in organisations.items()
    ]
    rows.sort(key=lambda row: (-row.organisations, -row.annual_value, row.name))
    return queries.MarketShare(
        rows=rows, organisations=len(everyone), annual_value=total.quantize(Decimal("0.01")), currency=currency,
        values_shown=len(set().union(*(r["shown"] for r in facts))),
        values_hidden=len(set().union(*(r["hidden"] for r in facts))),
    )


def oracle_market_share(systems, *, by, viewer):
    url_name = "inventory:product" if by == "product" else "directory:supplier"
    return _oracle_share(list(_oracle_facts(systems, by=by, viewer=viewer).values()), url_name=url_name)


def oracle_by_service_area(systems, *, by, viewer):
    url_name = "inventory:product" if by == "product" else "directory:supplier"
    facts = _oracle_facts(systems, by=by, viewer=viewer)
    by_area = defaultdict(list)
    for system, area in System.service_areas.through.objects.filter(system_id__in=list(facts)).values_list(
        "system_id", "servicearea_id"
    ):
        by_area[area].append(facts[system])
    return {area: _oracle_share(records, url_name=url_name) for area, records in by_area.items()}


# The maps ----------------------------------------------------------------------------------

AMOUNTS = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2),
    st.sampled_from([Decimal("0.01"), Decimal("0.05"), Decimal("100000"), Decimal("33333.33")]),
)
SYSTEMS = st.lists(
    st.fixed_dictionaries({
        "organisation": st.integers(0, 3),
        "product": st.integers(0, 3),
        "reseller": st.one_of(st.none(), st.integers(0, 2)),
        "areas": st.sets(st.integers(0, 2), max_size=2),
        "confidential": st.booleans(),
        "retired": st.integers(0, 9).map(lambda n: n == 0),
    }),
    min_size=1, max_size=10,
)
CONTRACTS = st.lists(
    st.fixed_dictionaries({
        "organisation": st.integers(0, 3),
        "systems": st.sets(st.integers(0, 9), min_size=1, max_size=4),
        "annual_value": AMOUNTS,
        "currency": st.sampled_from(["GBP", "GBP", "EUR"]),
        "confidential": st.integers(0, 4).map(lambda n: n == 0),
        "retired": st.integers(0, 9).map(lambda n: n == 0),
    }),
    max_size=10,
)
# The first network's members hide usage from the public, the second's values; the fourth
# organisation is in no network.
POLICIES = [{"usage": "members"}, {"values": "members", "end_dates": "public"}]


def _build(systems, contracts):
    networks = [Network.objects.create(slug=f"net-{i}", name=f"Net {i}", visibility=p) for i, p in enumerate(POLICIES)]
    organisations = [OrganisationFactory() for _ in range(4)]
    for index, organisation in enumerate(organisations[:3]):
        NetworkMembership.objects.create(network=networks[index % 2], organisation=organisation)
    makers = [SupplierFactory() for _ in range(2)]
    resellers = [makers[0], *(SupplierFactory() for _ in range(2))]
    products = [ProductFactory(manufacturer=makers[i % 2]) for i in range(4)]
    areas = [ServiceAreaFactory() for _ in range(3)]
    made = []
    for spec in systems:
        made.append(SystemFactory(
            organisation=organisations[spec["organisation"]], product=products[spec["product"]],
            supplier=None if spec["reseller"] is None else resellers[spec["reseller"]],
            service_areas=[areas[i] for i in spec["areas"]], confidential=spec["confidential"],
            retired_at=timezone.now() if spec["retired"] else None,
        ))
    for spec in contracts:
        covered = [made[i] for i in spec["systems"] if i < len(made)]
        if not covered:
            continue
        ContractFactory(
            organisation=organisations[spec["organisation"]], supplier=makers[0], systems=covered,
            annual_value=spec["annual_value"], currency=spec["currency"], confidential=spec["confidential"],
            retired_at=timezone.now() if spec["retired"] else None,
        )
    return organisations


def _viewers(organisations):
    from tests.factories import RoleFactory

    return [
        Viewer(Grants(is_admin=True)),
        Viewer.public(),
        Viewer.for_user(RoleFactory(kind="member", organisation=organisations[0]).user),
        Viewer.for_user(RoleFactory(kind="editor", organisation=organisations[3]).user),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(systems=SYSTEMS, contracts=CONTRACTS, by=st.sampled_from(queries.SHARE_DIMENSIONS))
def test_market_share_in_sql_equals_the_python_recount(db, systems, contracts, by):
    with transaction.atomic():
        organisations = _build(systems, contracts)
        some = System.objects.filter(organisation__in=organisations[:2])
        for viewer in _viewers(organisations):
            for chosen in (System.objects.all(), some):
                assert queries.market_share(chosen, by=by, viewer=viewer) == oracle_market_share(
                    chosen, by=by, viewer=viewer
                )
            assert queries.market_share_by_service_area(
                System.objects.all(), by=by, viewer=viewer
            ) == oracle_by_service_area(System.objects.all(), by=by, viewer=viewer)
        transaction.set_rollback(True)
