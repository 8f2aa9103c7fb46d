"""GET /api/v1/me and the invitations endpoints: session sign-in, CSRF, and the same rules."""

import json

import pytest
from django.core import mail
from django.test import Client

from citytools.accounts.models import Invitation

pytestmark = pytest.mark.django_db


def csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF like a browser, with the token a page would give it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/login/")  # sets the CSRF cookie, as any form page does
    return client, client.cookies["csrftoken"].value


def post(client, token, body):
    return client.post("/api/v1/invitations", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_me_is_401_when_anonymous(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_me_lists_the_roles(client, world):
    client.force_login(world.user("editor"))
    body = client.get("/api/v1/me").json()
    assert body["email"] == "editor@example.org"
    assert body["roles"] == [{"id": body["roles"][0]["id"], "kind": "editor", "organisation": "own", "network": None, "supplier": None}]


def test_an_editor_invites_through_the_api(world, django_capture_on_commit_callbacks):
    client, token = csrf_client(world.user("editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, {"email": "api.person@example.org", "kind": "member", "organisation": "own"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "api.person@example.org" and body["organisation"] == "own"
    assert "token" not in json.dumps(body)
    assert mail.outbox[0].to == ["api.person@example.org"]


def test_the_api_applies_the_same_rules(world):
    client, token = csrf_client(world.user("editor"))
    refused = post(client, token, {"email": "x@example.org", "kind": "member", "organisation": "peer"})
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    wrong_scope = post(client, token, {"email": "x@example.org", "kind": "coordinator", "organisation": "own"})
    assert wrong_scope.status_code == 400
    bad_email = post(client, token, {"email": "not-an-address", "kind": "member", "organisation": "own"})
    assert bad_email.status_code == 400
    missing = post(client, token, {"email": "x@example.org", "kind": "member", "organisation": "no-such"})
    assert missing.status_code == 404
    assert not Invitation.objects.exists()


def test_changes_need_a_csrf_token_and_a_session(world):
    client, _ = csrf_client(world.user("editor"))
    no_token = client.post(
        "/api/v1/invitations",
        json.dumps({"email": "x@example.org", "kind": "member", "organisation": "own"}),
        content_type="application/json",
    )
    assert no_token.status_code == 403
    anonymous = Client().post("/api/v1/invitations", "{}", content_type="application/json")
    assert anonymous.status_code in (401, 403)
    assert not Invitation.objects.exists()


def test_withdrawing_an_invitation(world):
    client, token = csrf_client(world.user("coordinator"))
    created = post(client, token, {"email": "x@example.org", "kind": "coordinator", "network": "north"}).json()

    outsider, outsider_token = csrf_client(world.user("other_coordinator"))
    refused = outsider.delete(f"/api/v1/invitations/{created['id']}", HTTP_X_CSRFTOKEN=outsider_token)
    assert refused.status_code == 404
    assert client.delete(f"/api/v1/invitations/{created['id']}").status_code == 403  # no CSRF token
    response = client.delete(f"/api/v1/invitations/{created['id']}", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 204
    assert Invitation.objects.get().revoked_at is not None
    again = client.delete(f"/api/v1/invitations/{created['id']}", HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 400
