"""What a person exploring the demo relies on: the real London authorities, a market with a
realistic shape, and the same data every time the demo is rebuilt."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db.models import Count

from citytools.contracts.models import Contract
from citytools.demo.catalogue import DEFAULT_SEED, DEMO_MARKER, REFERENCE_PREFIX
from citytools.demo.toronto import APPLICANT_SLUGS
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, System
from tests.demo.conftest import AS_OF, dump, rebuild
from tests.factories import ContractFactory, SupplierFactory

pytestmark = pytest.mark.django_db
YEAR_AHEAD = AS_OF + datetime.timedelta(days=365)


def test_london_network_holds_the_33_real_authorities(demo):
    network = Network.objects.get(slug="london")
    members = Organisation.objects.in_network(network).order_by("identifier")
    assert [org.identifier for org in members] == [f"E090000{number:02d}" for number in range(1, 34)]
    names = dict(members.values_list("identifier", "short_name"))
    assert names["E09000001"] == "City of London"
    assert names["E09000007"] == "Camden"
    assert names["E09000033"] == "Westminster"


def test_counts_are_in_the_intended_ranges(demo):
    # The market's suppliers; the Invitation to Partner's applicants are counted in test_partnering.py.
    assert 55 <= Supplier.objects.exclude(slug__in=APPLICANT_SLUGS).count() <= 70
    assert 120 <= Product.objects.count() <= 150
    systems = System.objects.count()
    assert 780 <= systems <= 820
    assert System.objects.values("organisation").distinct().count() == 33
    uncontracted = System.objects.filter(contracts__isnull=True).count()
    assert uncontracted <= 0.05 * systems
    statuses = Counter(System.objects.values_list("status", flat=True))
    assert statuses["live"] > 0.8 * systems
    assert statuses["being_replaced"] > 0 and statuses["planned"] > 0


def test_every_demo_row_is_marked_as_invented(demo):
    assert all(description.endswith(DEMO_MARKER) for description in Supplier.objects.values_list("description", flat=True))
    assert all(description.endswith(DEMO_MARKER) for description in Product.objects.values_list("description", flat=True))
    assert Supplier.objects.filter(parent__isnull=False).exists()
    assert Supplier.objects.filter(is_sme=True).exists() and Supplier.objects.filter(is_sme=False).exists()


def test_references_are_unique_demo_references_per_organisation(demo):
    rows = list(Contract.objects.values_list("organisation__identifier", "reference"))
    assert len(set(rows)) == len(rows)
    assert all(reference.startswith(f"{REFERENCE_PREFIX}{gss}-") for gss, reference in rows)


def test_a_few_large_suppliers_hold_most_contracts(demo):
    per_supplier = Counter(Contract.objects.values_list("supplier_id", flat=True))
    top_ten = sum(count for _, count in per_supplier.most_common(10))
    assert top_ten / sum(per_supplier.values()) > 0.5


def test_some_boroughs_run_many_more_suppliers_than_others(demo):
    providers = defaultdict(set)
    for system in System.objects.select_related("product"):
        providers[system.organisation_id].add(system.supplier_id or system.product.manufacturer_id)
    counts = sorted(len(suppliers) for suppliers in providers.values())
    assert counts[-1] >= 1.5 * counts[0]


def test_resellers_sit_between_maker_and_borough_on_some_systems(demo):
    systems = list(System.objects.select_related("product"))
    resold = [system for system in systems if system.supplier_id and system.supplier_id != system.product.manufacturer_id]
    assert 0.08 <= len(resold) / len(systems) <= 0.2
    # The contract is with whoever the borough deals with.
    for contract in Contract.objects.prefetch_related("systems__product"):
        systems_covered = list(contract.systems.all())
        if len(systems_covered) == 1:
            assert contract.supplier_id == (systems_covered[0].supplier_id or systems_covered[0].product.manufacturer_id)


def test_suites_and_shared_contracts_appear(demo):
    areas = Counter(System.service_areas.through.objects.values_list("system_id", flat=True))
    assert any(count >= 3 for count in areas.values())
    assert Contract.objects.annotate(covered=Count("systems")).filter(covered__gt=1).exists()


def test_contract_dates_fit_each_systems_status(demo):
    for contract in Contract.objects.prefetch_related("systems"):
        assert contract.end_date >= contract.start_date
        assert contract.extension_end_date is None or contract.extension_end_date >= contract.end_date
        for system in contract.systems.all():
            if system.status == System.Status.LIVE:
                assert contract.start_date <= AS_OF <= contract.end_date
            elif system.status == System.Status.BEING_REPLACED:
                assert AS_OF < contract.end_date <= AS_OF + datetime.timedelta(days=460)
            else:
                assert system.go_live > AS_OF
    live_go_lives = System.objects.filter(status=System.Status.LIVE, go_live__isnull=False)
    assert not live_go_lives.filter(go_live__gt=AS_OF).exists()


def test_end_dates_cluster_on_31_march_and_in_the_coming_year(demo):
    ends = list(Contract.objects.values_list("end_date", flat=True))
    assert sum(1 for end in ends if (end.month, end.day) == (3, 31)) / len(ends) > 0.3
    assert sum(1 for end in ends if AS_OF <= end <= YEAR_AHEAD) / len(ends) >= 0.1


def test_several_areas_have_boroughs_whose_contracts_end_together(demo):
    """A joint-procurement opportunity: three or more boroughs whose contracts in one area
    all end within twelve months of each other."""
    ends = defaultdict(list)
    links = Contract.systems.through.objects.values_list(
        "contract__end_date", "contract__organisation_id", "system__service_areas__slug"
    )
    for end, organisation, area in links:
        ends[area].append((end, organisation))
    clustered = []
    for area, rows in ends.items():
        rows.sort()
        for index, (first_end, _) in enumerate(rows):
            boroughs = {org for end, org in rows[index:] if end <= first_end + datetime.timedelta(days=365)}
            if len(boroughs) >= 3 and first_end >= AS_OF:
                clustered.append(area)
                break
    assert len(clustered) >= 3


def test_annual_values_are_plausible_for_the_area(demo):
    erp = Contract.objects.filter(systems__service_areas__slug="finance-and-erp").distinct()
    areas_per_system = Counter(System.service_areas.through.objects.values_list("system_id", flat=True))
    committee_only = {
        system_id
        for system_id in System.service_areas.through.objects.filter(
            servicearea__slug="committee-management"
        ).values_list("system_id", flat=True)
        if areas_per_system[system_id] == 1
    }
    small_tools = [
        contract
        for contract in Contract.objects.prefetch_related("systems")
        if [system.pk for system in contract.systems.all()] in ([pk] for pk in committee_only)
    ]
    assert all(100_000 <= contract.annual_value <= 2_500_000 for contract in erp)
    assert small_tools
    assert all(2_000 <= contract.annual_value <= 50_000 for contract in small_tools)
    for contract in Contract.objects.all():
        assert contract.total_value >= contract.annual_value or contract.route == Contract.Route.EXTENSION


def test_rebuilding_with_the_same_seed_changes_nothing(demo):
    before = dump()
    summary = rebuild()
    assert (summary.created, summary.updated, summary.deleted) == (0, 0, 0)
    assert dump() == before


def test_every_demo_record_starts_its_history(demo):
    for model in (System, Contract):
        assert model.history.count() == model.objects.count()
        assert set(model.history.values_list("history_type", flat=True)) == {"+"}


def test_a_rebuild_that_changes_records_records_the_change_and_bumps_the_version(demo):
    contract = Contract.objects.filter(reference__startswith="DEMO-").first()
    Contract.objects.filter(pk=contract.pk).update(title="Changed by hand")
    rebuild()
    contract.refresh_from_db()
    assert contract.title != "Changed by hand" and contract.version == 2
    assert contract.history.first().history_type == "~"


def test_a_different_seed_gives_a_different_market(demo):
    before = dump()
    rebuild(seed=DEFAULT_SEED + 1)
    after = dump()
    assert after["inventory.System"] != before["inventory.System"]
    assert after["contracts.Contract"] != before["contracts.Contract"]
    # The reference data does not depend on the seed.
    assert after["directory.Organisation"] == before["directory.Organisation"]
    assert after["inventory.ServiceArea"] == before["inventory.ServiceArea"]


def test_rebuilding_keeps_rows_people_added_and_drops_retired_demo_rows(demo):
    camden = Organisation.objects.get(identifier="E09000007")
    own_supplier = SupplierFactory(description="A real supplier someone recorded.")
    own_contract = ContractFactory(organisation=camden, supplier=own_supplier, reference="")
    retired = SupplierFactory(slug="retired-demo-supplier", description=f"Gone. {DEMO_MARKER}")

    summary = rebuild()

    assert Supplier.objects.filter(pk=own_supplier.pk).exists()
    assert Contract.objects.filter(pk=own_contract.pk).exists()
    assert not Supplier.objects.filter(pk=retired.pk).exists()
    assert summary.deleted == 1
