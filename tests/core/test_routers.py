"""Read replicas (citytools.core.routers): with DATABASE_REPLICA_URL set, reads go to the
`replica` alias and writes to `default`, migrations run on `default` only, and without it
nothing is routed.

Proved with two connections to the same database, as Django's test mirror does: the replica
here is a second connection to the test database (on SQLite, to its shared in-memory
database), so what the primary commits it reads at once, and each query shows on the
connection that sent it."""

import copy
import json
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.db.utils import load_backend
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from citytools.core.models import Heartbeat
from citytools.core.routers import REPLICA, ReplicaRouter
from citytools.directory.models import Organisation
from citytools.inventory.models import System
from tests.factories import OrganisationFactory, SystemFactory
from tests.served import ROOT

ROUTED = override_settings(DATABASE_ROUTERS=["citytools.core.routers.ReplicaRouter"])


@pytest.fixture
def replica():
    """A second connection to the test database, named `replica`."""
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": "default"}
    # Made by hand rather than listed in settings.DATABASES, which the test case has checked.
    connections[REPLICA] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, REPLICA)
    try:
        with ROUTED:
            yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]


def sent(captured, verb: str) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if query["sql"].lstrip().upper().startswith(verb)]


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as read:
        organisation = OrganisationFactory(name="Northtown Council")
        found = Organisation.objects.get(pk=organisation.pk)
    assert found.name == "Northtown Council"
    assert found._state.db == REPLICA
    assert sent(primary, "INSERT") and not sent(read, "INSERT")
    assert any("directory_organisation" in sql for sql in sent(read, "SELECT"))
    assert not any("directory_organisation" in sql for sql in sent(primary, "SELECT"))

    # A record read from the replica is saved to the primary.
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as read:
        found.name = "Northtown Borough Council"
        found.save()
    assert sent(primary, "UPDATE") and not sent(read, "UPDATE")
    assert Organisation.objects.using("default").get(pk=organisation.pk).name == "Northtown Borough Council"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(replica):
    """A service reads what it is about to change where it changes it, so a replica's lag
    cannot make it check a version that is already old."""
    system = SystemFactory()
    with CaptureQueriesContext(replica) as read, transaction.atomic():
        assert System.objects.get(pk=system.pk)._state.db == "default"
    assert sent(read, "SELECT") == []


@pytest.mark.django_db(transaction=True)
def test_relations_between_the_two_are_allowed(replica):
    system = SystemFactory()
    read = System.objects.select_related(None).get(pk=system.pk)
    organisation = Organisation.objects.using("default").get(pk=system.organisation_id)
    assert read._state.db == REPLICA
    read.organisation = organisation  # refused if the router did not allow it
    read.save()


def test_sessions_throttle_queue_and_heartbeat_are_read_on_the_primary():
    routing = ReplicaRouter()
    for model in (Session, AccessAttempt, DBTaskResult, Heartbeat):
        assert routing.db_for_read(model) == "default", model
    assert routing.db_for_read(Organisation) == REPLICA


def test_migrations_run_on_the_primary_only():
    routing = ReplicaRouter()
    assert routing.allow_migrate("default", "inventory") is True
    assert routing.allow_migrate(REPLICA, "inventory") is False


def test_without_a_replica_nothing_is_routed():
    assert router.db_for_read(Organisation) == "default"
    assert router.db_for_write(Organisation) == "default"


def configured(env: dict) -> dict:
    code = (
        "import json; from django.conf import settings; import django; django.setup(); "
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS, "
        "'replica': settings.DATABASES.get('replica', {}).get('NAME'), "
        "'mirror': settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))"
    )
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_REPLICA_URL"}}
    finished = subprocess.run(
        [sys.executable, "-c", code], env={**base, "DJANGO_SETTINGS_MODULE": "citytools.settings", **env},
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(finished.stdout)


def test_the_setting_adds_the_replica_and_the_router():
    assert configured({})["routers"] == []
    assert "replica" not in configured({})["aliases"]
    with_replica = configured({"DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/citytools"})
    assert with_replica == {
        "aliases": ["default", "replica"],
        "routers": ["citytools.core.routers.ReplicaRouter"],
        "replica": "citytools",
        "mirror": "default",
    }
