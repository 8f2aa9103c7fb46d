"""The satisfaction pages use a number of SQL queries that does not grow with the data: the
same bound holds for a few ratings and pain points and for many."""

import pytest
from django.test import Client
from django.urls import reverse

from citytools.satisfaction import services
from tests.factories import OrganisationFactory, RoleFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("satisfaction:report", {}, 20),
    ("satisfaction:pain_points", {}, 12),
    ("satisfaction:pack", {"slug": "vendor-company"}, 24),
    ("satisfaction:organisation_ratings", {"slug": "own"}, 11),
]


def grow(world, organisations: int):
    """`organisations` more organisations in network north, each rating its own system and
    sharing one pain point."""
    point = services.raise_pain_point(
        actor=world.user("member"), viewer=world.viewer("member"), supplier=world.cast.vendor_company,
        title="Slow support", description="Tickets wait a week.",
    )
    for n in range(organisations):
        organisation = OrganisationFactory(networks=[world.cast.north])
        person = UserFactory()
        RoleFactory(user=person, kind="member", organisation=organisation)
        system = SystemFactory(organisation=organisation, product=world.product, service_areas=[world.area])
        from citytools.accounts.viewer import Viewer

        viewer = Viewer.for_user(person)
        services.rate_system(system, actor=person, viewer=viewer, overall=1 + n % 5, dimensions={"support": 2})
        services.share_pain_point(point, actor=person, viewer=viewer)
        services.raise_pain_point(
            actor=person, viewer=viewer, supplier=world.cast.vendor_company, title=f"Problem {n}", description="x"
        )
    return point


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("name, kwargs, bound", PAGES)
def test_satisfaction_pages_use_a_bounded_number_of_queries(world, size, name, kwargs, bound, django_assert_max_num_queries):
    grow(world, size)
    client = Client()
    client.force_login(world.user("member"))
    url = reverse(name, kwargs=kwargs)
    client.get(url)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("role", ["member", "admin"])
def test_a_pain_point_and_the_pain_point_api_use_a_bounded_number_of_queries(world, size, role, django_assert_max_num_queries):
    """Not a query per "we have this too", per reply or per organisation the person speaks
    for (a platform admin speaks for every member organisation)."""
    point = grow(world, size)
    services.reply_to_pain_point(point, actor=world.user("vendor"), viewer=world.viewer("vendor"), body="On it.")
    client = Client()
    client.force_login(world.user(role))
    for url, bound in [
        (reverse("satisfaction:pain_point", args=[point.pk]), 17),
        (reverse("api:pain_points"), 10),
        (reverse("api:pain_point", args=[point.pk]), 10),
    ]:
        client.get(url)
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200
