"""The health checks: /healthz (alive, no database) and /readyz (the database answers and a
worker's heartbeat is recent), as a load balancer or an orchestrator asks them."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client, override_settings

from citytools.core import health
from citytools.core.management.commands.worker import Scheduler
from citytools.core.models import Heartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def ready(client=None):
    response = (client or Client()).get("/readyz")
    return response.status_code, json.loads(response.content)


def test_liveness_answers_ok_without_touching_the_database(django_assert_num_queries):
    signed_in = Client()
    signed_in.force_login(UserFactory())
    for client in (Client(), signed_in):
        with django_assert_num_queries(0):
            response = client.get("/healthz")
        assert response.status_code == 200
        assert json.loads(response.content) == {"status": "ok"}
        assert "no-store" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers


@override_settings(ALLOWED_HOSTS=["citytools.example.org"], SECURE_SSL_REDIRECT=True)
def test_a_probe_by_address_over_plain_http_is_answered():
    """A load balancer asks by the server's own address, over HTTP, inside the network."""
    client = Client(HTTP_HOST="10.0.0.7:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    # Everything else still gets the host check and the redirect.
    assert client.get("/").status_code == 400


def test_only_get_and_head_are_answered():
    client = Client()
    assert client.head("/readyz").status_code == 200
    for method in ("post", "put", "patch", "delete", "options"):
        assert getattr(client, method)("/healthz").status_code == 405, method


def test_without_the_database_queue_no_worker_is_needed():
    # The test settings run tasks inline (CITYTOOLS_TASKS_IMMEDIATE): there is no worker.
    assert ready() == (200, {"status": "ok", "checks": {"database": "ok", "worker": "not required"}})


@override_settings(TASKS=DATABASE_QUEUE)
def test_with_the_database_queue_readiness_waits_for_a_worker():
    assert ready() == (503, {"status": "unavailable", "checks": {"database": "ok", "worker": "missing"}})


@override_settings(TASKS=DATABASE_QUEUE, CITYTOOLS_WORKER_REQUIRED=False)
def test_a_deployment_without_a_worker_can_say_so():
    assert ready() == (200, {"status": "ok", "checks": {"database": "ok", "worker": "not required"}})


# The scheduler closes its connection after each tick, as a thread must: these tests commit.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE=300)
def test_a_heartbeat_older_than_the_limit_fails_readiness():
    with time_machine.travel(NOW, tick=False):
        Scheduler(interval=60, worker="worker-1").tick()
        assert ready() == (200, {"status": "ok", "checks": {"database": "ok", "worker": "ok"}})
    with time_machine.travel(NOW + datetime.timedelta(seconds=300), tick=False):
        assert ready()[0] == 200
    with time_machine.travel(NOW + datetime.timedelta(seconds=301), tick=False):
        assert ready() == (503, {"status": "unavailable", "checks": {"database": "ok", "worker": "stale"}})
        # Another worker that is alive is enough.
        Scheduler(interval=60, worker="worker-2").tick()
        assert ready()[0] == 200


def test_each_worker_keeps_one_row_and_stopped_ones_are_forgotten():
    health.record_heartbeat(worker="old", now=NOW - datetime.timedelta(days=2))
    health.record_heartbeat(worker="w", now=NOW - datetime.timedelta(minutes=1))
    health.record_heartbeat(worker="w", now=NOW)
    assert list(Heartbeat.objects.values_list("worker", "beat_at")) == [("w", NOW)]


class BrokenConnections:
    """A database that answers with an error holding what no visitor should read."""

    def __getitem__(self, alias):
        raise DatabaseError('password authentication failed for user "citytools" at db.internal:5432')


def test_a_database_that_fails_makes_readiness_fail_without_saying_why(monkeypatch, caplog):
    monkeypatch.setattr(health, "connections", BrokenConnections())
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "checks": {"database": "failed", "worker": "failed"}}
    assert b"password" not in response.content and b"internal" not in response.content
    # The operator finds the reason in the log.
    assert "password authentication failed" in caplog.text


def test_readiness_is_not_cached():
    assert "no-store" in Client().get("/readyz").headers["Cache-Control"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_worker_beats_in_its_once_mode_too():
    """`citytools worker --once` from cron counts as a worker seen."""
    call_command("worker", "--once", verbosity=0, stdout=io.StringIO())
    assert ready()[1]["checks"]["worker"] == "ok"
