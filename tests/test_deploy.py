"""A production configuration passes Django's deployment checks, and its responses carry the
security headers and cookie flags docs/security.md promises.

The settings under test are the real ones, read from the environment a deployment sets
(docs/configuration.md): the check runs the installed `citytools` script in a subprocess,
and the header tests evaluate citytools/settings.py afresh under the same environment.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

import citytools.settings
from tests.factories import OrganisationFactory, RoleFactory, UserFactory
from tests.people import PASSWORD

CITYTOOLS = Path(sys.executable).with_name("citytools")
HOST = "citytools.example.org"

# Settings the production environment decides; the header tests take them from a fresh
# evaluation of citytools/settings.py.
HARDENING = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


def production_environment(tmp_path, **changes) -> dict[str, str]:
    """The environment of a production deployment on SQLite in `tmp_path`: nothing of the
    test run's own configuration, no DEBUG, no demo mode."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CITYTOOLS_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        CITYTOOLS_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        CITYTOOLS_HTTPS="1",
        CITYTOOLS_ALLOWED_HOSTS=HOST,
        CITYTOOLS_DATA_DIR=str(tmp_path),
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def deploy_check(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CITYTOOLS), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = deploy_check(production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_https_the_deploy_check_fails_on_each_https_setting(tmp_path):
    result = deploy_check(production_environment(tmp_path, CITYTOOLS_HTTPS=None))
    assert result.returncode != 0
    reported = set(re.findall(r"security\.W\d+", result.stderr))
    # HSTS, the HTTPS redirect, and the secure flags of the session and CSRF cookies.
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= reported, result.stderr


def test_a_short_secret_key_fails_the_deploy_check(tmp_path):
    result = deploy_check(production_environment(tmp_path, CITYTOOLS_SECRET_KEY="too-short-to-be-secret"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_hsts_preload_is_checked_once_chosen(tmp_path):
    """The preload warning is silenced only while preload is off; turned on, the header
    carries it and the check stays clean."""
    result = deploy_check(production_environment(tmp_path, CITYTOOLS_HSTS_PRELOAD="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_mode_fails_the_deploy_check(tmp_path):
    result = deploy_check(production_environment(tmp_path, CITYTOOLS_DEMO_MODE="1"))
    assert result.returncode != 0
    assert "citytools.E001" in result.stderr and "citytools.E002" not in result.stderr, result.stderr


def test_demo_mode_without_a_secret_key_fails_the_deploy_check(tmp_path):
    """Demo mode alone lets the site start on the development key; the check names both."""
    env = production_environment(tmp_path, CITYTOOLS_DEMO_MODE="1", CITYTOOLS_SECRET_KEY=None, CITYTOOLS_HTTPS=None)
    result = deploy_check(env)
    assert result.returncode != 0
    assert "citytools.E001" in result.stderr and "citytools.E002" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "changes",
    [
        {"CITYTOOLS_DEMO_MODE": "1", "CITYTOOLS_SECRET_KEY": None},
        {"CITYTOOLS_DEBUG": "1", "CITYTOOLS_SECRET_KEY": None},
        {"CITYTOOLS_SECRET_KEY": citytools.settings.DEVELOPMENT_SECRET_KEY},
    ],
    ids=["demo-mode", "debug", "key-given"],
)
def test_the_server_refuses_to_start_with_https_on_the_development_key(tmp_path, changes):
    env = production_environment(tmp_path, **changes)
    for command in ([str(CITYTOOLS), "check"], [sys.executable, "-c", "import citytools.wsgi"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode != 0, command
        assert "CITYTOOLS_SECRET_KEY" in result.stderr and "CITYTOOLS_HTTPS" in result.stderr, result.stderr


def test_make_run_still_starts_in_demo_mode_without_a_key(tmp_path):
    """`make run`: demo mode, no key, no HTTPS. It starts (the plain check passes); only the
    deploy check objects."""
    env = production_environment(tmp_path, CITYTOOLS_DEMO_MODE="1", CITYTOOLS_SECRET_KEY=None, CITYTOOLS_HTTPS=None)
    result = subprocess.run([str(CITYTOOLS), "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def settings_under(monkeypatch, env) -> dict:
    """citytools/settings.py evaluated afresh under `env`."""
    for key in [k for k in os.environ if k.startswith("CITYTOOLS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(citytools.settings.__file__)


@pytest.mark.parametrize("changes, proxies", [({}, 0), ({"CITYTOOLS_BEHIND_PROXY": "1"}, 1),
                                              ({"CITYTOOLS_BEHIND_PROXY": "1", "CITYTOOLS_TRUSTED_PROXIES": "2"}, 2),
                                              ({"CITYTOOLS_TRUSTED_PROXIES": "2"}, 0)])
def test_behind_a_proxy_the_client_address_trusts_that_many_proxies(tmp_path, monkeypatch, changes, proxies):
    values = settings_under(monkeypatch, production_environment(tmp_path, **changes))
    assert values["TRUSTED_PROXIES"] == proxies
    assert values["AXES_CLIENT_IP_CALLABLE"] == "citytools.accounts.addresses.client_address"


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_wrong_number_of_trusted_proxies_is_refused(tmp_path, monkeypatch, value):
    env = production_environment(tmp_path, CITYTOOLS_BEHIND_PROXY="1", CITYTOOLS_TRUSTED_PROXIES=value)
    with pytest.raises(ImproperlyConfigured, match="CITYTOOLS_TRUSTED_PROXIES"):
        settings_under(monkeypatch, env)


# Headers ---------------------------------------------------------------------------------


@pytest.fixture
def production(tmp_path, monkeypatch):
    """citytools/settings.py evaluated under the production environment, applied to this test."""
    for key in [k for k in os.environ if k.startswith("CITYTOOLS_")]:
        monkeypatch.delenv(key)
    for key, value in production_environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    values = runpy.run_path(citytools.settings.__file__)
    assert values["DEBUG"] is False
    with override_settings(**{key: values[key] for key in HARDENING}):
        yield values


@pytest.fixture
def member(db):
    user = UserFactory(email="member@example.org")
    RoleFactory(user=user, kind="member", organisation=OrganisationFactory())
    return user


def https_client() -> Client:
    return Client(HTTP_HOST=HOST)


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_plain_http_is_redirected_to_https(production, db):
    response = https_client().get("/organisations/")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/organisations/"


def test_responses_carry_the_security_headers(production, db):
    response = https_client().get("/organisations/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"], "scripts only from this site: no inline script, no eval"
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_the_api_carries_them_too(production, db):
    response = https_client().get("/api/v1/organisations", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signing_in_sets_secure_httponly_cookies(production, member):
    client = https_client()
    client.get(reverse("accounts:login"), secure=True)
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] is True
    response = client.post(
        reverse("accounts:login"), {"username": member.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302, "the sign-in should succeed"
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_pages_for_a_signed_in_member_are_not_stored(production, member):
    client = https_client()
    client.force_login(member)
    response = client.get("/organisations/", secure=True)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    api = client.get("/api/v1/organisations", secure=True)
    assert {"private", "no-store"} <= {part.strip() for part in api["Cache-Control"].split(",")}
