"""The load test of issue 18 with locust: public, member, editor and importer, through gunicorn.

    python -m tests.bench_locust [--seconds 120] [--users 50] [--spawn-rate 10] [--wait 1,5]
                                 [--database-url URL | --tier demo|london|uk|continental]
                                 [--organisation SLUG] [--bulk-rows 5000]
    python -m tests.bench --locust-only [--locust-seconds 120] [--locust-users 50]

The issue's goal: 50 concurrent users for 2 minutes against gunicorn (workers from the core
count) on PostgreSQL at the uk tier, with zero errors and a p95 of at most 300 ms; then the
same for 2 minutes while the worker imports a 5,000-row file.

By default it builds a fresh demo on PostgreSQL (`citytools migrate`, `citytools demo`, in a
database of its own, dropped afterwards), as tests/bench_load.py does; with --tier uk (say) it
fills that fresh database with `citytools generate --tier uk` instead; with --database-url it
uses a database that is already there and migrated (one that `citytools generate --tier uk`
filled, say), and adds only what the scenario needs: two people (locust-editor@ and
locust-member@load.citytools.invalid, an editor and a member of the organisation) and their
sessions. Either way it starts gunicorn with one sync worker per core and the real settings
(tests/served.py), and writes the scenario's world (`world()`: sessions, records to edit,
pages to read, a contract row to import copies of) for tests/locustfile.py.

Then two phases of --seconds each, each a headless locust run as its own process on loopback
(`python -m locust -f tests/locustfile.py --headless -u USERS -r RATE -t SECONDS --csv ...`):

1. the scenario alone;
2. the same while `citytools worker` (started for this phase) previews and imports a file of
   --bulk-rows new contracts that an editor uploaded through the API as the phase began. The
   import is followed through the API, and the time its preview and its import took is
   printed; if it has not finished when the load ends, it is waited for (at most --seconds
   more) so that its time is known.

For each phase it reads locust's CSV statistics and prints, per kind of request and overall,
the count, failures, requests per second, p50 and p95 against the targets (no error at all,
p95 <= 300 ms), the slowest paths, locust's failures and a server error's traceback if there
was one. It measures, and always exits 0, as the rest of the bench does. Locust itself runs on
the same machine as the server, so on a small one it takes some of the server's CPU.
"""

