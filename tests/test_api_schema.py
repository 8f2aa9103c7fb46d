"""The API's OpenAPI document is served and valid, and every operation, reads and writes,
answers what it documents: schemathesis generates requests from the schema, valid and
invalid (its positive and negative modes), for an anonymous person and for a signed-in
editor and coordinator (session cookie and CSRF header), and runs every check it has on
each answer: no server error, every status, content type, header and body as documented,
invalid data refused, valid data not refused for being invalid.

It runs in both passes of tests/run.py, so on SQLite and on PostgreSQL.
"""

import datetime
import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection

from citytools.core.dates import EARLIEST, LATEST
from citytools.wsgi import application
from tests.api_world import World, document

OPENAPI = "/api/v1/openapi.json"
# Generated requests per operation, person and mode: enough to reach every refusal the
# schema documents, few enough for the whole file to stay within a couple of minutes.
MAX_EXAMPLES = 6


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def same_connection():
    """Keeps the test's database connection open while the WSGI app answers.

    Called directly, the app fires request_started/request_finished, which close the
    connection and with it the test's transaction; Django's test client does the same
    disconnection for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at import, not through schemathesis.pytest.from_fixture: its lazy loader does not
# work with the installed pytest.
DOCUMENT = document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.app = application
# The coverage phase (every boundary of every parameter, deterministically) triples the
# time of the file; the fuzzing phase, in both modes, keeps it within the suite's budget.
schema.config.phases.coverage.enabled = False
schema.location = OPENAPI
# Every date the API takes is bounded (formatMinimum and formatMaximum, citytools.core.dates),
# keywords hypothesis-jsonschema does not read: valid dates are drawn from the same range.
schemathesis.openapi.format("date", st.dates(EARLIEST, LATEST).map(datetime.date.isoformat))
schemathesis.openapi.format(
    "date-time",
    st.datetimes(
        datetime.datetime.combine(EARLIEST, datetime.time()),
        datetime.datetime.combine(LATEST, datetime.time(23, 59, 59)),
        timezones=st.just(datetime.UTC),
    ).map(datetime.datetime.isoformat),
)
# Unknown query parameters are ignored, as HTTP APIs commonly do and docs/api.md does not
# promise otherwise: no negative case is made of adding one.
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, modes=["positive", "negative"], allow_extra_parameters=False
)
# A request the schema allows may still be refused by a rule of the domain (400: an end
# before the start, a supplier that does not exist) or by its precondition (412, 428):
# the schema documents those answers, so they are not "valid data rejected".
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx", "3xx", "400", "401", "403", "404", "409", "412", "428", "429",
]


# The one exception to the checks, by design.
def _query_boolean_as_digit(case, response) -> bool:
    """By design, not a known failure: a query string has no JSON types, and the API reads a
    boolean filter written 0 or 1 as false or true, as HTML forms and most HTTP APIs do.
    JSON bodies take only true and false (StrictBool), and dates only as YYYY-MM-DD."""
    if response.status_code >= 300 or case.meta is None or not case.meta.generation.mode.is_negative:
        return False
    for parameter in case.operation.definition.raw.get("parameters", []):
        schema = parameter.get("schema", {})
        kinds = [schema, *schema.get("anyOf", [])]
        value = (case.query or {}).get(parameter["name"]) if parameter["in"] == "query" else None
        if any(k.get("type") == "boolean" for k in kinds) and value in (0, 1, "0", "1") and not isinstance(value, bool):
            return True
    return False


BY_DESIGN = [
    (_query_boolean_as_digit, [negative_data_rejection]),
]


def _excluded(case, response) -> list:
    return [check for exempt, checks in BY_DESIGN if exempt(case, response) for check in checks]


@pytest.fixture
def editor_session(world) -> tuple[str, str]:
    """The editor's session id and a CSRF token."""
    client = Client()
    client.force_login(world.editor)
    return client.cookies["sessionid"].value, _get_new_csrf_string()


def _sign_in(case, session: tuple[str, str]) -> None:
    """Send what the editor's browser sends: the session cookie and the CSRF token, as
    cookie and header. Where the operation declares the session as its security, it goes
    in only where schemathesis generated one, so its requests without it (negative data,
    the ignored-auth check) stay anonymous."""
    sessionid, token = session
    cookies = dict(case.cookies or {})
    if not case.operation.definition.raw.get("security") or "sessionid" in cookies:
        cookies["sessionid"] = sessionid
    cookies["csrftoken"] = token
    case.cookies = cookies
    case.headers = {**(case.headers or {}), "X-CSRFToken": token}


def _exchange(case):
    response = case.call()
    case.validate_response(response, excluded_checks=_excluded(case, response))


def test_openapi_document_is_served_and_valid(client, db):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    served = response.json()
    # Raises when the document breaks the OpenAPI meta-schema.
    schemathesis.openapi.from_dict(served).validate()
    assert served["info"]["title"] == "City Tools API"
    assert served == DOCUMENT, "the document under test is not the one the API serves"
    assert "/api/v1/search" in served["paths"]


def test_interactive_docs_are_served_from_the_site_itself(client, db):
    """Swagger UI from a CDN was blocked by the site's own Content-Security-Policy, and the
    page stayed blank: every script and style comes from /static/, and none is inline."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    resources = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in resources), resources
    assert all(url.startswith("/static/") for url in resources), resources
    assert "//" not in "".join(resources)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"'], inline
    options = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert options["url"] == "/api/v1/openapi.json" and options["validatorUrl"] is None


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_requests_conform_to_the_schema(case, world, same_connection):
    world.aim(case)
    _exchange(case)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_signed_in_requests_conform_to_the_schema(case, world, editor_session, same_connection):
    world.aim(case)
    _sign_in(case, editor_session)
    _exchange(case)
