"""`make test`: the suite on SQLite, again on PostgreSQL, and the browser tests beside them.

PostgreSQL runs whenever a server answers at CITYTOOLS_TEST_POSTGRES_URL, and the browser
tests whenever chromium is on PATH. When either is missing the run says so; with
CITYTOOLS_REQUIRE_ALL=1 (set by .ci/run) a missing one is a failure instead.

The browser step spends much of its time waiting: for a challenge's deadlines to pass, for
chromium to start, lay out and draw. So when the whole run is asked for, it starts first, in
the background, and the two database passes run one after the other meanwhile, using the
cores it leaves idle. Its output is kept in a file and printed when it ends, so that the
passes' progress lines do not interleave.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

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


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def pytest(label: str, *args: str, env: dict | None = None) -> int:
    print(f"\n=== {label} ===", flush=True)
    return subprocess.call(command(*args), env={**os.environ, **(env or {})})


def unavailable(label: str, reason: str) -> int:
    print(f"\n=== {label}: not run, {reason} ===", flush=True)
    return 1 if REQUIRE_ALL else 0


# Two workers; a module marked xdist_group runs on one of them only (loadgroup), the rest is
# shared out test by test.
PASS_ARGS = ("-m", "not browser", "-n", "2", "--dist", "loadgroup", "-q")


def run_sqlite() -> int:
    return pytest("Suite on SQLite", *PASS_ARGS)


def run_postgres() -> int:
    if not postgres_reachable():
        return unavailable("Suite on PostgreSQL", f"no server answers at {POSTGRES_URL}")
    # Only the tests that reach the database (tests/conftest.py): pytest-django refuses the
    # database to every other test, so those answer alike on both and the SQLite pass has them.
    return pytest(
        "Suite on PostgreSQL", *PASS_ARGS, "--database-tests-only",
        env={"DATABASE_URL": POSTGRES_URL},
    )


BROWSER_LABEL = "Browser tests in chromium"


def browser_args() -> tuple[str, ...]:
    # Three workers, each with its own server and browser. The end-to-end challenge starts first
    # and spends minutes waiting for its deadlines with nothing to do: the other two keep the
    # cores busy meanwhile, and work stealing shares out the rest as each one frees up. Only
    # tests/browser/ is collected (tests/conftest.py refuses a browser test anywhere else), so
    # the workers do not import the whole suite to find them.
    return ("-m", "browser", "-q", "-n", "3", "--dist", "worksteal", "tests/browser")


def browser_missing() -> int | None:
    if shutil.which("chromium"):
        return None
    return unavailable(BROWSER_LABEL, "chromium is not installed (.ci/run installs it)")


def run_browser() -> int:
    missing = browser_missing()
    return missing if missing is not None else pytest(BROWSER_LABEL, *browser_args())


class Background:
    """The browser step started in the background, its output kept for when it ends."""

    def __init__(self):
        self.output = tempfile.TemporaryFile(mode="w+")
        self.started = time.monotonic()
        print(f"\n=== {BROWSER_LABEL}: started beside the database passes, output at the end ===", flush=True)
        self.process = subprocess.Popen(command(*browser_args()), stdout=self.output, stderr=subprocess.STDOUT)

    def finish(self) -> int:
        code = self.process.wait()
        print(f"\n=== {BROWSER_LABEL} (ran beside the passes; {time.monotonic() - self.started:.0f} s) ===", flush=True)
        self.output.seek(0)
        shutil.copyfileobj(self.output, sys.stdout)
        sys.stdout.flush()
        return code


STEPS = {"sqlite": run_sqlite, "postgres": run_postgres, "browser": run_browser}


def main(argv: list[str]) -> int:
    names = argv or list(STEPS)
    results = {}
    background = None
    if "browser" in names and len(names) > 1:
        missing = browser_missing()
        if missing is None:
            background = Background()
        else:
            results["browser"] = missing
    for name in names:
        if name != "browser" or len(names) == 1:
            results[name] = STEPS[name]()
    if background is not None:
        results["browser"] = background.finish()
    print("\n=== Summary ===")
    for name in names:
        code = results[name]
        print(f"{name}: {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