import argparse
import base64
import contextlib
import csv
import importlib.util
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests import served

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "tests" / "locustfile.py"
USERS = 50
SECONDS = 120
SPAWN_RATE = 10
WAIT = "1,5"
BULK_ROWS = 5_000
TARGET_P95_MS = 300.0
POSTGRES_SERVER = os.environ.get("CITYTOOLS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# With the process's id, so that two benches at once do not drop each other's database.
POSTGRES_DATABASE = f"ct_load_locust_{os.getpid()}"
EDITOR_EMAIL = "locust-editor@load.citytools.invalid"
MEMBER_EMAIL = "locust-member@load.citytools.invalid"
KINDS = ("public page", "public API", "member page", "member API", "editor read", "editor save", "import upload",
         "import preview page", "import commit")


# Run in the server's environment ----------------------------------------------------------


def world(users: int, organisation: str = "") -> dict:
    """What tests/locustfile.py needs, in the database of the server's environment: an editor
    and a member of `organisation` (the demo's Camden, or else the organisation with the most
    active contracts), `users` sessions of each kind, the organisation's records for the
    editors, the pages and API reads of each kind of user, and a contract row to import."""
    from django.conf import settings
    from django.db.models import Count, Q
    from django.urls import reverse

    from citytools.accounts.models import Role
    from citytools.accounts.viewer import Viewer
    from citytools.contracts.models import Contract
    from citytools.directory.models import Organisation
    from citytools.inventory.models import System
    from citytools.spreadsheets.queries import organisation_export
    from tests.factories import UserFactory
    from tests.served import signed_in_sessions

    if organisation:
        own = Organisation.objects.get(slug=organisation)
    else:
        own = Organisation.objects.filter(slug="camden").first() or (
            Organisation.objects.annotate(active=Count("contracts", filter=Q(contracts__retired_at__isnull=True)))
            .order_by("-active", "pk").first()
        )
    editor = UserFactory(email=EDITOR_EMAIL, full_name="Locust editor")
    member = UserFactory(email=MEMBER_EMAIL, full_name="Locust member")
    Role.objects.get_or_create(user=editor, kind="editor", organisation=own)
    Role.objects.get_or_create(user=member, kind="member", organisation=own)
    contracts = list(Contract.objects.active().filter(organisation=own).order_by("pk").values_list("pk", flat=True)[:users])
    systems = list(System.objects.active().filter(organisation=own).order_by("pk").values_list("pk", flat=True)[:users])
    records = [("contracts", pk) for pk in contracts] + [("systems", pk) for pk in systems]
    if not contracts:
        raise RuntimeError(f"{own.slug} has no active contract to edit, nor to import copies of")
    exported = organisation_export(Viewer.for_user(editor), own, "contracts").render("csv").decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(exported))
    row = dict(next(reader), id="", systems="")
    # The contract the public reads: one the public may see (at the generated tiers some are
    # confidential, and a network may hide contracts from the public altogether).
    public_contract = (
        Contract.objects.visible_to(Viewer.public()).filter(organisation=own, retired_at__isnull=True)
        .order_by("pk").values_list("pk", flat=True).first()
    )
    return {
        "organisation": own.slug,
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        "sessions": {
            "member": signed_in_sessions(member, users),
            "editor": signed_in_sessions(editor, users),
            "importer": signed_in_sessions(editor, users),
            "bulk": signed_in_sessions(editor, 1),
        },
        "records": records[:users],
        "pages": {
            "public": [
                reverse("market:overview"), reverse("directory:organisations"), reverse("directory:suppliers"),
                reverse("contracts:contracts"), reverse("directory:organisation", args=[own.slug]),
                reverse("inventory:products"), reverse("inventory:matrix"),
                *([reverse("contracts:contract", args=[public_contract])] if public_contract else []),
            ],
            "member": [
                reverse("satisfaction:report"), reverse("satisfaction:pain_points"), reverse("opportunities:finder"),
                reverse("directory:organisation", args=[own.slug]), reverse("freshness:organisation", args=[own.slug]),
                reverse("accounts:me"), reverse("contracts:contracts"),
            ],
        },
        "api": {
            "public": [
                "/api/v1/overview", "/api/v1/organisations", "/api/v1/suppliers", "/api/v1/products", "/api/v1/contracts",
                "/api/v1/systems", f"/api/v1/organisations/{own.slug}",
                *([f"/api/v1/contracts/{public_contract}"] if public_contract else []),
            ],
            "member": [
                "/api/v1/satisfaction", "/api/v1/pain-points", "/api/v1/opportunities", "/api/v1/me", "/api/v1/inbox",
                "/api/v1/contracts",
            ],
        },
        "import": {"header": reader.fieldnames, "row": row},
    }


# Run by the bench -------------------------------------------------------------------------


def prepare(env: dict[str, str], users: int, organisation: str, path: Path) -> dict:
    """Write the world of the server's database to `path`; the world."""
    args = ["--world", "--users", str(users), *(["--organisation", organisation] if organisation else [])]
    output = served.run([sys.executable, "-m", "tests.bench_locust", *args], env)
    found = json.loads(output.strip().splitlines()[-1])
    path.write_text(json.dumps(found), encoding="utf-8")
    return found


@dataclass
class Row:
    kind: str
    method: str
    count: int
    failures: int
    per_second: float
    p50: float
    p95: float


@dataclass
class Result:
    seconds: float
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)
    slowest: list[tuple[str, int, float, float]] = field(default_factory=list)
    output: str = ""
    # Saves answered 412 (another editor saved the record first): expected, not errors.
    refused_saves: int = 0


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else 0.0


def read_stats(prefix: Path) -> tuple[list[Row], Row | None, list[tuple[str, str, int]]]:
    """Locust's CSV statistics: a row per kind (method and name), the aggregate, failures."""
    rows, total = [], None
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with stats.open(newline="", encoding="utf-8") as file:
            for line in csv.DictReader(file):
                row = Row(line["Name"], line["Type"], int(line["Request Count"]), int(line["Failure Count"]),
                          _number(line["Requests/s"]), _number(line["50%"]), _number(line["95%"]))
                if line["Name"] == "Aggregated":
                    total = row
                else:
                    rows.append(row)
    failures = []
    failed = Path(f"{prefix}_failures.csv")
    if failed.exists():
        with failed.open(newline="", encoding="utf-8") as file:
            failures = [(line["Name"], line["Error"], int(line["Occurrences"])) for line in csv.DictReader(file)]
    return rows, total, failures


