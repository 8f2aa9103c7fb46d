"""Hostile input through the API: every write operation, with its valid body spoiled.

The operations and their valid bodies come from the authorization matrix
(tests/test_authorization.py), so a new write operation is covered as soon as the matrix
describes it. Each string in the body is replaced by one holding a NUL character, an
unpaired surrogate or a control character, and each whole number by one beyond 64 bits.
Every such request must answer 400 problem+json, as the person allowed to write, and must
write nothing; on PostgreSQL a NUL used to be a server error, and on both databases an
unpaired surrogate was an HTML error page and a huge id in a list a server error on SQLite.

The rest of the module checks the API's one error handler: a body over the size limit, an
exception in an operation, an unknown path, and a write without a session or without its
CSRF token each answer problem+json, never an HTML page.
"""

import json
import logging

import pytest
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from citytools.api import api
from citytools.contracts.edit_views import CONTRACT
from citytools.contracts.models import Contract
from citytools.core.api_input import SessionAuth
from tests.access import UNSAFE, routes, writes
from tests.expect import Multipart
from tests.people import ROLES
from tests.test_authorization import EXPECTATIONS, GROUPS, client_for, merged, world  # noqa: F401  (world is a fixture)

PROBLEM = "application/problem+json"


def api_writes() -> list[tuple[tuple[str, ...], str]]:
    """(URL names sharing a path, method) of every API write the matrix gives a body for."""
    found = []
    for names in GROUPS:
        if not routes()[names[0]].is_api or any(name not in EXPECTATIONS for name in names):
            continue
        expect = merged(names)
        for method in sorted(set(expect.allow) & set(UNSAFE)):
            if expect.data is not None:
                found.append((names, method))
    return found


WRITES = api_writes()


HUGE = 99999999999999999999


def spoil(value, *, string=None, number=None):
    """`value` with every string (keys left alone) replaced by `string`, or every whole number
    by `number`, and how many were replaced."""
    if isinstance(value, str):
        return (string, 1) if string is not None else (value, 0)
    if isinstance(value, bool) or value is None:
        return value, 0
    if isinstance(value, int):
        return (number, 1) if number is not None else (value, 0)
    if isinstance(value, dict):
        pairs = {key: spoil(item, string=string, number=number) for key, item in value.items()}
        return {key: pair[0] for key, pair in pairs.items()}, sum(pair[1] for pair in pairs.values())
    if isinstance(value, list):
        pairs = [spoil(item, string=string, number=number) for item in value]
        return [pair[0] for pair in pairs], sum(pair[1] for pair in pairs)
    return value, 0


def allowed(expect, method):
    """The first role and target the matrix allows the write for. Where the matrix's world
    allows it to nobody (a deadline has passed), an admin: the body is read, and refused,
    before any rule about who may write is looked at."""
    for target in expect.targets:
        for role in ROLES:
            if expect.may(method, role, target):
                return role, target
    return "admin", expect.targets[0]


HOSTILE_TEXT = {
    "NUL": "nul\u0000byte",
    "unpaired surrogate": "\ud800",
    "control character": "bell\u0007",
}


def send_raw(client, method, url, body: str, headers=None):
    return client.generic(method, url, body, content_type="application/json", headers=headers or {})


def refused_and_unwritten(client, method, url, body, headers):
    with transaction.atomic(), writes() as written:
        if isinstance(body, Multipart):
            response = client.generic(method, url, encode_multipart(BOUNDARY, body), content_type=MULTIPART_CONTENT, headers=headers or {})
        else:
            response = send_raw(client, method, url, body, headers)
        transaction.set_rollback(True)
    return response, written


def spoiled_forms(expect, world, target, method) -> dict[str, Multipart]:
    """A form with a file (an upload), each of its text fields spoiled in turn, sent as a
    browser sends it; its file made afresh for each, since sending one reads it. Not with an
    unpaired surrogate: a form's field is bytes, not JSON's escapes, and Django decodes bytes
    that are not UTF-8 in a multipart body as U+FFFD."""
    def spoiled(text):
        fresh = expect.data(world, target, method)
        return Multipart({key: text if isinstance(value, str) else value for key, value in fresh.items()})

    if not any(isinstance(value, str) for value in expect.data(world, target, method).values()):
        return {}
    return {label: spoiled(text) for label, text in HOSTILE_TEXT.items() if label != "unpaired surrogate"}


