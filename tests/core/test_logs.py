"""Structured logs (citytools.core.logs): with CITYTOOLS_LOG_FORMAT=json every record is one
JSON object per line, carrying the request's id, method, path and status where there is one,
and never a request's body, cookies or Authorization header."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import Client

from citytools.core.logs import JsonFormatter, RequestContextFilter
from tests.served import ROOT

pytestmark = pytest.mark.django_db

SECRETS = ("Cookiesecret123", "Bearer Authsecret456", "Bodysecret789")


@pytest.fixture
def json_log():
    """The console handler as CITYTOOLS_LOG_FORMAT=json sets it up, on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_record_is_one_json_object_with_its_time_level_logger_and_message():
    record = logging.LogRecord("citytools.worker", logging.WARNING, __file__, 1, "Queued %s tasks\nagain", (3,), None)
    record.created = 1767225600.25  # 2026-01-01 00:00:00.250 UTC
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-01-01T00:00:00.250+00:00",
        "level": "WARNING",
        "logger": "citytools.worker",
        "message": "Queued 3 tasks\nagain",
    }


def test_an_exception_comes_with_its_traceback_in_the_same_line():
    try:
        raise ValueError("no such thing")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: no such thing" in json.loads(line)["exception"]


def test_each_request_is_logged_with_its_id_path_and_status(json_log):
    response = Client().get("/organisations/?q=secret-query")
    lines = [line for line in json_log() if line["logger"] == "citytools.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/organisations/", 200)
    assert line["message"] == "GET /organisations/ 200"
    assert isinstance(line["duration_ms"], float)
    # The query string may hold what the person typed: it is not logged.
    assert "secret-query" not in json.dumps(json_log())


def test_the_proxy_request_id_is_kept_when_it_is_plain():
    assert Client().get("/organisations/", headers={"X-Request-ID": "lb-42.abc"}).headers["X-Request-ID"] == "lb-42.abc"
    forged = Client().get("/organisations/", headers={"X-Request-ID": 'x"}\n{"level": "ERROR'}).headers["X-Request-ID"]
    assert len(forged) == 32 and forged.isalnum()


def test_django_s_own_records_carry_the_request_but_never_its_body_cookies_or_authorization(json_log):
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = SECRETS[0]
    client.post(
        "/accounts/login/",
        {"username": "someone@example.org", "password": SECRETS[2]},
        headers={"Authorization": SECRETS[1]},
    )
    client.get("/no-such-page/", headers={"Authorization": SECRETS[1]})
    lines = json_log()
    csrf = next(line for line in lines if line["logger"] == "django.security.csrf")
    assert (csrf["path"], csrf["status"]) == ("/accounts/login/", 403)
    missing = next(line for line in lines if line["logger"] == "django.request")
    assert (missing["path"], missing["status"], missing["level"]) == ("/no-such-page/", 404, "WARNING")
    assert missing["request_id"]
    written = json.dumps(lines)
    for secret in (*SECRETS, "Authsecret456", "sessionid", "password"):
        assert secret not in written


def settings_log(log_format: str) -> subprocess.CompletedProcess:
    """A process with the real settings logging one warning, as a server would."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "citytools.settings", "CITYTOOLS_LOG_FORMAT": log_format}
    code = "import django, logging; django.setup(); logging.getLogger('citytools.check').warning('Hello %s', 'there')"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_setting_switches_the_console_between_text_and_json():
    text = settings_log("text")
    assert text.returncode == 0, text.stderr
    assert text.stderr.strip() == "Hello there"
    structured = settings_log("json")
    assert structured.returncode == 0, structured.stderr
    assert json.loads(structured.stderr) | {"time": None} == {
        "time": None, "level": "WARNING", "logger": "citytools.check", "message": "Hello there",
    }


def test_an_unknown_format_is_refused_at_start():
    refused = settings_log("xml")
    assert refused.returncode != 0
    assert "CITYTOOLS_LOG_FORMAT must be text or json" in refused.stderr