def slowest_paths(log: Path, count: int = 5, *, least: int = 5) -> list[tuple[str, int, float, float]]:
    """The paths with the highest p95 in locust's request log, records' ids as {id}, among
    those asked for at least `least` times: (method and path, requests, p50, p95)."""
    times = defaultdict(list)
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            _, path, ms, _, _ = line.split("\t")
            times[re.sub(r"/\d+(?=/|$)", "/{id}", path)].append(float(ms))
    ranked = [
        (path, len(values), statistics.median(values), percentile(values, 0.95))
        for path, values in times.items() if len(values) >= least
    ]
    return sorted(ranked, key=lambda item: item[3], reverse=True)[:count]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def run_locust(url: str, world_path: Path, *, users: int, seconds: float, spawn_rate: float, wait: str, folder: Path,
               label: str) -> Result:
    """One headless locust run as its own process; its statistics."""
    prefix = folder / label
    log = folder / f"{label}.log"
    env = dict(os.environ, CITYTOOLS_LOCUST_WORLD=str(world_path), CITYTOOLS_LOCUST_LOG=str(log), CITYTOOLS_LOCUST_WAIT=wait)
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn_rate),
        "-t", f"{seconds:g}s", "--host", url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "10",
    ]
    started = time.monotonic()
    # Locust exits 1 when a request failed; the statistics say which, so its code is not read.
    finished = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 300)
    took = time.monotonic() - started
    rows, total, failures = read_stats(prefix)
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    refused = sum(1 for line in lines if line.startswith("editor save\t") and line.split("\t")[3] == "412")
    return Result(took, rows, total, failures, slowest_paths(log), finished.stdout[-3000:] + finished.stderr[-3000:], refused)


def report(result: Result, label: str, server: "served.Server") -> None:
    header = f"{'requests':<22} {'count':>7} {'errors':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8}  result"
    print(header)
    print("-" * len(header))
    order = {kind: n for n, kind in enumerate(KINDS)}
    for row in sorted(result.rows, key=lambda row: (order.get(row.kind, len(KINDS)), row.method)):
        verdict = "PASS" if row.failures == 0 and row.p95 <= TARGET_P95_MS else "FAIL"
        print(f"{row.kind:<22} {row.count:>7} {row.failures:>7} {row.per_second:>7.1f} {row.p50:>8.0f} {row.p95:>8.0f}  {verdict}")
    total = result.total
    if total is None or total.count == 0:
        print(f"{label}: NOT MEASURED, locust recorded no request:\n{result.output}")
        return
    print(f"{'all':<22} {total.count:>7} {total.failures:>7} {total.per_second:>7.1f} {total.p50:>8.0f} {total.p95:>8.0f}")
    if result.refused_saves:
        print(f"{result.refused_saves} save(s) answered 412 (another editor saved the same record first), as the API promises: not errors")
    if result.slowest:
        print("slowest paths (p95): " + "; ".join(f"{path} {p95:.0f} ms ({n})" for path, n, _, p95 in result.slowest))
    for name, error, occurrences in result.failures[:10]:
        print(f"  {occurrences} x {name}: {error[:300]}")
    errors = server.errors()
    if errors:
        print(f"the server's first traceback:\n{errors[:3000]}")
    verdicts = [
        f"{'PASS' if total.failures == 0 else 'FAIL'}: {total.failures} error(s) (target 0)",
        f"{'PASS' if total.p95 <= TARGET_P95_MS else 'FAIL'}: p95 {total.p95:.0f} ms (target <= {TARGET_P95_MS:.0f} ms)",
    ]
    print(f"{label}: {total.per_second:.1f} requests/s; " + "; ".join(verdicts) + f" (load average {os.getloadavg()[0]:.1f})")


