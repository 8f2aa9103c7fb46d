"""A network's page and its visibility settings: the service, the form, the API and the CLI."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from citytools.accounts.services import set_network_visibility
from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Network
from tests.factories import ContractFactory
from tests.people import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = people()
    world.contract = ContractFactory(organisation=world.peer, annual_value=918_273)
    return world


def as_role(world, role, **kwargs) -> Client:
    client = Client(**kwargs)
    if world.user(role):
        client.force_login(world.user(role))
    return client


def visibility(network) -> dict:
    return Network.objects.get(pk=network.pk).visibility


# The service ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_change_the_defaults(world, role):
    set_network_visibility(
        network=world.north, policy={"values": "public", "usage": "public"}, actor=world.user(role), replace=True
    )
    # Only what differs from the defaults is kept.
    assert visibility(world.north) == {"values": "public"}
    assert Viewer.public().can_see("values", world.peer.pk)


@pytest.mark.parametrize("role", ["member", "editor", "vendor", "other_coordinator", "peer_member"])
def test_everyone_else_is_refused(world, role):
    with pytest.raises(Forbidden):
        set_network_visibility(network=world.north, policy={"values": "public"}, actor=world.user(role), replace=False)
    assert visibility(world.north) == {}


def test_unknown_kinds_and_levels_are_refused(world):
    for policy in ({"colour": "public"}, {"values": "everyone"}):
        with pytest.raises(DomainError):
            set_network_visibility(network=world.north, policy=policy, actor=world.user("coordinator"), replace=True)
    assert visibility(world.north) == {}


def test_replacing_resets_what_is_left_out_and_merging_keeps_it(world):
    coordinator = world.user("coordinator")
    set_network_visibility(network=world.north, policy={"values": "public", "comments": "public"}, actor=coordinator, replace=True)
    set_network_visibility(network=world.north, policy={"usage": "members"}, actor=coordinator, replace=False)
    assert visibility(world.north) == {"usage": "members", "values": "public", "comments": "public"}
    set_network_visibility(network=world.north, policy={"comments": None}, actor=coordinator, replace=False)
    assert visibility(world.north) == {"usage": "members", "values": "public"}
    set_network_visibility(network=world.north, policy={"satisfaction": "public"}, actor=coordinator, replace=True)
    assert visibility(world.north) == {"satisfaction": "public"}
    with pytest.raises(DomainError):
        set_network_visibility(network=world.north, policy={"colour": None}, actor=coordinator, replace=False)
    assert visibility(world.north) == {"satisfaction": "public"}


# The pages -----------------------------------------------------------------------------


def test_the_network_page_lists_organisations_and_settings(world):
    world.north.visibility = {"comments": "public"}
    world.north.save()
    page = Client().get("/networks/north/").content.decode()
    assert "Own" in page and "Peer" in page and "Stranger" not in page
    assert "Comments and notes" in page and "Changed by the network" in page
    assert "Change who sees what" not in page
    assert "Change who sees what" in as_role(world, "coordinator").get("/networks/north/").content.decode()
    assert Client().get("/networks/atlantis/").status_code == 404


def test_a_coordinator_changes_the_settings_with_the_form(world):
    client = as_role(world, "coordinator")
    form = client.get("/networks/north/visibility/").content.decode()
    assert 'name="values" type="radio" value="members" checked' in form
    levels = dict.fromkeys(["usage", "end_dates", "values", "satisfaction", "comments", "pain_points"], "members")
    response = client.post("/networks/north/visibility/", {**levels, "values": "public"})
    assert response.status_code == 302 and response["Location"] == "/networks/north/"
    assert visibility(world.north) == {"usage": "members", "end_dates": "members", "values": "public"}
    # End dates are now for members, so the public no longer sees the contract at all.
    assert Client().get(f"/contracts/{world.contract.pk}/").status_code == 404


def test_the_saved_message_names_a_plural_network_with_an_apostrophe_only(world):
    Network.objects.filter(pk=world.north.pk).update(name="London boroughs")
    client = as_role(world, "coordinator")
    levels = dict.fromkeys(["usage", "end_dates", "values", "satisfaction", "comments", "pain_points"], "members")
    page = client.post("/networks/north/visibility/", levels, follow=True).content.decode()
    assert "Saved who may see information about London boroughs’ members." in page
    assert "boroughs's" not in page


def test_the_published_values_reach_the_public(world):
    client = as_role(world, "coordinator")
    levels = {"usage": "public", "end_dates": "public", "values": "public", "satisfaction": "members", "comments": "members", "pain_points": "members"}
    client.post("/networks/north/visibility/", levels)
    assert "918273.00" in Client().get(f"/api/v1/contracts/{world.contract.pk}").content.decode()


def test_a_missing_choice_is_a_form_error(world):
    response = as_role(world, "coordinator").post("/networks/north/visibility/", {"values": "public"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert visibility(world.north) == {}


@pytest.mark.parametrize("role", ["member", "editor", "vendor", "other_coordinator"])
def test_the_form_refuses_other_roles(world, role):
    client = as_role(world, role)
    assert client.get("/networks/north/visibility/").status_code == 403
    assert client.post("/networks/north/visibility/", {"values": "public"}).status_code == 403
    assert visibility(world.north) == {}


def test_the_form_sends_the_public_to_sign_in(world):
    response = Client().get("/networks/north/visibility/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_form_needs_its_csrf_token(world):
    client = as_role(world, "coordinator", enforce_csrf_checks=True)
    assert client.post("/networks/north/visibility/", {"values": "public"}).status_code == 403
    assert visibility(world.north) == {}


# The API -------------------------------------------------------------------------------


def test_api_reads_a_network(world):
    body = Client().get("/api/v1/networks/north").json()
    assert [o["slug"] for o in body["organisations"]] == ["own", "peer"]
    values = next(v for v in body["visibility"] if v["kind"] == "values")
    assert values == {"kind": "values", "label": "Contract values", "level": "members", "is_default": True}
    assert Client().get("/api/v1/networks/atlantis").status_code == 404


def test_api_sets_the_visibility_for_a_coordinator(world):
    client = as_role(world, "coordinator")
    response = client.put("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json")
    assert response.status_code == 200
    assert next(v for v in response.json()["visibility"] if v["kind"] == "values")["level"] == "public"
    assert visibility(world.north) == {"values": "public"}


@pytest.mark.parametrize("role", ["member", "vendor", "other_coordinator"])
def test_api_refuses_other_roles_with_a_problem(world, role):
    response = as_role(world, role).put("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert visibility(world.north) == {}


def test_api_refuses_the_public_and_bad_bodies(world):
    assert Client().put("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json").status_code == 401
    client = as_role(world, "coordinator")
    for body in ({"values": "everyone"}, {"colour": "public"}):
        assert client.put("/api/v1/networks/north/visibility", body, content_type="application/json").status_code == 422
    assert visibility(world.north) == {}


def test_api_needs_the_csrf_token(world):
    client = as_role(world, "coordinator", enforce_csrf_checks=True)
    response = client.put("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json")
    assert response.status_code == 403
    assert visibility(world.north) == {}


# The command line ----------------------------------------------------------------------


def test_the_command_sets_and_prints_the_settings(world):
    out = io.StringIO()
    call_command("set_visibility", "north", "values=public", "comments=public", stdout=out)
    assert visibility(world.north) == {"values": "public", "comments": "public"}
    call_command("set_visibility", "north", "comments=default", stdout=io.StringIO())
    assert visibility(world.north) == {"values": "public"}
    assert "values        public" in out.getvalue()


@pytest.mark.parametrize("args", [["atlantis", "values=public"], ["north", "values"], ["north", "values=everyone"]])
def test_the_command_refuses_bad_input(world, args):
    with pytest.raises(CommandError):
        call_command("set_visibility", *args, stdout=io.StringIO())
    assert visibility(world.north) == {}


# Every door means the same -------------------------------------------------------------

# Each step: the settings before, and one change sent by each door.
STEPS = [
    {"values": "public", "comments": "public"},
    {"usage": "members"},
    {"comments": None, "pain_points": "public"},
    {},
]


def _by_command(world, changes, *, replace):
    settings = [f"{kind}={'default' if level is None else level}" for kind, level in changes.items()]
    call_command("set_visibility", "north", *settings, *(["--replace"] if replace else []), stdout=io.StringIO())


def _by_api(world, changes, *, replace):
    response = as_role(world, "coordinator").generic(
        "PUT" if replace else "PATCH", "/api/v1/networks/north/visibility", json.dumps(changes),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("replace", [False, True], ids=["merge: PATCH and the command", "replace: PUT and --replace"])
def test_the_command_and_the_api_mean_the_same(world, replace):
    """The same changes, one after another, through the command and through the API, leave
    the same settings after every step."""
    start = {"satisfaction": "public"}
    by_door = {}
    for door in (_by_command, _by_api):
        Network.objects.filter(pk=world.north.pk).update(visibility=start)
        after = []
        for changes in STEPS:
            door(world, changes, replace=replace)
            after.append(visibility(world.north))
        by_door[door.__name__] = after
    assert by_door["_by_command"] == by_door["_by_api"]
    if replace:
        assert by_door["_by_api"] == [{"values": "public", "comments": "public"}, {"usage": "members"}, {"pain_points": "public"}, {}]
    else:
        assert by_door["_by_api"][2] == {"usage": "members", "values": "public", "satisfaction": "public", "pain_points": "public"}
        assert by_door["_by_api"][3] == by_door["_by_api"][2]


def test_the_api_patch_is_refused_as_put_is(world):
    assert Client().patch("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json").status_code == 401
    member = as_role(world, "member").patch("/api/v1/networks/north/visibility", {"values": "public"}, content_type="application/json")
    assert member.status_code == 403
    bad = as_role(world, "coordinator").patch("/api/v1/networks/north/visibility", {"colour": "public"}, content_type="application/json")
    assert bad.status_code == 422
    assert visibility(world.north) == {}

