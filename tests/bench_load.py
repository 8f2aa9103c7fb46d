"""The load test of `make bench`: many people reading and writing at once, through gunicorn.

    python -m tests.bench_load [--seconds 60] [--database sqlite|postgres|both]

For each database it builds a fresh demo (`citytools migrate`, `citytools demo`) and starts
gunicorn with as many sync worker processes as the machine has cores (tests/served.py), with
the real settings. Then, for --seconds: 20 editors, each signed in with a session of its own
as Camden's demo editor, read one record of their own (a Camden contract, or a system when the
contracts run out) and save it with If-Match and the CSRF header, again and again; 20 readers,
each signed in as Camden's demo member, ask for the overview, Camden's page, the contracts
list, a contract's page and two API reads in turn. A reader's session is saved at most once a
minute (SESSION_REFRESH_SECONDS), so reading is not writing. It prints, for reads by editors,
writes and reads by readers, how many requests answered 2xx, 4xx and 5xx and the median and
95th-percentile time, and says whether any answered 5xx: the target is none at all. It
measures and always exits 0, as the rest of the bench does.
"""

import argparse
import contextlib
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import defaultdict

import requests

from tests import served

EDITORS = 20
READERS = 20
POSTGRES_SERVER = os.environ.get("CITYTOOLS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DATABASE = "citytools_bench_load"
TIMEOUT = 60


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


class Tally:
    """Each request's kind, status and time, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = defaultdict(lambda: defaultdict(int))
        self.failures = defaultdict(int)

    def timed(self, kind: str, send):
        start = time.perf_counter()
        try:
            answer = send()
        except requests.RequestException as error:
            with self.lock:
                self.failures[f"{kind}: {error.__class__.__name__}"] += 1
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            self.statuses[kind][f"{answer.status_code // 100}xx"] += 1
            if answer.status_code >= 400:
                self.failures[f"{kind}: {answer.status_code}"] += 1
        return answer


def person(cookies: dict[str, str], session_key: str) -> requests.Session:
    """A signed-in person's browser: the session cookie, and a CSRF cookie its writes echo."""
    browser = requests.Session()
    token = secrets.token_hex(16)
    browser.cookies.set(cookies["csrf"], token, domain="127.0.0.1")
    browser.cookies.set(cookies["session"], session_key, domain="127.0.0.1")
    browser.headers["X-CSRFToken"] = token
    return browser


def editor(url: str, browser: requests.Session, record: tuple[str, int], n: int, tally: Tally, until: float) -> None:
    kind, pk = record
    address = f"{url}/api/v1/{kind}/{pk}"
    field = "title" if kind == "contracts" else "notes"
    edit = 0
    while time.monotonic() < until:
        answer = tally.timed("editor read", lambda: browser.get(address, timeout=TIMEOUT))
        if answer is None or answer.status_code != 200:
            continue
        edit += 1
        body = {field: f"Load test: editor {n}, edit {edit}"}
        etag = answer.headers["ETag"]
        tally.timed(
            "write",
            lambda body=body, etag=etag: browser.patch(address, json=body, headers={"If-Match": etag}, timeout=TIMEOUT),
        )


def reader(url: str, browser: requests.Session, pages: list[str], n: int, tally: Tally, until: float) -> None:
    turn = n
    while time.monotonic() < until:
        page = pages[turn % len(pages)]
        tally.timed("reader read", lambda page=page: browser.get(url + page, timeout=TIMEOUT))
        turn += 1


def load(env: dict[str, str], seconds: float, label: str) -> None:
    served.run([sys.executable, "-m", "citytools.cli", "migrate", "--no-input", "--verbosity", "0"], env)
    served.run([sys.executable, "-m", "citytools.cli", "demo"], env)
    world = served.prepare(env, "load-world", str(EDITORS), str(READERS))
    workers = os.cpu_count() or 1
    with served.serve(env, workers=workers) as server:
        tally = Tally()
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=editor, args=(server.url, person(world["cookies"], key), tuple(record), n, tally, until))
            for n, (key, record) in enumerate(zip(world["editors"], world["records"]))
        ] + [
            threading.Thread(target=reader, args=(server.url, person(world["cookies"], key), world["pages"], n, tally, until))
            for n, key in enumerate(world["readers"])
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - started
        errors = server.errors()
    print(
        f"\n{label}: {EDITORS} editors (GET then PATCH with If-Match, each on a record of its own) and {READERS} "
        f"readers, signed in, for {took:.0f} s; gunicorn with {workers} sync worker(s), one per core"
    )
    header = f"{'requests':<14} {'count':>7} {'2xx':>7} {'4xx':>6} {'5xx':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    for kind in ("editor read", "write", "reader read"):
        times, statuses = tally.times[kind], tally.statuses[kind]
        if not times:
            print(f"{kind:<14} {0:>7}")
            continue
        print(
            f"{kind:<14} {len(times):>7} {statuses['2xx']:>7} {statuses['4xx']:>6} {statuses['5xx']:>6} "
            f"{len(times) / took:>7.1f} {percentile(times, 0.5):>8.1f} {percentile(times, 0.95):>8.1f}"
        )
    server_errors = sum(tally.statuses[kind]["5xx"] for kind in tally.statuses)
    for failure, count in sorted(tally.failures.items()):
        print(f"  {count} x {failure}")
    if server_errors:
        print(f"{label}: FAIL, {server_errors} server error(s); the first:\n{errors[:3000]}")
    else:
        print(f"{label}: PASS, no server error")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_load", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long the load lasts on each database (60)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    if args.database in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory(prefix="citytools-load-") as data_dir:
            load(served.environment(data_dir, CITYTOOLS_DEMO_MODE="1"), args.seconds, "sqlite")
    if args.database in {"postgres", "both"}:
        import psycopg

        with contextlib.ExitStack() as stack:
            try:
                url = stack.enter_context(served.postgres_database(POSTGRES_SERVER, BENCH_DATABASE))
            except psycopg.Error as error:
                print(f"\npostgresql: load not measured, no server answers at {POSTGRES_SERVER} ({error.__class__.__name__})")
                return 0
            data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="citytools-load-"))
            load(served.environment(data_dir, url, CITYTOOLS_DEMO_MODE="1"), args.seconds, "postgresql")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
