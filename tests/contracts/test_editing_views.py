"""The pages that add, change, retire and restore contracts, and a contract's history."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from citytools.contracts import services
from citytools.contracts.models import Contract
from tests.browser_form import form_data as as_sent
from tests.contracts.test_editing_services import END, contract_world
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.LOGIN_URL = "/accounts/login/"
    return contract_world()


def signed_in(world, role, **kwargs):
    client = Client(**kwargs)
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def form_data(world, **overrides):
    data = {
        "title": "Ledger hosting",
        "supplier": "reseller",
        "systems": [str(world.system.pk)],
        "start_date": "2025-04-01",
        "end_date": "2027-03-31",
        "extension_end_date": "",
        "annual_value": "45,000",
        "total_value": "90000.50",
        "currency": "eur",
        "route": "framework",
        "framework": "Civic Cloud Framework",
        "source": "organisation",
        "reference": "OWN-002",
        "source_url": "",
        "version": "1",
    }
    data.update(overrides)
    return data


def row(contract):
    return Contract.objects.filter(pk=contract.pk).values().get()


def test_an_editor_adds_a_contract_without_javascript(world):
    client = signed_in(world, "editor")
    page = client.get(reverse("contracts:contract_add", args=["own"])).content.decode()
    assert 'for="id_title"' in page and 'name="currency"' in page and 'value="GBP"' in page
    assert 'id="id_systems_0"' in page and "Casebook" in page
    response = client.post(reverse("contracts:contract_add", args=["own"]), form_data(world))
    contract = Contract.objects.get(reference="OWN-002")
    assert response.status_code == 303 and response["Location"] == contract.get_absolute_url()
    assert contract.annual_value == Decimal("45000.00") and contract.total_value == Decimal("90000.50")
    assert contract.currency == "EUR" and list(contract.systems.all()) == [world.system]
    assert "Ledger hosting added." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"end_date": "2025-03-31"}, "end_date", "The end date must be the same as or after the start date."),
        ({"extension_end_date": "2027-01-01"}, "extension_end_date", "every extension must be the same as or after"),
        ({"annual_value": "-5"}, "annual_value", "Annual value cannot be negative."),
        ({"currency": "ABC"}, "currency", "ABC is not an ISO 4217 currency code"),
        ({"title": ""}, "title", "Enter the contract’s title."),
        ({"start_date": "2025-02-30"}, "start_date", "must be a real date"),
        # Issue 14, item 4: the one range of dates (citytools.core.dates).
        ({"end_date": "9999-12-31"}, "end_date", "must be between 1 January 1900 and 31 December 2200"),
        ({"start_date": "1899-12-31"}, "start_date", "must be between 1 January 1900 and 31 December 2200"),
        ({"extension_end_date": "2201-01-01"}, "extension_end_date", "must be between 1 January 1900"),
        ({"reference": "OWN-001"}, "reference", "already has this reference"),
    ],
)
def test_rules_show_against_their_field(world, overrides, field, message):
    client = signed_in(world, "editor")
    response = client.post(reverse("contracts:contract_add", args=["own"]), form_data(world, **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_{field}"' in html and message in html
    assert f'id="id_{field}-error"' in html
    assert Contract.objects.count() == 1


def test_a_contract_edit_saves_and_a_stale_one_is_refused(world):
    client = signed_in(world, "editor")
    url = reverse("contracts:contract_edit", args=[world.contract.pk])
    html = client.get(url).content.decode()
    assert 'name="version" value="1"' in html and "Casebook licence and support" in html
    assert client.post(url, form_data(world, title="Renamed", reference="OWN-001")).status_code == 303
    assert Contract.objects.get(pk=world.contract.pk).version == 2
    before = row(world.contract)
    stale = client.post(url, form_data(world, title="Someone else's idea", reference="OWN-001"))
    assert stale.status_code == 409
    assert "since you opened it" in stale.content.decode() and "Someone else&#x27;s idea" in stale.content.decode()
    assert row(world.contract) == before


def test_with_htmx_contract_errors_replace_only_the_form(world):
    response = signed_in(world, "editor").post(
        reverse("contracts:contract_add", args=["own"]), form_data(world, currency="XXY"), HTTP_HX_REQUEST="true"
    )
    partial = response.content.decode()
    assert response.status_code == 200 and partial.lstrip().startswith('<form method="post"')
    assert 'id="contract-form"' in partial and "XXY is not an ISO 4217 currency code" in partial


@pytest.mark.parametrize("role", ["member", "peer_member", "other_editor", "coordinator", "vendor"])
def test_only_its_editors_change_a_contract(world, role):
    client = signed_in(world, role)
    before = row(world.contract)
    for name in ("contracts:contract_edit", "contracts:contract_retire"):
        assert client.get(reverse(name, args=[world.contract.pk])).status_code == 403
        assert client.post(reverse(name, args=[world.contract.pk]), form_data(world)).status_code == 403
    assert client.post(reverse("contracts:contract_add", args=["own"]), form_data(world)).status_code == 403
    assert row(world.contract) == before and Contract.objects.count() == 1


def test_anonymous_people_are_sent_to_sign_in(world, client):
    response = client.post(reverse("contracts:contract_edit", args=[world.contract.pk]), form_data(world))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_csrf_is_required(world):
    client = signed_in(world, "editor", enforce_csrf_checks=True)
    for url in (
        reverse("contracts:contract_edit", args=[world.contract.pk]),
        reverse("contracts:contract_retire", args=[world.contract.pk]),
        reverse("contracts:contract_add", args=["own"]),
    ):
        assert client.post(url, form_data(world)).status_code == 403
    assert Contract.objects.get(pk=world.contract.pk).version == 1


def test_a_confidential_contract_of_another_organisation_is_not_found(world):
    secret = ContractFactory(organisation=world.peer, confidential=True)
    client = signed_in(world, "other_editor")
    for name in ("contracts:contract_edit", "contracts:contract_retire", "contracts:contract_history"):
        assert client.get(reverse(name, args=[secret.pk])).status_code == 404


def test_retire_and_restore_through_the_pages(world):
    client = signed_in(world, "editor")
    first = world.contract.history.get()
    assert client.post(reverse("contracts:contract_retire", args=[world.contract.pk]), {"version": 1}).status_code == 303
    assert Contract.objects.get(pk=world.contract.pk).retired_at is not None
    restore = reverse("contracts:contract_restore", args=[world.contract.pk, first.history_id])
    assert client.post(restore, {"version": 2}).status_code == 303
    contract = Contract.objects.get(pk=world.contract.pk)
    assert contract.retired_at is None and contract.version == 3


def test_contract_history_hides_values_from_those_who_may_not_see_them(world):
    services.update_contract(
        world.contract, version=1, changes={"annual_value": Decimal("987654"), "end_date": END + datetime.timedelta(days=365)},
        actor=world.user("editor"),
    )
    url = reverse("contracts:contract_history", args=[world.contract.pk])
    for role in ("public", "vendor", "other_editor"):
        html = signed_in(world, role).get(url).content.decode()
        assert "31 March 2029" in html  # end dates are public
        assert "987,654" not in html and "120,000" not in html and "Annual value" not in html
    for role in ("member", "peer_member", "coordinator"):
        html = signed_in(world, role).get(url).content.decode()
        assert "987,654.00" in html and "120,000.00" in html


def test_the_contract_page_offers_its_editors_the_ways_to_edit(world):
    url = world.contract.get_absolute_url()
    editor = signed_in(world, "editor").get(url).content.decode()
    assert reverse("contracts:contract_edit", args=[world.contract.pk]) in editor
    assert reverse("contracts:contract_history", args=[world.contract.pk]) in editor
    member = signed_in(world, "member").get(url).content.decode()
    assert reverse("contracts:contract_edit", args=[world.contract.pk]) not in member


def test_contract_pages_use_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        services.update_contract(
            world.contract, version=n + 1, changes={"annual_value": Decimal(n), "systems": [] if n % 2 else [world.system]},
            actor=world.user("editor"),
        )
    client = signed_in(world, "editor")
    for name in ("contracts:contract_history", "contracts:contract_edit"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name, args=[world.contract.pk])).status_code == 200


def test_saving_the_contract_form_unchanged_keeps_its_dates_and_values_and_writes_nothing(world):
    contract = services.update_contract(
        world.contract, version=1, changes={"extension_end_date": datetime.date(2028, 3, 31), "annual_value": Decimal("42000.50")},
        actor=world.user("editor"),
    )
    client = signed_in(world, "editor")
    url = reverse("contracts:contract_edit", args=[contract.pk])
    before, history = row(contract), contract.history.count()
    sent = as_sent(client.get(url).content.decode())
    assert (sent["start_date"], sent["extension_end_date"]) == (contract.start_date.isoformat(), "2028-03-31")
    response = client.post(url, sent)
    assert response.status_code == 303, response.content.decode()
    assert row(contract) == before and contract.history.count() == history

    assert client.post(url, {**sent, "title": "Casebook licence"}).status_code == 303
    after = row(contract)
    assert {k for k in after if after[k] != before[k]} == {"title", "version", "updated_at"}


@pytest.mark.parametrize("typed", ["£45,000", "45,000", "GBP 45,000", "45 000.00"])
def test_a_value_is_taken_as_people_write_it(world, typed):
    """Issue 13, item 18: "£45,000" was refused by the contract form."""
    client = signed_in(world, "editor")
    response = client.post(reverse("contracts:contract_add", args=["own"]), form_data(world, annual_value=typed, total_value=""))
    assert response.status_code == 303
    assert Contract.objects.get(reference="OWN-002").annual_value == Decimal("45000")
