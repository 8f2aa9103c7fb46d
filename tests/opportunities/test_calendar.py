"""Each organisation's private calendar feed (/calendar/<token>.ics) and the page where its
staff see and replace the address."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from citytools.opportunities import alerts
from citytools.opportunities.feeds import feed_ics
from tests.factories import ContractFactory, SystemFactory
from tests.opportunities.alerts_world import CONFIDENTIAL, days, world  # noqa: F401  (a fixture)


def client_for(world, role) -> Client:
    client = Client()
    if role != "public":
        client.force_login(world.user(role))
    return client


def events(ics: bytes) -> dict[tuple[str, str], icalendar.Event]:
    """(category, summary) → event."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {(str(e.get("categories").cats[0]), str(e.get("summary"))): e for e in calendar.walk("VEVENT")}


def day(event, name="dtstart") -> datetime.date:
    return event.decoded(name)


def feed_for(world, organisation):
    return alerts.replace_calendar_token(organisation, actor=world.user("admin"), viewer=world.viewer("admin"))


# What the feed holds --------------------------------------------------------------------------


def test_the_feed_holds_each_contracts_end_decision_point_and_extension_end(world):
    found = events(feed_ics(world.cast.own))
    assert set(found) == {
        ("Contract end", "Contract ends: Own housing (Civic Forge)"),
        ("Decision point", "Decide how to replace: Own housing (Civic Forge)"),
        ("Contract end", "Contract ends: Zephyrquartz renewal (Civic Forge)"),
        ("Decision point", "Decide how to replace: Zephyrquartz renewal (Civic Forge)"),
        ("Contract end", "Contract ends: Own waste (Vendor Company)"),
        ("Decision point", "Decide how to replace: Own waste (Vendor Company)"),
        ("Extension end date", "Contract ends if extended: Own waste (Vendor Company)"),
    }
    housing_end = found[("Contract end", "Contract ends: Own housing (Civic Forge)")]
    assert day(housing_end) == days(300) and day(housing_end, "dtend") == days(301)
    # Housing takes nine months (274 days) to procure, waste six (183).
    assert day(found[("Decision point", "Decide how to replace: Own housing (Civic Forge)")]) == days(300 - 274)
    assert day(found[("Decision point", "Decide how to replace: Own waste (Vendor Company)")]) == days(30 - 183)
    assert day(found[("Extension end date", "Contract ends if extended: Own waste (Vendor Company)")]) == days(120)
    secret = found[("Contract end", "Contract ends: Zephyrquartz renewal (Civic Forge)")]
    assert str(secret.get("class")) == "CONFIDENTIAL" and str(housing_end.get("class")) == "PRIVATE"
    assert str(housing_end.get("uid")).startswith(f"citytools-contract-{world.contracts['own_housing'].pk}-end@")
    assert str(housing_end.get("url")).endswith(f"/contracts/{world.contracts['own_housing'].pk}/")


def test_the_feed_holds_only_the_organisations_own_current_contracts(world):
    ics = feed_ics(world.cast.peer).decode()
    assert "Peer housing" in ics and "Quokkaflan pilot" in ics  # its own confidential one too
    for absent in ["Own housing", "Stranger housing", "Zephyrquartz", "Vellichor"]:
        assert absent not in ics


def test_a_contract_in_several_areas_counts_back_by_the_longest_lead_time(world):
    maker = world.contracts["own_housing"].supplier
    both = SystemFactory(organisation=world.cast.stranger, service_areas=[world.waste, world.housing])
    ContractFactory(organisation=world.cast.stranger, supplier=maker, title="Both", systems=[both], end_date=days(400))
    # With no system, hence no service area, the usual nine months are counted.
    ContractFactory(organisation=world.cast.stranger, supplier=maker, title="Nowhere", end_date=days(500))
    waste_only = SystemFactory(organisation=world.cast.stranger, service_areas=[world.waste])
    ContractFactory(organisation=world.cast.stranger, supplier=maker, title="Bins", systems=[waste_only], end_date=days(600))
    found = events(feed_ics(world.cast.stranger))
    decisions = {summary: day(e) for (category, summary), e in found.items() if category == "Decision point"}
    assert decisions["Decide how to replace: Both (Civic Forge)"] == days(400 - 274)
    assert decisions["Decide how to replace: Nowhere (Civic Forge)"] == days(500 - 274)
    assert decisions["Decide how to replace: Bins (Civic Forge)"] == days(600 - 183)


def test_contracts_that_ended_over_a_year_ago_are_left_out(world):
    ContractFactory(organisation=world.cast.own, title="Long gone", start_date=days(-900), end_date=days(-400))
    ContractFactory(
        organisation=world.cast.own, title="Gone but extendable", start_date=days(-900), end_date=days(-400),
        extension_end_date=days(-100),
    )
    ics = feed_ics(world.cast.own).decode()
    assert "Long gone" not in ics and "Gone but extendable" in ics


# The feed's address --------------------------------------------------------------------------


def test_anyone_with_the_address_reads_the_feed_without_signing_in(world):
    feed = feed_for(world, world.cast.own)
    response = Client().get(reverse("alerts:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    assert ("Contract end", "Contract ends: Zephyrquartz renewal (Civic Forge)") in events(response.content)


@pytest.mark.parametrize("token", ["wrong-token", "x" * 32])
def test_a_wrong_token_is_not_found(world, token):
    feed_for(world, world.cast.own)
    response = Client().get(reverse("alerts:calendar_feed", args=[token]))
    assert response.status_code == 404
    assert not [marker for marker in CONFIDENTIAL if marker.encode() in response.content]


def test_a_replaced_token_stops_working(world):
    old = feed_for(world, world.cast.own).token
    new = feed_for(world, world.cast.own).token
    assert Client().get(reverse("alerts:calendar_feed", args=[old])).status_code == 404
    assert Client().get(reverse("alerts:calendar_feed", args=[new])).status_code == 200


def test_the_feed_only_reads(world):
    feed = feed_for(world, world.cast.own)
    url = reverse("alerts:calendar_feed", args=[feed.token])
    assert Client().post(url).status_code in (403, 405)


# The page where staff see and replace it ----------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "admin"])
def test_staff_create_then_replace_the_address_without_javascript(world, role):
    client = client_for(world, role)
    url = reverse("alerts:organisation_calendar", args=["own"])
    page = client.get(url)
    assert page.status_code == 200 and b"Create a calendar address" in page.content
    assert client.post(url).status_code == 303
    first = alerts.calendar_feed_of(world.cast.own, viewer=world.viewer("admin")).token
    page = client.get(url)
    assert first in page.content.decode() and b"Replace the address" in page.content
    response = client.post(url, follow=True)
    second = alerts.calendar_feed_of(world.cast.own, viewer=world.viewer("admin")).token
    assert second != first and second in response.content.decode() and first not in response.content.decode()
    assert b"The old one no longer works" in response.content


@pytest.mark.parametrize(("role", "status"), [("peer_member", 403), ("coordinator", 403), ("vendor", 403), ("other_editor", 403)])
def test_others_neither_see_nor_replace_the_address(world, role, status):
    token = feed_for(world, world.cast.own).token
    client = client_for(world, role)
    url = reverse("alerts:organisation_calendar", args=["own"])
    get, post = client.get(url), client.post(url)
    assert (get.status_code, post.status_code) == (status, status)
    assert token not in get.content.decode()
    assert alerts.feed_by_token(token) is not None


def test_the_public_is_sent_to_sign_in(world):
    response = Client().get(reverse("alerts:organisation_calendar", args=["own"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
