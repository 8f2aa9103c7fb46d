"""`citytools generate` (issue 18): the london tier, small enough for a test, is a whole map in
proportion: its counts, its keys, one history row per record, records the public may not see,
the same rows for the same seed, and no generating over a map that is not empty."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.core.errors import DomainError
from citytools.demo.scale import REASON, TIERS, generate
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.directory.services import add_local_authorities
from citytools.inventory.models import Product, System
from citytools.inventory.services import load_service_areas
from citytools.satisfaction.models import PainPoint, PainPointShare, Rating

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 1)
LONDON = [f"E090000{number:02d}" for number in range(1, 34)]
RECORDS = (System, Contract, Rating, PainPoint)
LINKS = ((System, "service_areas"), (Contract, "systems"))


@pytest.fixture
def london(demo_mode):
    return generate(tier="london", seed=7, as_of=AS_OF)


def test_the_london_tier_has_the_counts_of_its_tier(london):
    tier = TIERS["london"]
    assert (london.systems, london.contracts, london.ratings, london.pain_points) == (800, 750, 650, 20)
    assert System.objects.count() == tier.systems
    assert Contract.objects.count() == tier.contracts
    assert Rating.objects.count() == tier.ratings
    assert PainPoint.objects.count() == tier.pain_points
    assert Supplier.objects.count() == tier.suppliers and Product.objects.count() == tier.products
    members = Organisation.objects.filter(memberships__isnull=False).order_by("identifier")
    assert list(members.values_list("identifier", flat=True)) == LONDON
    assert london.rows > 8_000 and london.rate > 0


def test_the_products_and_suppliers_are_invented(london):
    assert not Supplier.objects.exclude(name__regex=r"^Supplier \d+ Ltd$").exists()
    assert not Product.objects.exclude(name__regex=r"^Product \d+$").exists()


def test_every_key_resolves_and_contracts_cover_their_own_organisations_systems(london):
    connection.check_constraints()  # raises IntegrityError naming a row whose key is broken
    links = Contract.systems.through.objects
    assert links.count() >= Contract.objects.count()
    assert not links.exclude(system__organisation_id=F("contract__organisation_id")).exists()
    assert not Contract.objects.filter(systems__isnull=True).exists()
    assert not System.objects.filter(service_areas__isnull=True).exists()
    assert not System.objects.filter(service_areas__parent__isnull=True).exists()  # areas, never groups
    # Ratings only of systems in use, one each, by the system's own organisation.
    assert not Rating.objects.exclude(system__status__in=System.IN_USE).exists()
    assert not Rating.objects.exclude(organisation_id=F("system__organisation_id")).exists()
    # Pain points about a product the organisation uses, shared by others who use it.
    assert not PainPoint.objects.exclude(
        product__systems__organisation_id=F("organisation_id"), product__systems__status__in=System.IN_USE
    ).exists()
    assert not PainPointShare.objects.exclude(organisation__systems__product_id=F("pain_point__product_id")).exists()


def test_contracts_end_together_across_the_coming_years(london):
    ending = Contract.objects.filter(end_date__gte=AS_OF)
    years = set(ending.values_list("end_date__year", flat=True))
    assert len(years) >= 5
    year_end = datetime.date(AS_OF.year + 1, 3, 31)
    assert Contract.objects.filter(end_date=year_end).count() >= 20


def test_every_record_and_link_has_its_one_created_history_row(london):
    for model in RECORDS:
        history = model.history.filter(id__in=model.objects.values("pk"))
        assert history.count() == model.objects.count(), model
        assert set(history.values_list("id", flat=True)) == set(model.objects.values_list("pk", flat=True))
        assert set(history.values_list("history_type", "history_change_reason")) == {("+", REASON)}
    for model, name in LINKS:
        through = getattr(model, name).through
        link_history = getattr(model.history.model, name).model.objects.filter(history__id__in=model.objects.values("pk"))
        assert link_history.count() == through.objects.count()
        copied = set(link_history.values_list("id", "history__id"))
        assert copied == set(through.objects.values_list("id", f"{model._meta.model_name}_id"))


def test_no_deleted_records_id_is_given_again(demo_mode):
    """A deleted system's history stays; a generated system must not inherit it."""
    generate(tier="london", seed=7, as_of=AS_OF)
    last = System.objects.order_by("pk").last().pk
    Contract.objects.all().delete()
    System.objects.all().delete()
    PainPoint.objects.all().delete()
    Product.entries.all().delete()
    Supplier.entries.all().delete()
    Network.objects.all().delete()
    generate(tier="london", seed=7, as_of=AS_OF)
    assert System.objects.order_by("pk").first().pk > last
    system = System.objects.order_by("pk").first()
    assert list(system.history.values_list("history_type", flat=True)) == ["+"]


