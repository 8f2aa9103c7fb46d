"""The scale tiers' part of `make bench`: every page and API list on a generated map (issue 18).

    python -m tests.bench_tiers [--tier london,uk] [--database sqlite|postgres|both] [--requests 20]
                                [--seconds-per-url 20] [--no-datasette | --datasette-only]
    python -m tests.bench --tiers-only ...        the same, from the bench's own command
    make bench-continental                        --tier continental --database postgres

For each tier and database asked, a process of its own builds a fresh database (migrated,
then `citytools generate --tier T`, in demo mode), signs in a platform admin and a member and
an editor of the sample organisation of tests/pages.py (made with tests/factories.py, as the
generated map has no people), and times, through Django's test client with DEBUG off:

- every page of tests/pages.py whose sample the generated map has. Pages whose sample is a
  demo record (challenges, campaigns, initiatives, public notices, surveys) are skipped and
  listed; so are the pages whose samples tests/pages.py would make from demo records;
- every GET of the API without a path parameter (the lists, and the few reads such as
  /api/v1/matrix and /api/v1/overview that take only filters), from the OpenAPI document.

Each URL is asked once to warm up and count queries, then --requests times, or fewer when
--seconds-per-url have gone by (at least 3): a 5-second page is still measured, without
the run taking hours; a URL whose first answer alone takes longer than that is timed once
(n = 1: that first answer, its queries counted), and one that takes longer than --stop-after
(60 s) is stopped and named. It prints p50, p95, the queries of one request and the time they took (the rest is Python), and
the response's size per URL, and a verdict
against the targets: p95 <= 100 ms at the london and uk tiers on both databases, <= 500 ms at
the continental tier on PostgreSQL (a PDF, timed cold, 2 s; an export file 1 s, as in
tests/bench.py).

At the uk tier on SQLite it then compares with Datasette (the `bench` extra), unless
--no-datasette: Datasette serves the same SQLite file (read-only) while gunicorn serves City
Tools on it, and, interleaved, the same four pieces of work are asked of each over HTTP:
Datasette runs plain SQL (no visibility rules), City Tools its API as the platform admin (its
visibility rules applied). It prints p50 and p95 of each and the ratio ours/Datasette: the
target is a ratio <= 1. Always exits 0: it measures, it does not judge a build.
"""

import argparse
import contextlib
import io
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from tests import served

TIERS = ("london", "uk", "continental")
TARGET_MS = {"london": 100.0, "uk": 100.0, "continental": 500.0}
PDF_TARGET_MS = 2000.0
EXPORT_TARGET_MS = 1000.0
PDFS = {"satisfaction:pack_pdf", "partnering:challenge_pdf"}
EXPORTS = {"spreadsheets:contracts_export", "spreadsheets:systems_export", "spreadsheets:organisation_export",
           "spreadsheets:network_export", "inventory:matrix_csv"}
