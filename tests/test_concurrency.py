"""Two people save the same version at the same moment: one wins, the other is refused.

Real concurrency needs real concurrent transactions, so these tests run on PostgreSQL only:
the suite's SQLite database is in memory, and SQLite serialises every write on one lock, which
would prove nothing about the conditional update. Each thread has its own database connection
(Django's are per thread). tests/test_concurrent_writes.py races people through a real server
on both databases, a SQLite file included.
"""

import json
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from citytools.core import history
from citytools.core.errors import Conflict
from citytools.inventory import services
from citytools.inventory.models import System
from tests.inventory.test_editing_services import editing_world

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions: run with DATABASE_URL pointing at PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

# How long the winner keeps its transaction open after its conditional UPDATE, so that the
# other thread's UPDATE runs while the row is still held, not after the winner committed.
HOLD_SECONDS = 0.5


@pytest.fixture
def slow_winner(monkeypatch):
    record = history.record_history

    def record_slowly(*args, **kwargs):
        time.sleep(HOLD_SECONDS)
        return record(*args, **kwargs)

    monkeypatch.setattr(history, "record_history", record_slowly)


def run_together(*jobs):
    """Run each job in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier)
        except Exception as error:  # noqa: BLE001  (the test inspects what each thread met)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_stale_service_edits_leave_one_winner_and_one_clear_refusal(slow_winner):
    world = editing_world()
    editor, admin = world.user("editor"), world.user("admin")
    start = world.system.version
    rows_before = world.system.history.count()

    def edit(actor, status, notes):
        def job(barrier):
            opened = System.objects.get(pk=world.system.pk)  # both open version `start`
            barrier.wait()
            services.update_system(opened, version=start, changes={"status": status, "notes": notes}, actor=actor)
            return (status, notes, actor)

        return job

    results = run_together(edit(editor, "planned", "From the editor"), edit(admin, "being_replaced", "From the admin"))

    winners = [r for r in results if isinstance(r, tuple)]
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(refusals) == 1, results
    assert "since you opened it" in refusals[0].message and "Nothing was saved" in refusals[0].message
    status, notes, actor = winners[0]
    system = System.objects.get(pk=world.system.pk)
    assert (system.status, system.notes, system.version) == (status, notes, start + 1)
    assert system.history.count() == rows_before + 1
    latest = system.history.order_by("-history_id").first()
    assert latest.version == start + 1 and latest.history_user == actor and latest.notes == notes


def test_two_api_patches_with_the_same_etag_give_one_200_and_one_412(slow_winner):
    world = editing_world()
    clients = []
    for role in ("editor", "admin"):
        client = Client()
        client.force_login(world.user(role))
        clients.append(client)

    def patch(client, status):
        def job(barrier):
            barrier.wait()
            return client.patch(
                f"/api/v1/systems/{world.system.pk}",
                data=json.dumps({"status": status}),
                content_type="application/json",
                headers={"If-Match": '"1"'},
            )

        return job

    responses = run_together(patch(clients[0], "planned"), patch(clients[1], "being_replaced"))
    assert sorted(r.status_code for r in responses) == [200, 412], responses
    winner = next(r for r in responses if r.status_code == 200)
    system = System.objects.get(pk=world.system.pk)
    assert system.version == 2 and system.status == winner.json()["status"]
    assert system.history.count() == 2
