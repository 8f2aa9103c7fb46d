"""The pages that add, change, retire and restore systems, with and without JavaScript."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from citytools.inventory import services
from citytools.inventory.models import System
from tests.browser_form import form_data as as_sent
from tests.factories import ContractFactory, SystemFactory
from tests.inventory.test_editing_services import editing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    # A path, so these tests do not depend on the sign-in page's URL name resolving.
    settings.LOGIN_URL = "/accounts/login/"
    return editing_world()


def signed_in(world, role, **kwargs):
    client = Client(**kwargs)
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def form_data(world, **overrides):
    data = {
        "product": "ledger",
        "supplier": "",
        "service_areas": ["lettings"],
        "hosting": "hosted",
        "status": "live",
        "go_live": "2024-05-01",
        "notes": "Chosen after a joint trial",
        "version": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def row(system):
    return System.objects.filter(pk=system.pk).values().get()


# Signing in and permissions --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kwargs",
    [("inventory:system_add", {"slug": "own"}), ("inventory:system_edit", None), ("inventory:system_retire", None)],
)
def test_anonymous_people_are_sent_to_sign_in(world, client, name, kwargs):
    url = reverse(name, kwargs=kwargs or {"pk": world.system.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["member", "peer_member", "other_editor", "coordinator", "vendor"])
def test_people_who_are_not_its_editors_cannot_change_a_system(world, role):
    client = signed_in(world, role)
    before = row(world.system)
    assert client.get(reverse("inventory:system_add", args=["own"])).status_code == 403
    assert client.get(reverse("inventory:system_edit", args=[world.system.pk])).status_code == 403
    assert client.post(reverse("inventory:system_edit", args=[world.system.pk]), form_data(world)).status_code == 403
    assert client.post(reverse("inventory:system_retire", args=[world.system.pk]), {"version": 1}).status_code == 403
    assert client.post(reverse("inventory:system_add", args=["own"]), form_data(world)).status_code == 403
    assert row(world.system) == before and System.objects.count() == 1


def test_a_confidential_system_of_another_organisation_is_not_found(world):
    secret = SystemFactory(organisation=world.peer, product=world.casebook, confidential=True, service_areas=[world.repairs])
    client = signed_in(world, "other_editor")
    for name in ("inventory:system", "inventory:system_edit", "inventory:system_retire", "inventory:system_history"):
        assert client.get(reverse(name, args=[secret.pk])).status_code == 404
    # The coordinator of its network sees it but may not change it.
    coordinator = signed_in(world, "coordinator")
    assert coordinator.get(reverse("inventory:system", args=[secret.pk])).status_code == 200
    assert coordinator.get(reverse("inventory:system_edit", args=[secret.pk])).status_code == 403


# Adding and changing without JavaScript ---------------------------------------------------


def test_an_editor_adds_a_system_without_javascript(world):
    client = signed_in(world, "editor")
    page = client.get(reverse("inventory:system_add", args=["own"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'for="id_product"' in html
    assert 'type="date"' in html and 'id="id_service_areas_0"' in html
    response = client.post(reverse("inventory:system_add", args=["own"]), form_data(world))
    system = System.objects.get(product__slug="ledger")
    assert response.status_code == 303 and response["Location"] == reverse("inventory:system", args=[system.pk])
    assert system.organisation == world.own and list(system.service_areas.all()) == [world.lettings]
    assert system.history.get().history_user == world.user("editor")
    assert "Ledger added." in client.get(response["Location"]).content.decode()


def test_errors_are_summarised_with_links_to_their_fields(world):
    client = signed_in(world, "editor")
    response = client.post(reverse("inventory:system_add", args=["own"]), form_data(world, product="", service_areas=[]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "<title>Error: " in html
    assert 'href="#id_product"' in html and 'href="#id_service_areas_0"' in html
    assert "Select at least one service area." in html
    # What the person typed is still there.
    assert "Chosen after a joint trial" in html
    assert System.objects.count() == 1


def test_the_edit_form_carries_the_version_and_saves_a_change(world):
    client = signed_in(world, "editor")
    html = client.get(reverse("inventory:system_edit", args=[world.system.pk])).content.decode()
    assert 'type="hidden" name="version" value="1"' in html
    assert 'value="repairs" checked' in html and 'value="lettings" checked' not in html
    response = client.post(
        reverse("inventory:system_edit", args=[world.system.pk]),
        form_data(world, product="casebook", service_areas=["repairs", "lettings"]),
    )
    assert response.status_code == 303
    system = System.objects.get(pk=world.system.pk)
    assert system.version == 2 and system.hosting == "hosted"
    assert set(system.service_areas.values_list("slug", flat=True)) == {"repairs", "lettings"}


def test_a_stale_form_is_refused_keeping_the_input_and_offering_the_current_version(world):
    client = signed_in(world, "editor")
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=world.user("admin"))
    before = row(world.system)
    url = reverse("inventory:system_edit", args=[world.system.pk])
    response = client.post(url, form_data(world, notes="My careful notes"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this record" in html and "since you opened it" in html
    assert "Nothing was saved" in html and f'href="{url}"' in html
    assert "My careful notes" in html
    assert row(world.system) == before


def test_the_form_refuses_a_post_without_a_csrf_token(world):
    client = signed_in(world, "editor", enforce_csrf_checks=True)
    before = row(world.system)
    response = client.post(reverse("inventory:system_edit", args=[world.system.pk]), form_data(world))
    assert response.status_code == 403
    assert client.post(reverse("inventory:system_add", args=["own"]), form_data(world)).status_code == 403
    assert row(world.system) == before and System.objects.count() == 1


# With HTMX --------------------------------------------------------------------------------


def test_with_htmx_errors_replace_only_the_form(world):
    client = signed_in(world, "editor")
    html = client.get(reverse("inventory:system_add", args=["own"])).content.decode()
    assert 'hx-post="/organisations/own/systems/add/"' in html and 'hx-swap="outerHTML"' in html
    assert "<script>" not in html.split("</main>")[0]
    response = client.post(
        reverse("inventory:system_add", args=["own"]), form_data(world, service_areas=[]), HTTP_HX_REQUEST="true"
    )
    partial = response.content.decode()
    assert response.status_code == 200
    assert partial.lstrip().startswith("<form") and "<html" not in partial
    assert "govuk-error-summary" in partial and "Select at least one service area." in partial


def test_with_htmx_a_saved_form_sends_the_browser_to_the_system(world):
    client = signed_in(world, "editor")
    response = client.post(
        reverse("inventory:system_edit", args=[world.system.pk]), form_data(world), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("inventory:system", args=[world.system.pk])


# Retiring, history, restoring -------------------------------------------------------------


def test_retiring_asks_first_then_keeps_the_history(world):
    client = signed_in(world, "editor")
    url = reverse("inventory:system_retire", args=[world.system.pk])
    confirm = client.get(url).content.decode()
    assert "Retire this system" in confirm and 'name="version" value="1"' in confirm
    response = client.post(url, {"version": 1})
    assert response.status_code == 303 and response["Location"] == world.own.get_absolute_url()
    assert System.objects.get(pk=world.system.pk).retired_at is not None
    assert client.get(reverse("inventory:system", args=[world.system.pk])).status_code == 404
    # Its editors can still read the history, to restore it; the public cannot.
    history_url = reverse("inventory:system_history", args=[world.system.pk])
    assert "Retired" in client.get(history_url).content.decode()
    assert Client().get(history_url).status_code == 404


def test_a_stale_retire_is_refused(world):
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=world.user("editor"))
    response = signed_in(world, "editor").post(reverse("inventory:system_retire", args=[world.system.pk]), {"version": 1})
    assert response.status_code == 409 and "Someone else changed this record" in response.content.decode()
    assert System.objects.get(pk=world.system.pk).retired_at is None


def test_history_shows_who_changed_what_within_what_the_viewer_may_see(world):
    services.update_system(
        world.system, version=1, changes={"service_areas": ["repairs", "lettings"], "notes": "Secret plans"},
        actor=world.user("editor"),
    )
    url = reverse("inventory:system_history", args=[world.system.pk])
    editor_page = signed_in(world, "editor").get(url).content.decode()
    assert "Version 2: Changed" in editor_page and "Editor" in editor_page
    assert "Lettings, Repairs" in editor_page and "Secret plans" in editor_page
    public_page = Client().get(url).content.decode()
    assert "Lettings, Repairs" in public_page
    assert "Secret plans" not in public_page and "Renewal talks" not in public_page
    # Names of the people behind changes stay with the organisation and its coordinators.
    assert "Editor" not in public_page.replace("An editor", "")
    assert "Restore" not in public_page


def test_a_coordinator_restores_an_earlier_version_after_confirming(world):
    services.update_system(world.system, version=1, changes={"product": "ledger"}, actor=world.user("editor"))
    first = world.system.history.get(version=1)
    client = signed_in(world, "coordinator")
    history_page = client.get(reverse("inventory:system_history", args=[world.system.pk])).content.decode()
    url = reverse("inventory:system_restore", args=[world.system.pk, first.history_id])
    assert f'href="{url}"' in history_page
    confirm = client.get(url).content.decode()
    assert "Restore version 1" in confirm and 'name="version" value="2"' in confirm
    response = client.post(url, {"version": 2})
    assert response.status_code == 303
    system = System.objects.get(pk=world.system.pk)
    assert system.version == 3 and system.product == world.casebook
    assert "Restored version 1" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role", ["member", "peer_member", "other_coordinator"])
def test_others_may_not_restore(world, role):
    services.update_system(world.system, version=1, changes={"product": "ledger"}, actor=world.user("editor"))
    first = world.system.history.get(version=1)
    response = signed_in(world, role).post(
        reverse("inventory:system_restore", args=[world.system.pk, first.history_id]), {"version": 2}
    )
    assert response.status_code == 403
    assert System.objects.get(pk=world.system.pk).version == 2


def test_a_version_of_another_system_is_not_found(world):
    other = SystemFactory(organisation=world.own)
    url = reverse("inventory:system_restore", args=[world.system.pk, other.history.get().history_id])
    assert signed_in(world, "editor").get(url).status_code == 404


# The system page -------------------------------------------------------------------------


def test_the_system_page_shows_notes_only_to_those_who_may_see_them(world):
    url = reverse("inventory:system", args=[world.system.pk])
    public = Client().get(url).content.decode()
    assert "Casebook" in public and "Renewal talks" not in public and "Change this system" not in public
    member = signed_in(world, "peer_member").get(url).content.decode()
    assert "Renewal talks in spring" in member and "Change this system" not in member
    editor = signed_in(world, "editor").get(url).content.decode()
    assert "Change this system" in editor and "Retire this system" in editor


def test_a_planned_system_is_planned_to_go_live_not_live_since(world):
    """Issue 13, item 19: "Live since 1 August 2027" on a planned system."""

    url = reverse("inventory:system", args=[world.system.pk])
    System.objects.filter(pk=world.system.pk).update(status="planned", go_live=datetime.date(2099, 8, 1))
    page = Client().get(url).content.decode()
    assert "Planned to go live on" in page and "1 August 2099" in page and "Live since" not in page
    organisation = Client().get(world.own.get_absolute_url()).content.decode()
    assert "Planned for Aug 2099" in organisation
    System.objects.filter(pk=world.system.pk).update(status="live", go_live=datetime.date(2020, 4, 1))
    assert "Live since" in Client().get(url).content.decode()
    System.objects.filter(pk=world.system.pk).update(status="live", go_live=datetime.date(2099, 8, 1))
    assert "Goes live on" in Client().get(url).content.decode()
    # The edit form asks for the go-live date, which may be ahead, rather than "Live since".
    form = signed_in(world, "editor").get(reverse("inventory:system_edit", args=[world.system.pk])).content.decode()
    assert "Go-live date" in form and "Live since" not in form


def test_pages_use_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        services.update_system(
            world.system, version=n + 1, changes={"notes": f"note {n}", "service_areas": ["repairs", "lettings"][: n % 2 + 1]},
            actor=world.user("editor"),
        )
    client = signed_in(world, "editor")
    for name in ("inventory:system", "inventory:system_history", "inventory:system_edit"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name, args=[world.system.pk])).status_code == 200


def test_the_organisation_page_offers_editors_the_ways_to_edit(world):
    url = world.own.get_absolute_url()
    editor = signed_in(world, "editor").get(url).content.decode()
    assert reverse("inventory:system_add", args=["own"]) in editor
    assert reverse("contracts:contract_add", args=["own"]) in editor
    assert reverse("inventory:system", args=[world.system.pk]) in editor
    for role in ("public", "member", "other_editor"):
        assert reverse("inventory:system_add", args=["own"]) not in signed_in(world, role).get(url).content.decode()


def test_the_system_page_lists_only_contracts_and_values_the_viewer_may_see(world):
    ContractFactory(organisation=world.own, title="Open support", annual_value=Decimal("123456"), systems=[world.system])
    ContractFactory(organisation=world.own, title="Quiet deal", confidential=True, systems=[world.system])
    url = reverse("inventory:system", args=[world.system.pk])
    public = Client().get(url).content.decode()
    assert "Open support" in public and "Quiet deal" not in public and "123,456" not in public
    member = signed_in(world, "member").get(url).content.decode()
    assert "Quiet deal" in member and "123,456" in member


# Saving a form unchanged (issue 13, items 1 and 2) -----------------------------------------


def test_saving_the_edit_form_unchanged_keeps_its_dates_and_writes_nothing(world):
    system = services.update_system(
        world.system, version=1, changes={"go_live": datetime.date(2025, 4, 1), "supplier": "reseller"}, actor=world.user("editor")
    )
    client = signed_in(world, "editor")
    url = reverse("inventory:system_edit", args=[system.pk])
    before, history = row(system), system.history.count()
    sent = as_sent(client.get(url).content.decode())
    assert sent["go_live"] == "2025-04-01"
    assert client.post(url, sent).status_code == 303
    assert row(system) == before and system.history.count() == history

    changed = {**as_sent(client.get(url).content.decode()), "hosting": "on_premises"}
    assert client.post(url, changed).status_code == 303
    after = row(system)
    assert after["version"] == before["version"] + 1 and system.history.count() == history + 1
    assert {k for k in after if after[k] != before[k]} == {"hosting", "version", "updated_at"}
    assert after["go_live"] == datetime.date(2025, 4, 1)
