"""The shared layout: demo banner, generic error pages."""

import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db

BANNER = "Demo data"


def test_every_page_carries_the_demo_banner_in_demo_mode(client, demo_mode):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert BANNER in response.content.decode()


def test_no_demo_banner_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert BANNER not in client.get("/no-such-page/").content.decode()


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