# tests/pages.py makes these pages' samples from the demo's own records (Camden's demo notices,
# the London network's demo survey): on a generated map they would be demo records beside
# invented ones, which `citytools generate` exists to avoid.
DEMO_FIXTURES = {"notices:queue", "notices:suggestion", "notices:import", "registers:survey"}
# Not pages: readiness answers 503 while no worker beats, and the bench runs none.
NOT_MEASURED = {"core:readyz": "answers 503 without a running worker"}
# API reads that are one person's own, and whom to ask them as (an alert subscription is for
# an organisation's staff, not a platform admin as such).
API_AS = {"/api/v1/alerts": "member"}
# Files rather than lists: timed against the export target, as tests/bench.py times exports.
API_FILES = {"/api/v1/exports/contracts", "/api/v1/exports/systems", "/api/v1/imports/template"}
AS_OF = "2026-12-01"
POSTGRES_SERVER = os.environ.get("CITYTOOLS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
EMAILS = {"admin": "admin@tiers.invalid", "member": "member@tiers.invalid", "editor": "editor@tiers.invalid"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def people(organisation) -> dict:
    """The accounts to sign in as: a platform admin, and a member and an editor of `organisation`."""
    from tests.factories import RoleFactory, UserFactory

    found = {}
    for kind, email in EMAILS.items():
        user = UserFactory(email=email, full_name=f"Bench {kind}")
        RoleFactory(user=user, kind=kind, **({} if kind == "admin" else {"organisation": organisation}))
        found[kind] = user
    return found


def timed(client, url: str, *, requests: int, seconds: float, cold=None) -> list[float]:
    timings: list[float] = []
    started = time.perf_counter()
    while len(timings) < requests and (len(timings) < 3 or time.perf_counter() - started < seconds):
        if cold:
            cold()
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


class Stopped(BaseException):
    """Not an Exception, so that no `except Exception` in a view swallows it and runs on."""


@contextlib.contextmanager
def stopped_after(seconds: float, connection):
    """Stop a request that runs longer than `seconds`: a timer cancels the database's running
    query (SQLite's interrupt, PostgreSQL's cancel) and an alarm interrupts Python."""
    def cancel():
        raw = connection.connection
        if raw is not None:
            raw.interrupt() if connection.vendor == "sqlite" else raw.cancel()

    def alarm(signum, frame):
        raise Stopped(f"stopped after {seconds:.0f} s")

    timer = threading.Timer(seconds, cancel)
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds + 0.5, 1.0)  # and again each second until it ends
    timer.start()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        timer.cancel()


def measure(tier: str, requests: int, seconds: float, datasette: str, abort: float, only: list[str]) -> int:
    """In the child process, whose environment names its database."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.pages import _camden, discover, signed_in_as

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    report = io.StringIO()
    call_command("generate", tier=tier, as_of=_date(AS_OF), no_progress=True, stdout=report)
    vendor = connection.vendor
    target = TARGET_MS[tier]
    print(f"\n{tier} tier on {vendor}: built in {time.perf_counter() - started:.0f} s. {report.getvalue().strip()}")
    # The organisation whose staff pages tests/pages.py opens as its editor (Camden, in the
    # london and uk tiers; the sample organisation in the continental tier).
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a refusal is in the table
    sample = _camden()
    accounts = people(sample)
    clients = {}
    for kind, user in accounts.items():
        clients[kind] = Client()
        clients[kind].force_login(user)
    print(f"Signed in as a platform admin (every page but a person's own), and as a member and an editor of {sample.name}.")
    if datasette == "only":
        compare_with_datasette(requests)
        return 0
    print(f"{requests} requests per URL after one warm-up (fewer after {seconds:.0f} s, at least 3); "
          f"target p95 <= {target:.0f} ms (PDF cold {PDF_TARGET_MS:.0f} ms, file {EXPORT_TARGET_MS:.0f} ms)\n")
    header = f"{'URL':<60} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'SQL ms':>7} {'KiB':>8}  result"
    print(header)
    print("-" * len(header))
    missed, skipped = [], []

    def run(label: str, client, url: str, limit: float, *, pdf: bool = False) -> None:
        if only and not any(part in label or part in url for part in only):
            return
        start = time.perf_counter()
        try:
            with CaptureQueriesContext(connection) as captured, stopped_after(abort, connection):
                response = client.get(url)
        except (Exception, Stopped) as error:  # stopped, or the view failed: either way no figure
            connection.close()
            why = f"stopped after {abort:.0f} s" if time.perf_counter() - start >= abort else f"{error.__class__.__name__}: {error}"[:120]
            print(f"{label[:60]:<60} {'':>3} {'':>8} {'':>8} {'':>7} {'':>7} {'':>8}  FAIL: {why}", flush=True)
            missed.append((label, why))
            return
        first = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            print(f"{label:<60} {'':>3} {'':>8} {'':>8} {'':>7} {'':>7} {'':>8}  FAIL: status {response.status_code}")
            missed.append((label, f"status {response.status_code}"))
            return
        if first > seconds * 1000:
            # Slower than the URL's whole budget: its warm-up (with its queries counted) is the
            # one figure, so that the run ends today; the table says n = 1.
            answer = response
        else:
            with CaptureQueriesContext(connection) as captured:
                answer = client.get(url)
        queries = len(captured)
        # The database's share of one request: what the queries took, as Django's debug cursor
        # times them (the rest is Python: views, templates, serialising, and the test client).
        sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        size = len(answer.getvalue() if answer.streaming else answer.content) / 1024
        timings = [first] if first > seconds * 1000 else timed(
            client, url, requests=min(requests, 5) if pdf else requests, seconds=seconds, cold=cache.clear if pdf else None)
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        verdict = "PASS" if p95 <= limit else "FAIL"
        shown = label if limit == target else f"{label} [{'cold, ' if pdf else 'file, '}<= {limit:.0f}]"
        if verdict == "FAIL":
            missed.append((shown, f"p95 {p95:,.0f} ms"))
        print(f"{shown[:60]:<60} {len(timings):>3} {p50:>8.1f} {p95:>8.1f} {queries:>7} {sql_ms:>7.1f} {size:>8,.0f}  {verdict}", flush=True)

    for name, pages in discover().items():
        if name in NOT_MEASURED:
            skipped.append(f"{name} ({NOT_MEASURED[name]})")
            continue
        if name in DEMO_FIXTURES:
            skipped.append(f"{name} (its samples are demo records)")
            continue
        if isinstance(pages, str):
            skipped.append(f"{name} (no sample in the generated map)")
            continue
        person = signed_in_as(name)
        if person not in clients:
            skipped.append(f"{name} (a demo person's own page: {person})")
            continue
        for page in pages:
            limit = PDF_TARGET_MS if name in PDFS else EXPORT_TARGET_MS if name in EXPORTS else target
            run(page.label, clients[person], page.url, limit, pdf=name in PDFS)

    admin = clients["admin"]
    schema = admin.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "get" not in operations or "{" in path:
            continue
        run(f"GET {path}", clients[API_AS.get(path, "admin")], path, EXPORT_TARGET_MS if path in API_FILES else target)
    print()
    if skipped:
        print(f"{tier}/{vendor}: skipped {len(skipped)} URL name(s): {'; '.join(skipped)}")
    if missed:
        print(f"{tier}/{vendor}: {len(missed)} URL(s) miss the target: " + "; ".join(f"{label} ({why})" for label, why in missed))
    else:
        print(f"{tier}/{vendor}: every URL measured meets the target.")
    if datasette == "yes" and tier == "uk" and vendor == "sqlite":
        compare_with_datasette(requests)
    return 0


def _only(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _date(text: str):
    import datetime

    return datetime.date.fromisoformat(text)


# The comparison with Datasette ----------------------------------------------------------
#
# Each pair is the same question: our API, as the platform admin (who sees every record, so
# the answer's size is the largest; the visibility rules still run), and plain SQL over the
# same tables through Datasette's JSON API, which applies no rules at all. Only live records
# (retired_at IS NULL) count on both sides.

def comparisons(area_slug: str) -> list[tuple[str, str, str]]:
    """(what, our API's URL, Datasette's SQL)."""
    live_systems = "select * from inventory_system where retired_at is null"
    return [
        (
            "matrix: systems per organisation x service area",
            "/api/v1/matrix",
            "select o.name as organisation, a.name as service_area, count(*) as systems, "
            "group_concat(p.name, '; ') as products "
            f"from ({live_systems}) s join inventory_system_service_areas sa on sa.system_id = s.id "
            "join inventory_servicearea a on a.id = sa.servicearea_id join directory_organisation o on o.id = s.organisation_id "
            "join inventory_product p on p.id = s.product_id group by o.id, a.id order by o.name, a.name",
        ),
        (
            f"market share: organisations per supplier in one service area ({area_slug})",
            f"/api/v1/service-areas/{area_slug}",
            "select coalesce(s.supplier_id, p.manufacturer_id) as provider, sup.name, count(distinct s.organisation_id) as organisations, "
            "count(*) as systems "
            f"from ({live_systems}) s join inventory_system_service_areas sa on sa.system_id = s.id "
            "join inventory_servicearea a on a.id = sa.servicearea_id join inventory_product p on p.id = s.product_id "
            "join directory_supplier sup on sup.id = coalesce(s.supplier_id, p.manufacturer_id) "
            f"where a.slug = '{area_slug}' or a.parent_id = (select id from inventory_servicearea where slug = '{area_slug}') "
            "group by provider order by organisations desc, sup.name",
        ),
        (
            "expiry timeline: contracts ending in 12 months, with names (first 100)",
            "/api/v1/contracts?ending_within=365&sort=end_date&limit=100",
            "select c.id, c.title, c.end_date, c.annual_value, o.name as organisation, sup.name as supplier "
            "from contracts_contract c join directory_organisation o on o.id = c.organisation_id "
            "left join directory_supplier sup on sup.id = c.supplier_id "
            f"where c.retired_at is null and c.end_date >= '{AS_OF}' and c.end_date < date('{AS_OF}', '+12 months') "
            "order by c.end_date, c.id limit 100",
        ),
        (
            "opportunities: contracts ending in one service area within 12 months, grouped (top 20)",
            "/api/v1/opportunities?months=12&limit=20",
            "select a.name as service_area, strftime('%Y', c.end_date) as window, count(distinct c.organisation_id) as organisations, "
            "count(distinct c.id) as contracts, sum(c.annual_value) as annual_value, min(c.end_date) as first_end "
            "from contracts_contract c join contracts_contract_systems cs on cs.contract_id = c.id "
            "join inventory_system_service_areas sa on sa.system_id = cs.system_id join inventory_servicearea a on a.id = sa.servicearea_id "
            f"where c.retired_at is null and c.end_date >= '{AS_OF}' "
            "group by a.id, window having count(distinct c.organisation_id) >= 2 order by organisations desc, contracts desc limit 20",
        ),
    ]


def compare_with_datasette(requests: int) -> None:
    import requests as http
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from citytools.accounts.models import User
    from citytools.inventory.models import ServiceArea

    try:
        import datasette  # noqa: F401 - installed by the `bench` extra, never by the product
    except ImportError:
        print("\nDatasette comparison: not run, datasette is not installed (pip install -e '.[bench]').")
        return
    area = ServiceArea.objects.leaves().annotate(n=Count("systems")).order_by("-n", "name").first()
    pairs = comparisons(area.slug)
    database = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session = served.signed_in_sessions(User.objects.get(email=EMAILS["admin"]), 1)[0]
    env = dict(os.environ)
    port = served.free_port()
    log = Path(tempfile.mkstemp(prefix="citytools-datasette-", suffix=".log")[1])
    # Read-only (Datasette opens a database that is not --immutable with mode=ro), one process,
    # with room for the matrix's every cell and its slowest query.
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", database, "--host", "127.0.0.1", "--port", str(port),
             "--setting", "sql_time_limit_ms", "60000", "--setting", "max_returned_rows", "1000000",
             "--setting", "num_sql_threads", "1"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    name = os.path.splitext(os.path.basename(database))[0]
    theirs = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.get(f"{theirs}/-/versions.json", timeout=5)
                break
            except http.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    print(f"\nDatasette did not start:\n{log.read_text(errors='replace')}")
                    return
                time.sleep(0.2)
        version = http.get(f"{theirs}/-/versions.json", timeout=5).json()["datasette"]["version"]
        with served.serve(env, workers=1) as server:
            ours = http.Session()
            ours.cookies.set(settings.SESSION_COOKIE_NAME, session, domain="127.0.0.1")
            print(f"\nuk tier on SQLite: City Tools' API (gunicorn, 1 sync worker, signed in as the platform admin, visibility "
                  f"rules applied) against Datasette {version} (1 SQL thread, read-only, no rules) on the same file, "
                  f"{requests} requests each after one warm-up, interleaved; target ours/Datasette <= 1")
            header = f"{'work':<88} {'side':<10} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>8} {'rows':>7}"
            print(header)
            print("-" * len(header))
            for what, url, sql in pairs:
                query = f"{theirs}/{name}.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"})
                sizes, rows, times = {}, {}, {"ours": [], "datasette": []}
                for side, target, client in (("ours", server.url + url, ours), ("datasette", query, http)):
                    answer = client.get(target, timeout=120)
                    if answer.status_code != 200:
                        print(f"{what:<88} {side:<10} status {answer.status_code}: {answer.text[:300]}")
                        break
                    sizes[side] = len(answer.content) / 1024
                    body = answer.json()
                    rows[side] = len(body) if isinstance(body, list) else len(body.get("rows", body.get("items", [])) or []) if isinstance(body, dict) else 0
                else:
                    for _ in range(requests):
                        for side, target, client in (("ours", server.url + url, ours), ("datasette", query, http)):
                            start = time.perf_counter()
                            answer = client.get(target, timeout=120)
                            answer.content  # noqa: B018 - read the whole body, as a client would, inside the timing
                            times[side].append((time.perf_counter() - start) * 1000)
                    for side in ("ours", "datasette"):
                        print(f"{what[:88]:<88} {side:<10} {statistics.median(times[side]):>8.1f} {percentile(times[side], 0.95):>8.1f} "
                              f"{sizes[side]:>8,.0f} {rows[side]:>7,}")
                    ratio50 = statistics.median(times["ours"]) / statistics.median(times["datasette"])
                    ratio95 = percentile(times["ours"], 0.95) / percentile(times["datasette"], 0.95)
                    print(f"{'  ratio ours/Datasette: p50 ' + f'{ratio50:.1f}x, p95 {ratio95:.1f}x':<88} {'PASS' if ratio50 <= 1 else 'FAIL'}"
                          f"  (ours: GET {url})", flush=True)
    finally:
        served.stop(process)
        log.unlink(missing_ok=True)


def run_child(tier: str, database: str, requests: int, seconds: float, datasette: str, stop_after: float, only: str = "") -> None:
    args = [sys.executable, "-m", "tests.bench_tiers", "--child", "--tier", tier, "--requests", str(requests),
            "--seconds-per-url", str(seconds), "--datasette", datasette, "--stop-after", str(stop_after), "--only", only]
    with tempfile.TemporaryDirectory(prefix="citytools-bench-tiers-") as data_dir:
        if database == "sqlite":
            subprocess.run(args, env=served.environment(data_dir, None, CITYTOOLS_DEMO_MODE="1"), check=False)
            return
        try:
            with served.postgres_database(POSTGRES_SERVER, f"ct_tiers_bench_{tier}_{os.getpid()}") as url:
                subprocess.run(args, env=served.environment(data_dir, url, CITYTOOLS_DEMO_MODE="1"), check=False)
        except Exception as error:  # no server: say so, measure the rest
            print(f"\n{tier} tier on postgresql: not measured ({error.__class__.__name__}: {error})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_tiers", description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="london,uk", help="tiers, comma-separated: london, uk, continental (london,uk)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=20, help="requests per URL after warm-up (20)")
    parser.add_argument("--seconds-per-url", type=float, default=20.0,
                        help="stop timing a URL after this long, once 3 requests are timed (20)")
    parser.add_argument("--stop-after", type=float, default=60.0,
                        help="stop a request that takes longer than this many seconds, and name it (60)")
    parser.add_argument("--no-datasette", action="store_true", help="leave out the comparison with Datasette")
    parser.add_argument("--datasette-only", action="store_true", help="only the comparison with Datasette (uk, SQLite)")
    parser.add_argument("--only", default="", help="measure only the URLs whose label or address holds one of these "
                        "comma-separated words (for example: matrix,/api/v1/suppliers)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--datasette", default="yes", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tiers = [tier.strip() for tier in args.tier.split(",") if tier.strip()]
    unknown = [tier for tier in tiers if tier not in TIERS]
    if unknown:
        parser.error(f"unknown tier(s): {', '.join(unknown)}; choose from {', '.join(TIERS)}")
    if args.child:
        return measure(tiers[0], args.requests, args.seconds_per_url, args.datasette, args.stop_after, _only(args.only))
    datasette = "only" if args.datasette_only else "no" if args.no_datasette else "yes"
    if datasette == "only":
        tiers, databases = ["uk"], ["sqlite"]
    else:
        databases = {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}[args.database]
    print(f"\nScale tiers (tests/bench_tiers.py) on {os.cpu_count()} CPU core(s), Python {sys.version.split()[0]}, "
          f"each tier and database in a fresh database and a process of its own")
    for tier in tiers:
        for database in databases:
            run_child(tier, database, args.requests, args.seconds_per_url, datasette, args.stop_after, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