@pytest.mark.parametrize(("names", "method"), WRITES, ids=[f"{method} {names[0]}" for names, method in WRITES])
def test_every_write_refuses_hostile_text_and_huge_numbers(names, method, world, db):
    expect = merged(names)
    role, target = allowed(expect, method)
    url = expect.url(names[0], world, target, method)
    data = expect.data(world, target, method)
    headers = expect.headers(world, target, method) if expect.headers else None
    client = client_for(world, role)
    if isinstance(data, Multipart):
        cases = spoiled_forms(expect, world, target, method)
    else:
        cases = {label: spoil(data, string=text) for label, text in HOSTILE_TEXT.items()}
        cases["huge number"] = spoil(data, number=HUGE)
        cases = {label: json.dumps(body) for label, (body, count) in cases.items() if count}
    if not cases:
        pytest.skip("the body holds no text and no number")
    problems = []
    for label, body in cases.items():
        # json.dumps writes the surrogate as the escape "\ud800", as a client would send it.
        response, written = refused_and_unwritten(client, method, url, body, headers)
        where = f"{method} {url} as {role} with a {label}"
        if response.status_code != 400 or response.get("Content-Type") != PROBLEM:
            problems.append(f"{where}: {response.status_code} {response.get('Content-Type')} {response.content[:200]!r}")
        if written:
            problems.append(f"{where}: wrote to {', '.join(written)}")
    assert not problems, "\n".join(problems)


def test_the_writes_are_found():
    """The discovery reads the matrix: the contract and system writes are among them."""
    found = {(name, method) for names, method in WRITES for name in names}
    assert {("api:contract_patch", "PATCH"), ("api:system_create", "POST")} <= found
    assert len(WRITES) > 30


# The examples of issue 14, one by one ---------------------------------------------------------


@pytest.fixture
def editor(world):
    return client_for(world, "editor")


def contract_url(world):
    return f"/api/v1/contracts/{world.contract('own').pk}"


def if_match(world):
    return {"If-Match": f'"{world.contract("own").version}"'}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ('{"title": "nul\\u0000byte"}', "“title” contains a NUL character"),
        ('{"title": "\\ud800"}', "not valid JSON"),
        ('{"title": "bell\\u0007"}', "“title” contains a control character (U+0007)"),
        ('{"systems": [99999999999999999999]}', "“systems[0]” is out of range"),
        ('{"systems": [9223372036854775808]}', "“systems[0]” is out of range"),
        ('{"systems": [1e20]}', "“systems[0]” is out of range"),
        ('{"title": NaN}', "not valid JSON"),
        # Issue 14 saw 12.345 stored as 12.34; the one money parser refuses it at every door.
        ('{"annual_value": 12.345}', "Annual value can have at most two decimals"),
        ('{"annual_value": "12.345"}', "Annual value can have at most two decimals"),
    ],
)
def test_a_contract_patch_refuses_with_a_problem_naming_the_field(body, names, world, editor, db):
    before = Contract.objects.filter(pk=world.contract("own").pk).values().get()
    response, written = refused_and_unwritten(editor, "PATCH", contract_url(world), body, if_match(world))
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert names in response.json()["detail"]
    assert not written
    assert Contract.objects.filter(pk=world.contract("own").pk).values().get() == before


@pytest.mark.parametrize("body", ["null", "[]", "[null, null]", "1", '"text"'])
def test_a_body_that_is_not_an_object_is_refused(body, world, editor, db):
    """pydantic read `null` or `[null, null]` as an empty object, so PUT /alerts with one
    subscribed its sender to the defaults; every operation's body is an object."""
    response, written = refused_and_unwritten(editor, "PUT", "/api/v1/alerts", body, {})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert "must be a JSON object" in response.json()["detail"]
    assert not written


@pytest.mark.parametrize("depth", [1024, 1025])
def test_deeply_nested_bodies_are_refused_not_a_server_error(depth, world, editor, db):
    """orjson reads nesting 1,024 deep, deeper than Python's recursion limit: the walk over the
    body must not recurse (a RecursionError would be a 500)."""
    body = '{"systems": ' + "[" * depth + "]" * depth + "}"
    response, written = refused_and_unwritten(editor, "PATCH", contract_url(world), body, if_match(world))
    assert 400 <= response.status_code < 500 and response["Content-Type"] == PROBLEM
    assert not written


