"""Cross-site request forgery: every state-changing door refuses a request without a CSRF
token, and changes nothing; the same request with a valid token gets past the check.

The doors are discovered, not listed: every page URL in the resolver (Django checks the token
before any view runs, so even a page that only reads must refuse an unsafe method without one)
and every API operation with POST, PUT, PATCH or DELETE in the OpenAPI schema (checked in
`citytools.core.api_input.django_auth` for a signed-in person, so an operation without that
authentication would slip through, and fail here). Without a session, an API write answers
401, token or not: there is no session to borrow.

A CSRF refusal is told apart from a refusal by role through the log record Django writes for
it (logger "django.security.csrf"), so a 403 for another reason does not pass for one.
"""

import json
import logging
import re
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from citytools.api import api
from tests.access import UNSAFE, routes, writes
from tests.test_authorization import EXPECTATIONS, first_version, world  # noqa: F401  (world is a fixture)

SIGNED_IN_AS = ["editor", "coordinator"]
PAGES = sorted(name for name, route in routes().items() if not route.is_api)


def api_operations() -> list[tuple[str, str]]:
    """(method, path template) of every state-changing operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in UNSAFE
    )


OPERATIONS = api_operations()


def fill_path(world, path: str) -> str:
    """The operation's path with the editor's own records in it."""
    records = world.of("own")
    values = {
        "system_id": records.system.pk,
        "contract_id": records.contract.pk,
        "invitation_id": records.invitation.pk,
        # The CSRF check comes before any lookup, so any id will do for a challenge's question.
        "question_id": 1,
        "milestone_id": 1,
        # Likewise for a proposal, its attachment and a criterion.
        "proposal_id": 1,
        "attachment_id": 1,
        "criterion_id": 1,
        # And for a pain point and a joint procurement initiative.
        "point_id": 1,
        "initiative_id": 1,
        "campaign_id": 1,
        # And for an uploaded spreadsheet (or file of public notices), a suggestion from a
        # public notice and a buyer name.
        "import_id": 1,
        "suggestion_id": 1,
        "buyer_id": 1,
        "source": "contracts_finder",
        # A public register, by its name.
        "name": "libraries",
    }
    if "{history_id}" in path:
        record = records.system if "/systems/" in path else records.contract
        values["history_id"] = first_version(record)
    if "{slug}" in path:
        values["slug"] = world.people.north.slug if path.startswith("/api/v1/networks/") else world.people.own.slug

    def value(match):
        name = match.group(1)
        if name not in values:
            pytest.fail(f"no sample for path parameter {name} in {path}: add one to fill_path in {__name__}", pytrace=False)
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


def page_url(world, name: str) -> str:
    expect = EXPECTATIONS.get(name)
    if expect is None:
        pytest.fail(f"URL {name} has no authorization expectation (tests/test_authorization.py)", pytrace=False)
    target = expect.targets[0]
    return reverse(name, kwargs=expect.args(world, target) if expect.args else None)


def signed_in(world, role: str) -> tuple[Client, str]:
    """A client that enforces CSRF like a browser, signed in, and the token its cookie holds."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(role))
    client.get(reverse("accounts:login"))  # any page with a form sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def send(client, method: str, url: str, *, api: bool, token: str | None):
    if api:
        headers = {"X-CSRFToken": token} if token else {}
        return client.generic(method, url, json.dumps({}), content_type="application/json", headers=headers)
    body = urlencode({"csrfmiddlewaretoken": token} if token else {})
    return client.generic(method, url, body, content_type="application/x-www-form-urlencoded")


def attempt(client, method, url, *, api: bool, token: str | None, caplog):
    """Send in a savepoint that is rolled back; the response, whether CSRF refused it, and
    the tables it wrote to (tests.access.writes)."""
    caplog.clear()
    with transaction.atomic(), writes() as changed:
        response = send(client, method, url, api=api, token=token)
        transaction.set_rollback(True)
    refused_for_csrf = any(record.name == "django.security.csrf" for record in caplog.records)
    return response, refused_for_csrf, changed


@pytest.fixture(autouse=True)
def csrf_log(caplog):
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    return caplog


@pytest.mark.parametrize("role", SIGNED_IN_AS)
@pytest.mark.parametrize("name", PAGES)
def test_pages_refuse_unsafe_methods_without_a_token(name, role, world, db, caplog):
    client, _ = signed_in(world, role)
    url = page_url(world, name)
    problems = []
    for method in UNSAFE:
        response, refused_for_csrf, changed = attempt(client, method, url, api=False, token=None, caplog=caplog)
        if response.status_code != 403 or not refused_for_csrf:
            problems.append(f"{method} {url} without a token: {response.status_code}, not a CSRF refusal")
        if changed:
            problems.append(f"{method} {url} without a token wrote to {', '.join(changed)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", SIGNED_IN_AS)
@pytest.mark.parametrize("name", PAGES)
def test_pages_accept_a_post_with_a_valid_token(name, role, world, db, caplog):
    client, token = signed_in(world, role)
    url = page_url(world, name)
    response, refused_for_csrf, _ = attempt(client, "POST", url, api=False, token=token, caplog=caplog)
    assert not refused_for_csrf, f"POST {url} with a valid token was refused for CSRF ({response.status_code})"


@pytest.mark.parametrize("role", SIGNED_IN_AS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_refuses_changes_without_a_token(method, path, role, world, db, caplog):
    client, token = signed_in(world, role)
    url = fill_path(world, path)
    response, refused_for_csrf, changed = attempt(client, method, url, api=True, token=None, caplog=caplog)
    assert response.status_code == 403 and refused_for_csrf, (
        f"{method} {url} without a token: {response.status_code} {response.content[:200]!r}, not a CSRF refusal"
    )
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "about:blank#csrf_failed"
    assert not changed, f"{method} {url} without a token wrote to {', '.join(changed)}"

    response, refused_for_csrf, _ = attempt(client, method, url, api=True, token=token, caplog=caplog)
    assert not refused_for_csrf, f"{method} {url} with a valid token was refused for CSRF ({response.status_code})"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_an_anonymous_change_with_401(method, path, world, db, caplog):
    """Without a session, a write is refused as unauthenticated, token or not (docs/api.md):
    there is no session for another site to borrow, so no CSRF refusal either."""
    client = Client(enforce_csrf_checks=True)
    url = fill_path(world, path)
    response, refused_for_csrf, changed = attempt(client, method, url, api=True, token=None, caplog=caplog)
    assert response.status_code == 401, f"{method} {url} anonymously: {response.status_code} {response.content[:200]!r}"
    assert response["Content-Type"] == "application/problem+json"
    assert not refused_for_csrf
    assert not changed, f"{method} {url} anonymously wrote to {', '.join(changed)}"


def test_every_state_changing_api_operation_is_found():
    """The discovery reads the schema: the editing API's writes are among the operations."""
    paths = {path for _, path in OPERATIONS}
    assert "/api/v1/systems/{system_id}" in paths
    assert {"PUT", "PATCH", "DELETE"} <= {m for m, p in OPERATIONS if p == "/api/v1/systems/{system_id}"}
