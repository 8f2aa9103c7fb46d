"""The map's version and remembered reads (citytools.core.versions): the version rises after
every write that commits, whatever wrote it, and never for one that rolled back; a remembered
read (the finder's ranking, the satisfaction report, the overview's headline and
concentration, the pipeline, a supplier's area shares) is never served once the data under it
changed. Committed transactions, so these tests
run with `transaction=True`."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citytools.accounts.viewer import Viewer
from citytools.contracts import services as contracts
from citytools.contracts.models import Contract
from citytools.core import versions
from citytools.core.errors import DomainError
from citytools.core.models import Heartbeat
from citytools.directory.models import Supplier
from citytools.inventory.models import ServiceArea, System
from citytools.market import directory_queries as directory
from citytools.market import queries as market
from citytools.opportunities import queries as opportunities
from citytools.satisfaction import queries as satisfaction
from citytools.satisfaction.models import Rating
from citytools.satisfaction.services import rate_system
from citytools.spreadsheets import services as spreadsheets
from tests.factories import ProductFactory, ServiceAreaFactory, SupplierFactory, SystemFactory
from tests.people import people

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "contracts_contract"."id" FROM "contracts_contract"', False),
        ("  select 1", False),
        ('SAVEPOINT "s1"', False),
        ('UPDATE "contracts_contract" SET "title" = %s', True),
        ('INSERT INTO "inventory_system" ("name") VALUES (%s)', True),
        ('INSERT OR IGNORE INTO "inventory_system_service_areas" VALUES (1, 2)', True),
        ('DELETE FROM "satisfaction_rating" WHERE id = 1', True),
        ("WITH x AS (SELECT 1) UPDATE contracts_contract SET title = 'a'", True),
        ('TRUNCATE "contracts_contract"', True),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "core_heartbeat" ("worker", "beat_at") VALUES (%s, %s)', False),
        ('UPDATE "django_tasks_database_dbtaskresult" SET "status" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "core_mapversion" SET "value" = 2', False),
    ],
)
def test_what_counts_as_a_write_to_the_map(sql, writes):
    assert versions.writes_map(sql) is writes


def test_a_write_raises_the_version_when_it_commits_and_a_rollback_does_not():
    supplier = SupplierFactory()
    before = versions.current()
    assert before is not None  # the factory's own write, outside a transaction
    with transaction.atomic():
        supplier.name = "Renamed"
        supplier.save()
        assert versions.current() == before  # not until it commits
    after = versions.current()
    assert after > before
    with pytest.raises(RuntimeError), transaction.atomic():
        supplier.name = "Never"
        supplier.save()
        raise RuntimeError
    assert versions.current() == after


def test_a_write_after_a_rolled_back_savepoint_still_counts():
    supplier = SupplierFactory()
    before = versions.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                supplier.name = "Undone"
                supplier.save()
                raise RuntimeError
        except RuntimeError:
            pass
        supplier.name = "Kept"
        supplier.save()
    assert versions.current() > before


def test_bulk_writes_and_raw_sql_count_and_bookkeeping_does_not():
    supplier = SupplierFactory()
    before = versions.current()
    type(supplier).objects.filter(pk=supplier.pk).update(name="Bulk")
    bulk = versions.current()
    assert bulk > before
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_supplier SET name = 'Raw' WHERE id = %s", [supplier.pk])
    raw = versions.current()
    assert raw > bulk
    Heartbeat.objects.create(worker="w", beat_at=timezone.now())
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    assert versions.current() == raw


def test_a_remembered_read_is_served_until_the_map_changes():
    supplier = SupplierFactory(name="Before")
    calls = []

    def name():
        calls.append(1)
        return type(supplier).objects.get(pk=supplier.pk).name

    assert versions.remembered("test-name", supplier.pk, name) == "Before"
    assert versions.remembered("test-name", supplier.pk, name) == "Before"
    assert len(calls) == 1
    type(supplier).objects.filter(pk=supplier.pk).update(name="After")
    assert versions.remembered("test-name", supplier.pk, name) == "After"
    assert len(calls) == 2


def test_a_transaction_with_its_own_writes_reads_afresh_and_keeps_nothing():
    supplier = SupplierFactory(name="Committed")

    def name():
        return type(supplier).objects.get(pk=supplier.pk).name

    assert versions.remembered("test-own", supplier.pk, name) == "Committed"
    with transaction.atomic():
        type(supplier).objects.filter(pk=supplier.pk).update(name="Mine")
        assert versions.remembered("test-own", supplier.pk, name) == "Mine"
        transaction.set_rollback(True)
    assert versions.remembered("test-own", supplier.pk, name) == "Committed"


def test_a_write_the_watch_cannot_see_would_leave_a_read_stale():
    """What the recount below guards against: a write that does not raise the version (here,
    one made with the watch taken off the connection) leaves the remembered answer behind."""
    supplier = SupplierFactory(name="Seen")

    def name():
        return type(supplier).objects.get(pk=supplier.pk).name

    assert versions.remembered("test-unseen", supplier.pk, name) == "Seen"
    watches = [w for w in connection.execute_wrappers if isinstance(w, versions._Watch)]
    assert watches
    for watch in watches:
        connection.execute_wrappers.remove(watch)
    try:
        type(supplier).objects.filter(pk=supplier.pk).update(name="Unseen")
    finally:
        connection.execute_wrappers.extend(watches)
    assert versions.remembered("test-unseen", supplier.pk, name) == "Seen"


def test_the_version_never_goes_back_when_its_row_is_emptied():
    SupplierFactory()
    before = versions.current()
    versions.MapVersion.objects.all().delete()
    SupplierFactory()
    assert versions.current() > before


# The recount: remembered rankings and reports equal a direct recount after random edits,
# imports, retirements, restores and ratings, for people who see different things.


@pytest.fixture
def world():
    cast = people()
    cast.editor = cast.user("editor")
    cast.area = ServiceAreaFactory(slug="waste", name="Waste", procurement_lead_months=3)
    cast.maker = SupplierFactory(slug="civic-forge", name="Civic Forge")
    bins = ProductFactory(slug="bins", name="Bins", manufacturer=cast.maker)
    cast.systems = {
        organisation: SystemFactory(organisation=organisation, product=bins, service_areas=[cast.area])
        for organisation in (cast.own, cast.peer)
    }
    admin = cast.user("admin")
    for number, organisation in enumerate((cast.own, cast.peer, cast.own)):
        contracts.create_contract(
            organisation=organisation, supplier=cast.maker, title=f"Bins {number}", reference=f"B{number}",
            start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2027, 3, 1 + number),
            annual_value=Decimal(50_000 * (number + 1)), systems=[cast.systems[organisation]], actor=admin,
        )
    cast.viewers = [Viewer.public(), Viewer.for_user(cast.user("member")), Viewer.for_user(admin)]
    cast.admin = admin
    return cast


def reads(viewer) -> tuple:
    """Every remembered read, as one person asks for it."""
    where = market.scope(viewer=viewer)
    maker = Supplier.objects.get(slug="civic-forge")
    return (
        opportunities.rank_opportunities(viewer, today=TODAY).opportunities, satisfaction.report(viewer),
        market.headline(where), market.concentration(where.contracts, viewer=viewer), market.pipeline(),
        directory.area_shares(maker, viewer=viewer),
        market.market_share(System.objects.filter(service_areas=world_area()), viewer=viewer),
    )


def world_area():
    return ServiceArea.objects.get(slug="waste")


def fresh_and_remembered(viewer):
    remembered = reads(viewer)
    cache.clear()  # nothing remembered: every read counts afresh
    return reads(viewer), remembered


def edit(world, index, days, value):
    contract = Contract.objects.order_by("pk")[index % Contract.objects.count()]
    if contract.retired_at is None:
        contracts.update_contract(
            contract, version=contract.version, actor=world.admin,
            changes={"end_date": contract.end_date + datetime.timedelta(days=days), "annual_value": Decimal(value)},
        )


def retire(world, index):
    contract = Contract.objects.order_by("pk")[index % Contract.objects.count()]
    if contract.retired_at is None:
        contracts.retire_contract(contract, version=contract.version, actor=world.admin)


def restore(world, index):
    contract = Contract.objects.order_by("pk")[index % Contract.objects.count()]
    first = contract.history.order_by("history_id").first()
    if first.version != contract.version:
        contracts.restore_version(contract, history_id=first.history_id, actor=world.admin)


def import_one(world, index, days):
    end = datetime.date(2027, 1, 1) + datetime.timedelta(days=days)
    text = (
        "reference,title,supplier,systems,annual_value,start_date,end_date\n"
        f"IMP-{index},Imported bins {index},Civic Forge,Bins,\"£75,000\",01/01/2024,{end:%d/%m/%Y}\n"
    )
    upload = spreadsheets.start_import(
        organisation=world.own, kind="contracts", filename="bins.csv", content=text.encode(), actor=world.editor
    )
    spreadsheets.preview_import(upload, actor=world.editor)
    spreadsheets.commit_import(upload, actor=world.editor)


def rate(world, peer, overall):
    organisation = world.peer if peer else world.own
    system = type(world.systems[organisation]).objects.get(pk=world.systems[organisation].pk)
    current = Rating.objects.filter(system=system).first()
    rate_system(
        system, actor=world.admin, viewer=Viewer.for_user(world.admin), overall=overall,
        version=None if current is None else current.version,
    )


OPERATIONS = st.one_of(
    st.tuples(st.just(edit), st.integers(0, 20), st.integers(-200, 200), st.integers(0, 900_000)),
    st.tuples(st.just(retire), st.integers(0, 20)),
    st.tuples(st.just(restore), st.integers(0, 20)),
    st.tuples(st.just(import_one), st.integers(0, 5), st.integers(0, 300)),
    st.tuples(st.just(rate), st.booleans(), st.integers(1, 5)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(OPERATIONS, min_size=1, max_size=4))
def test_remembered_reads_equal_a_recount_after_any_change(world, steps):
    for viewer in world.viewers:  # remembered before the changes
        fresh_and_remembered(viewer)
    for operation, *args in steps:
        # The world carries over from one example to the next, so a step can be refused (an
        # end moved before its start, a retired contract imported again): a refusal writes
        # nothing, and the reads must still agree.
        with contextlib.suppress(DomainError):
            operation(world, *args)
        for viewer in world.viewers:
            fresh, remembered = fresh_and_remembered(viewer)
            assert remembered == fresh, operation.__name__