def test_ordinary_text_passes(world, editor, db):
    body = json.dumps({"title": "Tabs\tand\nlines, “quotes”, émoji 🚲, and ＦＵＬＬ width"})
    with transaction.atomic():
        response = send_raw(editor, "PATCH", contract_url(world), body, if_match(world))
        assert response.status_code == 200, response.content
        assert response.json()["title"].startswith("Tabs\tand\n")
        transaction.set_rollback(True)


# One error handler: never HTML -----------------------------------------------------------------


def test_a_body_over_the_size_limit_answers_413_problem_json(world, editor, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "x" * 2000})
    response, written = refused_and_unwritten(editor, "PATCH", contract_url(world), body, if_match(world))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "The request body is larger than the 1,000 bytes accepted."
    assert not written


def test_an_exception_in_an_operation_answers_500_problem_json_and_is_logged(world, db, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/citytools/settings.py")

    monkeypatch.setattr(CONTRACT, "update", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.user("editor"))
    caplog.set_level(logging.ERROR, logger="django.request")
    response, _written = refused_and_unwritten(client, "PATCH", contract_url(world), '{"title": "New"}', if_match(world))
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "about:blank#server_error" and body["status"] == 500
    assert "secret" not in response.content.decode() and "RuntimeError" not in response.content.decode()
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1 and logged[0].exc_info and "secret internals" in str(logged[0].exc_info[1])


def test_the_test_client_still_sees_the_exception(world, db, monkeypatch):
    """As for any server error in Django, the exception is signalled, so tests see it."""
    monkeypatch.setattr(CONTRACT, "update", lambda *a, **k: 1 / 0)
    client = client_for(world, "editor")
    with pytest.raises(ZeroDivisionError):
        send_raw(client, "PATCH", contract_url(world), '{"title": "New"}', if_match(world))


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/contracts/99999999999999999999"])
def test_unknown_paths_answer_404_problem_json(path, client, db):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_method_a_path_does_not_offer_answers_405_problem_json(client, db):
    """django-ninja answers 405 itself, in plain text; the API's last net makes it a problem."""
    response = client.delete("/api/v1/organisations")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert "GET" in response["Allow"]
    assert response.json()["status"] == 405


def test_pages_keep_their_own_error_pages(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_errors_raised_before_the_api_answer_problem_json(rf):
    """A middleware that reads an oversized body, or fails, is answered by the site's error
    handlers, which speak problem+json under /api/ and HTML elsewhere."""
    from django.core.exceptions import RequestDataTooBig

    from citytools.core import views

    too_big = views.bad_request(rf.post("/api/v1/organisations/own/contracts"), RequestDataTooBig("too big"))
    assert too_big.status_code == 413 and too_big["Content-Type"] == PROBLEM
    failed = views.server_error(rf.get("/api/v1/contracts"))
    assert failed.status_code == 500 and failed["Content-Type"] == PROBLEM
    assert views.permission_denied(rf.get("/api/v1/me"))["Content-Type"] == PROBLEM
    assert views.bad_request(rf.post("/organisations/"), RequestDataTooBig("too big"))["Content-Type"].startswith("text/html")


# Writes without a session, or without its CSRF token ---------------------------------------------


def test_an_anonymous_write_without_a_token_answers_401_problem_json(world, db):
    client = Client(enforce_csrf_checks=True)
    response, written = refused_and_unwritten(client, "PATCH", contract_url(world), '{"title": "New"}', if_match(world))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "about:blank#unauthorized"
    assert not written


def test_a_signed_in_write_without_a_token_answers_403_problem_json(world, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("editor"))
    response, written = refused_and_unwritten(client, "PATCH", contract_url(world), '{"title": "New"}', if_match(world))
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "about:blank#csrf_failed"
    assert "X-CSRFToken" in response.json()["detail"]
    assert not written


def test_every_operation_with_a_session_uses_the_sites_session_auth():
    """django-ninja's own django_auth would check CSRF before the session, answering 403
    where docs/api.md promises 401; every operation takes citytools.core.api_input's."""
    from ninja.security.apikey import APIKeyCookie

    wrong = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for auth in operation.auth_callbacks:
                    if isinstance(auth, APIKeyCookie) and not isinstance(auth, SessionAuth):
                        wrong.append(f"{operation.methods} {path}")
    assert not wrong, wrong
