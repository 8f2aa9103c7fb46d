"""The queue does not run a job twice: several workers (`citytools worker` on several
machines, or several on one) over the same queued tasks run each exactly once.

django-tasks-db claims a task inside a transaction: it selects the oldest ready task with
`SELECT … FOR UPDATE SKIP LOCKED` (on SQLite, in an EXCLUSIVE transaction, so one worker
claims at a time), marks it RUNNING and commits before running it. These tests start workers
in threads, each with its own database connection, over the same tasks, and count the runs;
on PostgreSQL the row locks are real and the workers really overlap. On SQLite, two real
`citytools worker` processes share a database file, as they would in production (the test
database there is in memory, whose locks refuse where a file's wait)."""

import collections
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils.crypto import get_random_string
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.served import CITYTOOLS, ROOT, environment, run

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASKS = 60
WORKERS = 2

IN_MEMORY = (
    "SQLite's in-memory test database refuses a second writer (\"database table is locked\") where a "
    "file makes it wait: test_two_worker_processes_on_a_sqlite_file is this test on SQLite."
)

runs: collections.Counter = collections.Counter()
runs_lock = threading.Lock()


@task()
def count_run(number: int) -> int:
    with runs_lock:
        runs[number] += 1
    return number


def worker(barrier: threading.Barrier, failures: list) -> None:
    try:
        barrier.wait()
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
        ).run()
    except BaseException as error:  # noqa: BLE001  (reported by the test, not lost in a thread)
        failures.append(error)
    finally:
        connection.close()


@pytest.fixture
def queued():
    runs.clear()
    with override_settings(TASKS=DATABASE_QUEUE):
        for number in range(TASKS):
            count_run.enqueue(number)
        yield


def test_two_workers_run_every_task_exactly_once(queued):
    if connection.vendor == "sqlite":
        pytest.skip(IN_MEMORY)
    barrier = threading.Barrier(WORKERS)
    failures: list = []
    threads = [threading.Thread(target=worker, args=(barrier, failures)) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert runs == collections.Counter(range(TASKS))  # each once, none missed
    results = list(DBTaskResult.objects.all())
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)
    # Both workers took part: the test would prove nothing if one had done everything.
    assert len({result.worker_ids[0] for result in results}) == WORKERS


def test_two_claims_at_the_same_moment_get_different_tasks(queued):
    """Two workers ask for the next task at once, each holding its lock until the other has
    asked too."""
    if connection.vendor == "sqlite":
        pytest.skip(IN_MEMORY)
    claimed: list = []
    failures: list = []
    both_asked = threading.Barrier(2, timeout=10)
    start = threading.Barrier(2)

    def claim(name: str) -> None:
        try:
            start.wait()
            with transaction.atomic():
                found = DBTaskResult.objects.ready().get_locked()
                found.claim(name)
                claimed.append(found.pk)
                both_asked.wait()  # the other claims while this lock is held
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(claimed) == 2 and claimed[0] != claimed[1]
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 2


ENQUEUE = f"""
import django
django.setup()
from django.db import transaction
from tests.core.queue_tasks import log_run
with transaction.atomic():
    for number in range({TASKS}):
        log_run.enqueue(number)
"""
HEARTBEATS = "import django; django.setup(); from citytools.core.models import Heartbeat; print(Heartbeat.objects.count())"


def test_two_worker_processes_on_a_sqlite_file_run_every_task_once(tmp_path):
    """Two `citytools worker` processes on one SQLite file, as on one machine: both running
    (each has recorded its heartbeat) before the tasks are queued, each run logged by the task."""
    if connection.vendor != "sqlite":
        pytest.skip("On PostgreSQL the workers in threads above share the suite's database; this is SQLite's test.")
    runs_log = tmp_path / "runs.log"
    # PYTHONPATH: the workers import the test's task (tests.core.queue_tasks) from the project folder.
    env = environment(str(tmp_path), QUEUE_TEST_LOG=str(runs_log), CITYTOOLS_TASKS_IMMEDIATE="0", PYTHONPATH=str(ROOT))
    run([str(CITYTOOLS), "migrate", "--no-input", "--verbosity", "0"], env)
    workers = [
        subprocess.Popen([str(CITYTOOLS), "worker", "--verbosity", "0"], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(WORKERS)
    ]
    try:
        deadline = time.monotonic() + 60
        while run([sys.executable, "-c", HEARTBEATS], env).strip() != str(WORKERS):
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.5)
        run([sys.executable, "-c", ENQUEUE], env)
        deadline = time.monotonic() + 120
        while not runs_log.exists() or len(runs_log.read_text().splitlines()) < TASKS:
            assert time.monotonic() < deadline, "the workers did not finish the tasks"
            time.sleep(0.5)
        time.sleep(2)  # a task run twice would show by now
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        errors = [process.communicate(timeout=30)[1] for process in workers]
    lines = [line.split() for line in runs_log.read_text().splitlines()]
    assert collections.Counter(int(number) for number, _ in lines) == collections.Counter(range(TASKS)), errors
    assert len({pid for _, pid in lines}) == WORKERS  # both took part