def test_confidential_records_exist_and_only_their_organisations_staff_see_them(london):
    public = Viewer.public()
    secret_systems = System.objects.filter(confidential=True)
    secret_contracts = Contract.objects.filter(confidential=True)
    assert 10 <= secret_systems.count() <= 100 and 10 <= secret_contracts.count() <= 100
    assert not System.objects.visible_to(public).filter(confidential=True).exists()
    assert not Contract.objects.visible_to(public).filter(confidential=True).exists()
    assert System.objects.visible_to(public).count() == System.objects.filter(confidential=False).count()

    system = secret_systems.first()
    staff = Viewer(Grants(staff_organisations=frozenset({system.organisation_id})))
    assert System.objects.visible_to(staff).filter(pk=system.pk).exists()
    # The public sees no contract values in a network that keeps them for members (the default).
    assert london.networks == 1 and Network.objects.get().visibility == {}
    assert not public.can_see("values", system.organisation_id)


TABLES = [
    Network, NetworkMembership, Supplier, Product, System, System.service_areas.through, Contract,
    Contract.systems.through, Rating, PainPoint, PainPointShare,
    *(model.history.model for model in (Network, *RECORDS)),
    *(getattr(model.history.model, name).model for model, name in LINKS),
]


def dump() -> dict:
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in TABLES}


def built(seed: int) -> dict:
    """The tier with `seed`, as rows, then taken back. PostgreSQL's sequences are not rolled
    back (nor were they after earlier tests), so each build first sets them to what the
    tables hold: every build starts from the same database."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), TABLES):
            cursor.execute(statement)
    with transaction.atomic():
        generate(tier="london", seed=seed, as_of=AS_OF)
        rows = dump()
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(demo_mode):
    # The reference data first, so that both builds find the same organisations' ids.
    add_local_authorities(LONDON)
    load_service_areas()
    first = built(7)
    assert first == built(7)
    other = built(8)
    assert other["inventory.System"] != first["inventory.System"]
    assert len(other["inventory.System"]) == len(first["inventory.System"])


def test_it_refuses_a_map_that_is_not_empty(london):
    with pytest.raises(DomainError, match="already holds") as refused:
        generate(tier="london", seed=7, as_of=AS_OF)
    assert refused.value.code == "not_empty"
    assert System.objects.count() == 800
    with pytest.raises(CommandError, match="empty map only"):
        call_command("generate", "--tier", "london", "--no-progress")


def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="CITYTOOLS_DEMO_MODE"):
        call_command("generate", "--tier", "london", "--no-progress")
    assert not System.objects.exists()


def test_the_command_prints_what_it_made_and_the_rate(demo_mode):
    output = io.StringIO()
    call_command("generate", "--tier", "london", "--seed", "3", "--as-of", "2026-06-01", "--no-progress", stdout=output)
    text = output.getvalue()
    assert "Tier london as of 01 June 2026 (seed 3): 33 organisations in 1 network," in text
    assert "800 systems, 750 contracts, 650 ratings, 20 pain points" in text
    assert "rows/s" in text
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("generate", "--tier", "galactic", "--no-progress")


@pytest.mark.parametrize(
    "url", ["/", "/contracts/timeline/", "/opportunities/", "/matrix/", "/satisfaction/", "/organisations/"]
)
def test_the_pages_read_what_it_wrote(london, client, url):
    """Rows written past the ORM read back through it: dates, values, visibility settings."""
    response = client.get(url)
    assert response.status_code == 200


def test_a_generated_system_and_its_history_read_back(london, client):
    system = System.objects.filter(confidential=False).order_by("pk").first()
    assert system.go_live is not None and system.provenance == {}
    assert client.get(f"/systems/{system.pk}/").status_code == 200
    assert b"Created" in client.get(f"/systems/{system.pk}/history/").content
    contract = Contract.objects.filter(confidential=False).order_by("pk").first()
    assert contract.total_value == contract.annual_value * ((contract.end_date - contract.start_date).days + 1) // 365
    public = Viewer.public()
    assert list(public.versions(contract).values_list("history_type", flat=True)) == ["+"]
    secret = Contract.objects.filter(confidential=True).order_by("pk").first()
    assert not public.versions(secret).exists()  # a confidential record's history is as hidden as the record
