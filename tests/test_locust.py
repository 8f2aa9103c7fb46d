"""The locust scenario of the load bench (tests/locustfile.py, tests/bench_locust.py) works.

Not a measurement (the bench measures): the scenario's user classes load, and a short run of
every kind of user against a real server, on a small world of its own, answers without a
single error, so that a bench run's errors are the server's and not the scenario's. Locust is
a dependency of the bench environment only (`pip install -e '.[test,bench]'`, which `make
bench` does); without it these tests are skipped, saying so.
"""

import contextlib
import importlib.util
import subprocess
import sys

import pytest

from tests import bench_locust, served

pytestmark = [
    # Its server reaches the suite's database server: run in both passes (tests/conftest.py).
    pytest.mark.database,
    # Looked for, not imported: importing locust patches the standard library for gevent.
    pytest.mark.skipif(
        importlib.util.find_spec("locust") is None,
        reason="locust is installed with the bench's dependencies: pip install -e '.[test,bench]'",
    ),
]

USERS = 10  # the weights 4:3:2:1 give every kind of user at least one


def test_the_user_classes_load():
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(bench_locust.LOCUSTFILE), "--list"],
        cwd=bench_locust.ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert {"PublicReader", "Member", "Editor", "Importer"} <= set(listed.stdout.split())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("locust"))
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(served.migrated(data_dir, "locust"))
        # An organisation with an editor's contract and system (the concurrency tests' world).
        served.prepare(env, "race-world", "1")
        world_path = tmp_path_factory.mktemp("world") / "world.json"
        world = bench_locust.prepare(env, USERS, "", world_path)
        running = stack.enter_context(served.serve(env, workers=2))
        running.world, running.world_path = world, world_path
        yield running


def test_a_short_run_of_every_kind_of_user_has_no_error(server, tmp_path):
    result = bench_locust.run_locust(
        server.url, server.world_path, users=USERS, seconds=5, spawn_rate=USERS, wait="0.1,0.3", folder=tmp_path, label="short"
    )

    assert result.total is not None, result.output
    assert result.total.failures == 0, (result.failures, server.errors())
    assert {row.kind for row in result.rows} == set(bench_locust.KINDS), result.output
