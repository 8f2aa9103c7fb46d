import datetime

import pytest
from django.urls import reverse

from tests.factories import ContractFactory
from tests.market.world import TODAY, grow, sign_in_member

pytestmark = pytest.mark.django_db


def test_overview_shows_headline_concentration_and_ending_soon(client, world):
    sign_in_member(client, world.camden)
    response = client.get(reverse("market:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "organisations mapped" in page
    assert "£180,000" in page  # combined annual value of live contracts
    assert 'id="top-share">100%' in page
    assert 'id="concentration-spec"' in page and 'id="ending-by-month-spec"' in page
    assert "Camden finance and parking" in page
    assert "Hackney finance" not in page  # ends in 400 days
    assert "/contracts/?ending_within=365" in page


def test_the_public_overview_says_values_are_for_members(client, world):
    page = client.get(reverse("market:overview")).content.decode()
    assert "£180,000" not in page and "£100,000" not in page
    assert "contract values are shared with members of the network" in page
    assert "Members only" in page


def test_overview_of_an_empty_database(client, db):
    response = client.get(reverse("market:overview"))
    assert response.status_code == 200
    assert "No contracts have been recorded yet." in response.content.decode()


def test_overview_for_a_network(client, world):
    ContractFactory(organisation=world.outsider, title="Rutland waste", end_date=TODAY + datetime.timedelta(days=3))
    everything = client.get(reverse("market:overview")).content.decode()
    assert "Rutland waste" in everything
    london = client.get(reverse("market:overview"), {"network": "london"}).content.decode()
    assert "Rutland waste" not in london
    assert "network=london" in london  # the link to the full list keeps the network


def test_overview_refuses_an_unknown_network(client, db):
    assert client.get(reverse("market:overview"), {"network": "atlantis"}).status_code == 404


def test_overview_lists_the_first_twenty_contracts_ending(client, world):
    for i in range(25):
        ContractFactory(organisation=world.camden, title=f"Renewal {i:02d}", end_date=TODAY + datetime.timedelta(days=60 + i))
    page = client.get(reverse("market:overview")).content.decode()
    assert "Renewal 18" in page and "Renewal 19" not in page  # Camden's own contract comes first
    assert "All 27 contracts ending in the next 12 months" in page


@pytest.mark.parametrize("size", [3, 20])
def test_overview_query_count_does_not_grow_with_data(client, world, django_assert_max_num_queries, size):
    grow(world, size)
    # Seven of its own, and the Viewer's two (memberships and the networks' settings).
    with django_assert_max_num_queries(9 + 2):
        assert client.get(reverse("market:overview")).status_code == 200
