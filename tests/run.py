"""`make test`: the suite on SQLite, again on PostgreSQL, then the browser tests.

PostgreSQL runs whenever a server answers at CITYTOOLS_TEST_POSTGRES_URL, and the browser
tests whenever chromium is on PATH. When either is missing the run says so; with
CITYTOOLS_REQUIRE_ALL=1 (set by .ci/run) a missing one is a failure instead.
"""

import os
import shutil
import subprocess
import sys

POSTGRES_URL = os.environ.get(
    "CITYTOOLS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_ALL = os.environ.get("CITYTOOLS_REQUIRE_ALL") == "1"


def postgres_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL.replace("postgres://", "postgresql://"), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def pytest(label: str, *args: str, env: dict | None = None) -> int:
    print(f"\n=== {label} ===", flush=True)
    return subprocess.call(
        [sys.executable, "-m", "pytest", *args], env={**os.environ, **(env or {})}
    )


def unavailable(label: str, reason: str) -> int:
    print(f"\n=== {label}: not run, {reason} ===", flush=True)
    return 1 if REQUIRE_ALL else 0


def run_sqlite() -> int:
    return pytest("Suite on SQLite", "-m", "not browser", "-n", "2", "-q")


def run_postgres() -> int:
    if not postgres_reachable():
        return unavailable("Suite on PostgreSQL", f"no server answers at {POSTGRES_URL}")
    # Only the tests that reach the database (tests/conftest.py): pytest-django refuses the
    # database to every other test, so those answer alike on both and the SQLite pass has them.
    return pytest(
        "Suite on PostgreSQL", "-m", "not browser", "-n", "2", "-q", "--database-tests-only",
        env={"DATABASE_URL": POSTGRES_URL},
    )


def run_browser() -> int:
    if not shutil.which("chromium"):
        return unavailable("Browser tests", "chromium is not installed (.ci/run installs it)")
    # Three workers, each with its own server and browser. The end-to-end challenge starts first
    # and spends minutes waiting for its deadlines with nothing to do: the other two keep both
    # cores busy meanwhile, and work stealing shares out the rest as each one frees up. Only
    # tests/browser/ is collected (tests/conftest.py refuses a browser test anywhere else), so
    # the workers do not import the whole suite to find them.
    return pytest("Browser tests in chromium", "-m", "browser", "-q", "-n", "3", "--dist", "worksteal", "tests/browser")


STEPS = {"sqlite": run_sqlite, "postgres": run_postgres, "browser": run_browser}


def main(argv: list[str]) -> int:
    names = argv or list(STEPS)
    results = {name: STEPS[name]() for name in names}
    print("\n=== Summary ===")
    for name, code in results.items():
        print(f"{name}: {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
