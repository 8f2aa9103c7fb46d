"""Single sign-on against a fake OpenID provider: a real RSA key, a signed ID token, and the
library's own views from /oidc/authenticate/ to /oidc/callback/.

The provider's endpoints are answered by `responses`, so no request leaves the test.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY

from citytools.accounts import services
from citytools.accounts.models import Invitation, Role, User

pytestmark = pytest.mark.django_db

ISSUER = "https://login.provider.test"
CLIENT_ID = "citytools-test-client"
KID = "test-key-1"


@pytest.fixture
def provider_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def oidc(settings):
    settings.ROOT_URLCONF = "tests.accounts.oidc_urls"
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "test-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "citytools.accounts.oidc.CityToolsOIDCBackend"]
    return settings


def jwks(key) -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}


def id_token(signing_key, *, nonce, email) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "subject-1", "iat": now, "exp": now + 300, "nonce": nonce, "email": email}
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KID})


def sign_on(client, provider_key, *, email, email_verified=True, signing_key=None):
    """Run the whole flow; returns the callback's response."""
    start = client.get("/oidc/authenticate/?next=/accounts/me/")
    assert start.status_code == 302 and start["Location"].startswith(f"{ISSUER}/authorize?")
    query = parse_qs(urlparse(start["Location"]).query)
    state, nonce = query["state"][0], query["nonce"][0]
    assert query["client_id"] == [CLIENT_ID]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as provider:
        provider.get(f"{ISSUER}/jwks", json=jwks(provider_key))
        provider.post(
            f"{ISSUER}/token",
            json={"id_token": id_token(signing_key or provider_key, nonce=nonce, email=email), "access_token": "at-1", "token_type": "Bearer"},
        )
        provider.get(f"{ISSUER}/userinfo", json={"sub": "subject-1", "email": email, "email_verified": email_verified, "name": "Sso Person"})
        return client.get(f"/oidc/callback/?code=code-1&state={state}")


def signed_in_user(client):
    return client.session.get(SESSION_KEY)


def test_the_login_page_offers_single_sign_on_when_enabled(client, oidc):
    body = client.get("/accounts/login/").content.decode()
    assert "Sign in with your organisation&#x27;s account" in body or "Sign in with your organisation's account" in body
    assert "/oidc/authenticate/" in body


def test_a_known_address_signs_in_whatever_its_capitals(client, oidc, provider_key, world):
    response = sign_on(client, provider_key, email="Member@EXAMPLE.org")
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert str(signed_in_user(client)) == str(world.user("member").pk)
    assert client.get("/accounts/me/").status_code == 200
    assert User.objects.count() == 8  # nobody new


def test_an_unknown_address_is_refused(client, oidc, provider_key, world):
    response = sign_on(client, provider_key, email="stranger@elsewhere.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?sso=failed"
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="stranger@elsewhere.example").exists()
    assert "We could not sign you in" in client.get(response["Location"]).content.decode()


def test_an_unknown_address_with_a_pending_invitation_gets_its_account(client, oidc, provider_key, world):
    services.invite(email="invited@example.org", kind="member", organisation=world.own, actor=world.user("editor"))
    response = sign_on(client, provider_key, email="Invited@example.org")
    assert response["Location"] == "/accounts/me/"
    user = User.objects.get(email="invited@example.org")
    assert user.full_name == "Sso Person" and not user.has_usable_password()
    assert Role.objects.filter(user=user, kind="member", organisation=world.own).exists()
    assert Invitation.objects.get().accepted_by == user


def test_an_unverified_address_is_refused(client, oidc, provider_key, world):
    response = sign_on(client, provider_key, email="member@example.org", email_verified=False)
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert signed_in_user(client) is None


def test_a_token_signed_with_another_key_is_refused(client, oidc, provider_key, world, caplog):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_on(client, provider_key, email="member@example.org", signing_key=impostor)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?sso=failed"
    assert signed_in_user(client) is None
    assert client.get("/accounts/me/").status_code == 302
    assert "JWS token verification failed" in caplog.text  # refused for the signature, not by chance


def test_single_sign_on_starts_the_same_session_limits(client, oidc, provider_key, world):
    sign_on(client, provider_key, email="member@example.org")
    assert isinstance(client.session.get("citytools_signed_in_at"), float)
