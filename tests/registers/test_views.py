"""The registers' pages and API: the facts are public, with their source and licence; only a
platform admin may load a register (the page's form and POST /api/v1/registers/{name}/load)."""

import pytest
from django.test import Client
from django.urls import reverse

from citytools.inventory.models import System
from citytools.registers.services import load_register


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_list_of_registers_is_public(db):
    page = client_for().get(reverse("registers:index")).content.decode()
    assert "Library management systems" in page and 'href="/registers/libraries/"' in page
    assert "Libraree" in page and "MIT" in page


def test_a_registers_page_shows_its_facts_source_and_licence(people):
    page = client_for().get(reverse("registers:register", args=["libraries"])).content.decode()
    assert "Copyright (c) 2023 Libraree" in page and "https://github.com/Libraree/uk-libraries-search" in page
    assert "The register’s 208 library services" in page
    assert "https://onfife.spydus.co.uk/" in page and "Not stated in the register" in page
    assert "0 of 208 services" in page
    assert "Load the register" not in page  # the form is an admin's


def test_after_a_load_the_page_says_which_services_are_on_the_map(people):
    load_register("libraries", actor=people.admin)
    page = client_for().get(reverse("registers:register", args=["libraries"])).content.decode()
    assert "206 of 208 services" in page
    assert "No: the maker is not known" in page


def test_an_admin_loads_the_register_from_the_page(people):
    admin = client_for(people.admin)
    assert "Load the register" in admin.get(reverse("registers:register", args=["libraries"])).content.decode()

    response = admin.post(reverse("registers:load", args=["libraries"]), {"dry_run": "on"})
    assert response.status_code == 303 and response["Location"] == "/registers/libraries/"
    assert not System.objects.exists()
    followed = admin.get(response["Location"]).content.decode()
    assert "Dry run, nothing was changed." in followed and "would be created" in followed

    response = admin.post(reverse("registers:load", args=["libraries"]), {})
    assert response.status_code == 303
    assert System.objects.filter(provenance__source="register:libraries").count() > 200


def test_a_system_from_the_register_shows_its_attribution_and_licence(people):
    load_register("libraries", actor=people.admin)
    system = System.objects.get(organisation__identifier="E09000007")
    page = client_for().get(reverse("inventory:system", args=[system.pk])).content.decode()
    assert "Public register: library catalogues, June 2024" in page
    assert "Copyright (c) 2023 Libraree" in page and "https://camden.spydus.co.uk/" in page


@pytest.mark.parametrize("who", ["coordinator", None])
def test_nobody_else_may_load_it(people, who):
    client = client_for(getattr(people, who) if who else None)
    response = client.post(reverse("registers:load", args=["libraries"]), {})
    assert response.status_code == (403 if who else 302)
    assert not System.objects.exists()


def test_an_unknown_register_is_not_found(db):
    assert client_for().get(reverse("registers:register", args=["books"])).status_code == 404


# The API ---------------------------------------------------------------------------------------


def test_the_api_lists_the_registers_and_their_facts(people):
    load_register("libraries", actor=people.admin)
    client = client_for()
    registers = client.get("/api/v1/registers").json()
    assert [r["name"] for r in registers] == ["libraries"] and registers[0]["licence"] == "MIT"

    register = client.get("/api/v1/registers/libraries").json()
    facts = {fact["register_code"]: fact for fact in register["facts"]}
    assert len(facts) == 208
    assert facts["E10000006"]["organisations"] == [
        {"gss_code": "E06000063", "organisation": {"slug": "cumberland", "name": "Cumberland Council"}, "on_the_map": True, "other_products": []},
        {"gss_code": "E06000064", "organisation": {"slug": "westmorland-and-furness", "name": "Westmorland and Furness Council"}, "on_the_map": True, "other_products": []},
    ]
    assert facts["S12000028"]["maker"] is None and facts["S12000028"]["on_the_map"] is False
    system = System.objects.get(organisation__identifier="E09000007")
    provenance = client.get(f"/api/v1/systems/{system.pk}").json()["provenance"]
    assert provenance["licence"] == "MIT" and provenance["source"] == "register:libraries"


def test_an_admin_loads_through_the_api(people):
    client = client_for(people.admin)
    dry = client.post("/api/v1/registers/libraries/load", {"dry_run": True}, content_type="application/json").json()
    assert dry["dry_run"] is True and not System.objects.exists()

    loaded = client.post("/api/v1/registers/libraries/load", {}, content_type="application/json").json()
    assert loaded["systems"] == dry["systems"] > 200
    assert loaded["left_off"] == dry["left_off"] and len(loaded["left_off"]) == 2


def test_the_api_refuses_anyone_but_an_admin(people):
    response = client_for(people.coordinator).post("/api/v1/registers/libraries/load", {}, content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert client_for().post("/api/v1/registers/libraries/load", {}, content_type="application/json").status_code == 401
    assert client_for().get("/api/v1/registers/books").status_code == 404
    assert not System.objects.exists()