class BulkImport(threading.Thread):
    """An editor's large import, through the API: upload, then the worker's preview, then the
    import once the preview allows it; the time each took."""

    def __init__(self, url: str, world: dict, content: bytes):
        super().__init__(name="bulk-import", daemon=True)
        self.url = url
        self.world = world
        self.content = content
        self.started = 0.0
        self.previewed: float | None = None
        self.imported: float | None = None
        self.state = "not started"
        self.done = threading.Event()
        self.browser = requests.Session()
        cookies = world["cookies"]
        token = "b" * 32
        self.browser.cookies.set(cookies["session"], world["sessions"]["bulk"][0], domain="127.0.0.1")
        self.browser.cookies.set(cookies["csrf"], token, domain="127.0.0.1")
        self.browser.headers["X-CSRFToken"] = token

    def follow(self, address: str) -> dict:
        while True:
            time.sleep(1)
            upload = self.browser.get(address, timeout=120).json()
            self.state = f"{upload.get('job') or upload.get('status')} {upload.get('job_done', 0):,}/{upload.get('job_total', 0):,}"
            if not upload.get("job"):
                return upload

    def run(self) -> None:
        try:
            self.started = time.monotonic()
            payload = {"kind": "contracts", "filename": "bulk.csv", "content_base64": base64.b64encode(self.content).decode()}
            answer = self.browser.post(f"{self.url}/api/v1/organisations/{self.world['organisation']}/imports", json=payload, timeout=120)
            if answer.status_code != 202:
                self.state = f"upload answered {answer.status_code}: {answer.text[:300]}"
                return
            address = f"{self.url}/api/v1/imports/{answer.json()['id']}"
            upload = self.follow(address)
            self.previewed = time.monotonic() - self.started
            if not upload["can_commit"]:
                self.state = f"preview cannot be imported: {upload['counts']} {upload['job_error']}"
                return
            answer = self.browser.post(f"{address}/commit", timeout=120)
            if answer.status_code != 202:
                self.state = f"commit answered {answer.status_code}: {answer.text[:300]}"
                return
            upload = self.follow(address)
            if upload["status"] == "committed":
                self.imported = time.monotonic() - self.started
                self.state = "imported"
            else:
                self.state = f"not imported: {upload['job_error']}"
        except (requests.RequestException, ValueError, KeyError) as error:
            self.state = f"stopped: {error.__class__.__name__}: {error}"
        finally:
            self.done.set()

    def describe(self) -> str:
        parts = [f"{len(self.content) / 1024:,.0f} KiB uploaded"]
        if self.previewed is not None:
            parts.append(f"previewed by the worker in {self.previewed:.0f} s")
        if self.imported is not None:
            parts.append(f"imported {self.imported - (self.previewed or 0):.0f} s later ({self.imported:.0f} s in all)")
        else:
            parts.append(self.state)
        return ", ".join(parts)


def warm_up(url: str, world: dict, workers: int) -> None:
    """Ask for every page and API read of the scenario a few times, signed in as a member, so
    that each gunicorn worker has loaded its code and templates before the clock starts (as
    tests/bench.py asks for each page once before timing it)."""
    paths = [*world["pages"]["public"], *world["pages"]["member"], *world["api"]["public"], *world["api"]["member"]]

    def ask(path: str) -> None:
        with requests.Session() as browser:
            browser.cookies.set(world["cookies"]["session"], world["sessions"]["member"][0], domain="127.0.0.1")
            browser.get(url + path, timeout=120)

    # As many at once as there are workers, so that each of them answers some.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(ask, paths * workers))


def bulk_csv(world: dict, rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=world["import"]["header"])
    writer.writeheader()
    for n in range(rows):
        writer.writerow(dict(world["import"]["row"], reference=f"BULK-{n:05d}", title=f"Bulk import contract {n}"))
    return out.getvalue().encode()


