"""The shared layout: demo banner, generic error pages."""

import re

import pytest
from django.test import Client
from django.urls import path, reverse

pytestmark = pytest.mark.django_db

BANNER = "Demo data"


def test_every_page_carries_the_demo_banner_in_demo_mode(client, demo_mode):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert BANNER in response.content.decode()


def test_no_demo_banner_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert BANNER not in client.get("/no-such-page/").content.decode()


def main_navigation(html: str) -> dict[str, str]:
    nav = re.search(r'<nav aria-label="Main".*?</nav>', html, re.S).group(0)
    return {" ".join(text.split()): href for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)}


def test_the_main_navigation_leads_to_the_opportunities_the_timeline_and_the_pipeline(client):
    links = main_navigation(client.get("/").content.decode())
    assert links["Opportunities"] == reverse("opportunities:finder")
    assert links["Timeline"] == reverse("contracts:timeline")
    assert links["Pipeline"] == reverse("market:pipeline")
    for url in links.values():
        assert client.get(url).status_code == 200, f"{url} is in the navigation but not open to everyone"


def test_the_navigation_marks_the_page_a_person_is_on(client):
    page = client.get(reverse("contracts:timeline")).content.decode()
    assert re.search(r'href="/contracts/timeline/"\s+aria-current="page">Timeline', page)


def test_not_found_page_is_generic(client):
    response = client.get("/organisations/no-such-borough/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body and "no-such-borough" not in body


def broken_view(request):
    raise RuntimeError("secret internal detail 7f3a")


urlpatterns = [path("broken/", broken_view)]
handler500 = "citytools.core.views.server_error"


def test_server_error_page_shows_no_traceback_or_detail(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "problem with the service" in body
    assert "7f3a" not in body and "Traceback" not in body
