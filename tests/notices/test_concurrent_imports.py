"""Two imports of public notices at once, as two coordinators (or a harvest and a person)
might run them: in separate processes on a database of their own (a file on SQLite, a fresh
database on PostgreSQL), both finish, and every release, notice and suggestion is there once."""

import json
import subprocess
import sys

import pytest

from tests import served
from tests.notices.notices import package, release

pytestmark = pytest.mark.database

NOTICES = 300


@pytest.fixture
def environment(tmp_path):
    with served.migrated(str(tmp_path), "imports") as env:
        yield env


def count(env, model: str) -> int:
    out = served.run([sys.executable, "-m", "citytools.cli", "shell", "-c", f"from citytools.notices.models import {model}; print({model}.objects.count())"], env)
    return int(out.strip().splitlines()[-1])


def test_two_imports_of_overlapping_files_at_once_both_finish_and_write_each_thing_once(environment, tmp_path):
    world = served.prepare(environment, "import-world")
    releases = [
        release(f"ocds-b5fd17-race-{n}", buyer=world["buyers"][n % 2], supplier=f"Race Supplier {n} Ltd", number=f"{n:08d}")
        for n in range(NOTICES)
    ]
    # Overlapping halves: the middle third is in both files.
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(package(*releases[: 2 * NOTICES // 3])))
    second.write_text(json.dumps(package(*releases[NOTICES // 3 :])))
    command = [sys.executable, "-m", "citytools.cli", "import_ocds", "--as", world["coordinator"], "--no-progress"]
    runs = [
        subprocess.Popen([*command, str(path)], env=environment, cwd=served.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in (first, second)
    ]
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    assert all(code == 0 for code, _, _ in results), results
    assert count(environment, "Release") == NOTICES
    assert count(environment, "Notice") == NOTICES
    assert count(environment, "Suggestion") == NOTICES