def load(env: dict[str, str], *, users: int, seconds: float, spawn_rate: float, wait: str, organisation: str,
         bulk_rows: int, label: str) -> None:
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="citytools-locust-") as folder:
        world_path = Path(folder) / "world.json"
        found = prepare(env, users, organisation, world_path)
        with served.serve(env, workers=workers) as server:
            warm_up(server.url, found, workers)
            print(
                f"\n{label}: locust, {users} users (public readers, members, editors, importers 4:3:2:1), spawned at "
                f"{spawn_rate:g}/s, each waiting {wait.replace(',', ' to ')} s between tasks, for {seconds:g} s; organisation "
                f"{found['organisation']}; gunicorn with {workers} sync worker(s), one per core; target: no error, p95 <= "
                f"{TARGET_P95_MS:.0f} ms"
            )
            server.mark()
            result = run_locust(server.url, world_path, users=users, seconds=seconds, spawn_rate=spawn_rate, wait=wait,
                                folder=Path(folder), label="alone")
            report(result, f"{label}, alone", server)

            print(f"\n{label}: the same while `citytools worker` previews and imports {bulk_rows:,} new contracts uploaded as the load begins")
            server.mark()
            with open(Path(folder) / "worker.log", "wb") as worker_log:
                worker = subprocess.Popen([sys.executable, "-m", "citytools.cli", "worker"], env=env, cwd=ROOT,
                                          stdout=worker_log, stderr=subprocess.STDOUT)
                try:
                    bulk = BulkImport(server.url, found, bulk_csv(found, bulk_rows))
                    bulk.start()
                    result = run_locust(server.url, world_path, users=users, seconds=seconds, spawn_rate=spawn_rate,
                                        wait=wait, folder=Path(folder), label="with-import")
                    during = bulk.describe()
                    bulk.done.wait(timeout=seconds)
                finally:
                    served.stop(worker)
            report(result, f"{label}, with the import", server)
            worker_errors = (Path(folder) / "worker.log").read_text(errors="replace")
            if "Traceback" in worker_errors:
                print(f"the worker's first traceback:\n{worker_errors[worker_errors.find('Traceback'):][:3000]}")
            print(f"the {bulk_rows:,}-row import when the load ended: {during}")
            if bulk.done.is_set() and bulk.describe() != during:
                print(f"the {bulk_rows:,}-row import after it: {bulk.describe()}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_locust", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"how long each phase lasts ({SECONDS})")
    parser.add_argument("--users", type=int, default=USERS, help=f"simulated users at once ({USERS})")
    parser.add_argument("--spawn-rate", type=float, default=SPAWN_RATE, help=f"users started per second ({SPAWN_RATE})")
    parser.add_argument("--wait", default=WAIT, help=f"seconds each user waits between two tasks, MIN,MAX ({WAIT})")
    parser.add_argument("--database-url", default="", help="an existing, migrated database to run against (default: a fresh demo on PostgreSQL)")
    parser.add_argument("--organisation", default="", help="the slug of the organisation whose editors and members the users are (camden, or the one with most contracts)")
    parser.add_argument("--bulk-rows", type=int, default=BULK_ROWS, help=f"rows of the file the worker imports in the second phase ({BULK_ROWS})")
    parser.add_argument("--tier", choices=["demo", "london", "uk", "continental"], default="demo",
                        help="what the fresh database holds: the demo, or a generated scale tier (demo)")
    parser.add_argument("--world", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.world:
        import django

        django.setup()
        print("\n" + json.dumps(world(args.users, args.organisation)))
        return 0
    if importlib.util.find_spec("locust") is None:
        print("\nlocust: not measured, locust is not installed (`make bench` installs it: pip install -e '.[test,bench]')")
        return 0
    options = {"users": args.users, "seconds": args.seconds, "spawn_rate": args.spawn_rate, "wait": args.wait,
               "organisation": args.organisation, "bulk_rows": args.bulk_rows}
    with contextlib.ExitStack() as stack:
        data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="citytools-locust-data-"))
        if args.database_url:
            load(served.environment(data_dir, args.database_url), label="postgresql (given database)", **options)
            return 0
        import psycopg

        try:
            url = stack.enter_context(served.postgres_database(POSTGRES_SERVER, POSTGRES_DATABASE))
        except psycopg.Error as error:
            print(f"\npostgresql: locust not measured, no server answers at {POSTGRES_SERVER} ({error.__class__.__name__})")
            return 0
        env = served.environment(data_dir, url, CITYTOOLS_DEMO_MODE="1")
        served.run([sys.executable, "-m", "citytools.cli", "migrate", "--no-input", "--verbosity", "0"], env)
        if args.tier == "demo":
            served.run([sys.executable, "-m", "citytools.cli", "demo"], env)
        else:
            served.run([sys.executable, "-m", "citytools.cli", "generate", "--tier", args.tier, "--no-progress"], env)
        load(env, label=f"postgresql (fresh {'demo' if args.tier == 'demo' else args.tier + ' tier'})", **options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
