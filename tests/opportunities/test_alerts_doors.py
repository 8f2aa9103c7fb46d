"""The /alerts/ page and /api/v1/alerts: each saves through the same service, refuses what it
refuses, and shows bad input against its field."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from citytools.opportunities import alerts
from citytools.opportunities.models import Subscription
from tests.opportunities.alerts_world import world  # noqa: F401  (a fixture)

PAGE = "/alerts/"
API = "/api/v1/alerts"


def client_for(world, role) -> Client:
    client = Client()
    if role != "public":
        client.force_login(world.user(role))
    return client


FORM = {"frequency": "daily", "own_contracts": "on", "horizon_days": "365", "peer_areas": ["housing", "waste"]}


# The page ---------------------------------------------------------------------------------------


def test_the_page_saves_and_shows_a_subscription_without_javascript(world):
    client = client_for(world, "member")
    assert reverse("alerts:subscription") == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="frequency"' in content and 'value="housing"' in content and "You get no alerts yet" in content
    assert reverse("alerts:organisation_calendar", args=["own"]) in content
    response = client.post(PAGE, FORM)
    assert response.status_code == 303 and response["Location"] == PAGE
    subscription = alerts.subscription_of(world.user("member"))
    assert (subscription.frequency, subscription.own_contracts, subscription.opportunities) == ("daily", True, False)
    assert sorted(a.slug for a in subscription.peer_areas.all()) == ["housing", "waste"]
    page = client.get(PAGE).content.decode()
    assert "You get alerts daily" in page
    assert 'value="housing" checked' in page and 'value="365"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"horizon_days": "0"}, "Enter at least 1 day."),
        ({"horizon_days": "many"}, "Enter a whole number of days, like 180."),
        ({"frequency": "hourly"}, "Select a valid choice."),
        ({"own_contracts": "", "peer_areas": []}, "Choose at least one kind of alert, or stop your alerts instead."),
    ],
)
def test_bad_input_comes_back_with_its_error(world, change, message):
    response = client_for(world, "member").post(PAGE, {**FORM, **change})
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content and message in content and "Error: Your alerts" in content
    assert not Subscription.objects.exists()


def test_stopping_alerts_on_the_page(world):
    world.subscribe("member")
    client = client_for(world, "member")
    assert b"Stop all alerts" in client.get(PAGE).content
    response = client.post(PAGE, {"stop": ""})
    assert response.status_code == 303
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("role", ["vendor", "admin"])
def test_people_who_may_not_subscribe_are_refused(world, role):
    client = client_for(world, role)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, FORM).status_code == 403
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(("role", "linked"), [("member", True), ("coordinator", True), ("vendor", False), ("admin", False)])
def test_the_account_page_links_to_alerts_for_who_may_have_them(world, role, linked):
    page = client_for(world, role).get(reverse("accounts:me")).content.decode()
    assert (f'href="{PAGE}"' in page) is linked


def test_the_public_is_sent_to_sign_in(world):
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The API ----------------------------------------------------------------------------------------


def put(client, body):
    return client.put(API, json.dumps(body), content_type="application/json")


def test_the_api_reads_and_writes_the_same_subscription(world):
    client = client_for(world, "member")
    assert client.get(API).json() == {
        "subscribed": False, "frequency": "weekly", "own_contracts": True, "opportunities": True, "peer_areas": [],
        "horizon_days": 180, "last_sent_at": None,
    }
    body = {"frequency": "daily", "own_contracts": False, "peer_areas": ["waste", "housing"], "horizon_days": 90}
    created = put(client, body)
    assert created.status_code == 201
    assert created.json() == {**body, "subscribed": True, "opportunities": True, "peer_areas": ["housing", "waste"], "last_sent_at": None}
    changed = put(client, {"frequency": "weekly"})
    assert changed.status_code == 200
    assert changed.json()["frequency"] == "weekly" and changed.json()["peer_areas"] == []
    assert client.get(API).json()["subscribed"] is True
    assert client.delete(API).status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"frequency": "hourly"}, "Choose daily or weekly."),
        ({"horizon_days": 0}, "How far ahead must be a whole number of days from 1 to 730."),
        ({"peer_areas": ["no-such-area"]}, "There is no service area 'no-such-area'."),
    ],
)
def test_the_api_refuses_bad_input_as_a_problem(world, body, detail):
    response = put(client_for(world, "member"), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("public", 401), ("vendor", 403), ("admin", 403)])
def test_the_api_refuses_who_may_not_subscribe(world, role, status):
    client = client_for(world, role)
    assert client.get(API).status_code == status
    assert put(client, {"frequency": "daily"}).status_code == status
    assert not Subscription.objects.exists()
