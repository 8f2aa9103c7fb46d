"""The network survey part of `make bench`: a 20,000-row survey (citytools.registers.surveys).

    python -m tests.bench_surveys [--organisations 400] [--systems 50] [--database sqlite|postgres|both]
                                  [--trust untrusted|trusted|both] [--profile PREFIX]
    python -m tests.bench --surveys-only

The issue's target: a 20,000-row network file (400 organisations x 50 systems) previews in
the worker in under 60 s and commits in under 2 minutes, on SQLite and PostgreSQL, with
progress on the page.

For each database, twice (an untrusted survey, then a trusted one), a process of its own
builds a fresh deployment: migrated, the service-area taxonomy loaded, 400 local
authorities of the shipped reference list (citytools/directory/data) as members of one
network, and its coordinator. It writes a CSV survey, the same every time (seed 2026): each
organisation names 50 of 300 invented products ("Product 0001", made by "Maker 01" to
"Maker 40"), some through a reseller, in one or two service areas given by name, half of the
rows with a whole contract and most with a satisfaction score and comment; organisations are
named by GSS code, or one organisation in five by name. (The shipped list has 397 current
authorities; the first three former ones make up the 400.) Then, as the coordinator, it times each step
the way the pages run it:

- upload: start_survey (read the file, guess the columns, keep it), which hands the preview
  of a file this large to the worker;
- preview: the worker's job (surveys.run_job), recording progress every 100 rows;
- import: request_commit and the worker's job: untrusted, 20,000 suggestions in the
  organisations' review queues; trusted, 20,000 systems with their contracts and ratings;
- again: the same file uploaded, previewed and imported once more (every row unchanged).

The peak is the process's high-water mark so far (resource.getrusage; tracemalloc would slow
the run), so it only grows from one step to the next. It prints the figures and a verdict
against the targets, and exits 0 whatever they are.
"""

import argparse
import csv
import datetime
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter

from tests import served

ORGANISATIONS = 400
SYSTEMS = 50
PRODUCTS = 300
MAKERS = 40
SEED = 2026
PREVIEW_TARGET_S = 60.0
COMMIT_TARGET_S = 120.0
POSTGRES_SERVER = os.environ.get("CITYTOOLS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# With the process's id, so that two benches at once do not drop each other's database.
POSTGRES_DATABASE = f"ct_bench_surveys_{os.getpid()}"
HEADER = [
    "Council", "Service area", "System", "Manufacturer", "Supplier", "Hosting", "Go-live", "Contract title",
    "Contract value", "Contract start", "Contract end", "Extension end date", "Satisfaction", "Comments",
]


def survey_csv(authorities: list, areas: list[str], systems: int, *, seed: int = SEED) -> bytes:
    """The survey: `systems` rows for each of `authorities` (GSS code, official name)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for index, (code, name) in enumerate(authorities):
        for number in sorted(rng.sample(range(1, PRODUCTS + 1), systems)):
            maker = f"Maker {number % MAKERS + 1:02d}"
            supplier = f"Reseller {number % 7 + 1}" if number % 5 == 0 else ""
            named = rng.sample(areas, 2 if rng.random() < 0.2 else 1)
            start = datetime.date(2018, 4, 1) + datetime.timedelta(days=rng.randrange(6 * 365))
            contract = ["", "", "", "", ""]
            if rng.random() < 0.5:
                end = start + datetime.timedelta(days=365 * rng.choice((3, 4, 5)))
                extension = (end + datetime.timedelta(days=365)).isoformat() if rng.random() < 0.3 else ""
                supplier = supplier or maker  # a contract on the map is with someone
                contract = [f"Product {number:04d} licence and support", f"{rng.randrange(5_000, 2_000_000)}.00",
                            start.isoformat(), end.isoformat(), extension]
            score, comment = ("", "")
            if rng.random() < 0.7:
                score = str(rng.randint(1, 5))
                comment = rng.choice(("Works well", "Slow to load", "Support is responsive", "Hard to report from", ""))
            writer.writerow([
                name if index % 5 == 0 else code, "; ".join(named), f"Product {number:04d}", maker, supplier,
                rng.choice(("On premises", "Hosted", "Software as a service", "")), start.isoformat(), *contract, score, comment,
            ])
    return out.getvalue().encode()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux counts KiB


def world(organisations: int):
    """The deployment: service areas, the first `organisations` current authorities of the
    shipped list in one network, and its coordinator."""
    from citytools.directory.models import NetworkMembership, Organisation
    from citytools.directory.services import (
        LOCAL_AUTHORITIES_CSV,
        LOCAL_AUTHORITY_COLUMNS,
        add_local_authorities,
        read_csv,
    )
    from citytools.inventory.models import ServiceArea
    from citytools.inventory.services import load_service_areas
    from tests.factories import NetworkFactory, RoleFactory

    load_service_areas()
    rows = read_csv(LOCAL_AUTHORITIES_CSV, LOCAL_AUTHORITY_COLUMNS)
    # The shipped list has 397 current authorities: the first former ones make up the rest.
    current = sorted({row["gss_code"] for row in rows if not row["end_date"]})
    former = sorted({row["gss_code"] for row in rows} - set(current))
    codes = (current + former)[:organisations]
    add_local_authorities(codes)
    councils = list(Organisation.objects.filter(identifier__in=codes))
    network = NetworkFactory(slug="bench", name="Bench network")
    NetworkMembership.objects.bulk_create(NetworkMembership(network=network, organisation=o) for o in councils)
    coordinator = RoleFactory(kind="coordinator", network=network, user__email="coordinator@bench.invalid").user
    # By name only a current council whose name the reference list has once: the matcher asks
    # for a former council's GSS code.
    named = Counter(row["official_name"] for row in rows)
    names = {row["gss_code"]: row["official_name"] for row in rows if not row["end_date"] and named[row["official_name"]] == 1}
    authorities = [(o.identifier, names.get(o.identifier, o.identifier)) for o in sorted(councils, key=lambda o: o.identifier)]
    areas = sorted(ServiceArea.objects.leaves().values_list("name", flat=True))
    return network, coordinator, authorities, areas


def measure(organisations: int, systems: int, *, trusted: bool, profile: str = "") -> int:
    """In the child process, whose environment names its database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from citytools.registers import surveys
    from citytools.registers.models import SurveyImport

    call_command("migrate", interactive=False, verbosity=0)
    network, coordinator, authorities, areas = world(organisations)
    content = survey_csv(authorities, areas, systems)
    rows = len(authorities) * systems
    mode = "trusted (onto the map)" if trusted else "untrusted (review queues)"
    print(f"\n{connection.vendor}, {mode}: {len(authorities)} organisations x {systems} systems = {rows:,} rows, "
          f"{len(content) / 1024:,.0f} KiB of CSV; preview < {PREVIEW_TARGET_S:.0f} s, import < {COMMIT_TARGET_S:.0f} s")
    header = f"{'step':<28} {'seconds':>8} {'rows/s':>8} {'peak MiB':>9}  result"
    print(header)
    print("-" * (len(header) + 40))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()

    def step(work, target: float | None = None):
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        outcome = work()
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
        verdict = "" if target is None else f"< {target:.0f} s {'PASS' if seconds < target else 'FAIL'}"
        return outcome, seconds, verdict

    def show(label, seconds, verdict, note=""):
        print(f"{label:<28} {seconds:>8.1f} {rows / seconds:>8,.0f} {peak_mib():>9.0f}  {'; '.join(filter(None, (verdict, note)))}")

    def progress_of(survey) -> str:
        survey = SurveyImport.objects.get(pk=survey.pk)
        return f"progress {survey.job_done:,}/{survey.job_total:,}" + (f", {survey.job_error}" if survey.job_error else "")

    for edition in ("", "again: "):
        survey, seconds, verdict = step(lambda: surveys.start_survey(
            network, filename="bench-survey.csv", content=content, label="Bench survey 2026", trusted=trusted,
            actor=coordinator))
        show(f"{edition}upload (read, guess)", seconds, verdict, f"queued: {survey.job or 'no'}")
        _, seconds, verdict = step(lambda pk=survey.pk: surveys.run_job(pk), PREVIEW_TARGET_S)
        report = surveys.shown(SurveyImport.objects.get(pk=survey.pk))
        counts = report.counts if report else {}
        show(f"{edition}preview (worker)", seconds, verdict,
             f"{progress_of(survey)}; " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
        if report is None or report.blocking:
            for row in [row for row in (report.rows if report else []) if row.status in ("error", "decision")][:5]:
                print(f"    row {row.row}: {row.error}")
            return 0
        survey = SurveyImport.objects.get(pk=survey.pk)

        def commit(survey=survey):
            surveys.request_commit(survey, actor=coordinator)
            surveys.run_job(survey.pk)

        _, seconds, verdict = step(commit, COMMIT_TARGET_S)
        done = SurveyImport.objects.get(pk=survey.pk)
        counts = surveys.shown(done).counts if done.status == SurveyImport.Status.COMMITTED else {}
        show(f"{edition}import (worker)", seconds, verdict,
             f"{progress_of(survey)}; " + (", ".join(f"{k} {v:,}" for k, v in counts.items() if v) or "NOT IMPORTED"))
    if profiler is not None:
        profiler.dump_stats(profile)
        print(f"profile written to {profile}")
    return 0


def run_child(organisations: int, systems: int, database_url: str | None, *, trusted: bool, profile: str = "") -> None:
    with tempfile.TemporaryDirectory(prefix="citytools-bench-surveys-") as data_dir:
        args = ["--child", "--organisations", str(organisations), "--systems", str(systems)]
        args += ["--trusted"] if trusted else []
        args += ["--profile", profile] if profile else []
        subprocess.run([sys.executable, "-m", "tests.bench_surveys", *args], env=served.environment(data_dir, database_url), check=False)


def bench_surveys(
    organisations: int = ORGANISATIONS, systems: int = SYSTEMS, *, database: str = "both", trust: str = "both", profile: str = ""
) -> None:
    print(f"\nNetwork survey import (tests/bench_surveys.py), each run in a fresh database on {os.cpu_count()} CPU core(s)")
    for trusted in {"untrusted": (False,), "trusted": (True,), "both": (False, True)}[trust]:
        if database in {"sqlite", "both"}:
            run_child(organisations, systems, None, trusted=trusted, profile=profile and f"{profile}-sqlite-{'trusted' if trusted else 'untrusted'}")
        if database in {"postgres", "both"}:
            try:
                with served.postgres_database(POSTGRES_SERVER, POSTGRES_DATABASE) as url:
                    run_child(organisations, systems, url, trusted=trusted, profile=profile and f"{profile}-postgres-{'trusted' if trusted else 'untrusted'}")
            except Exception as error:  # no server: say so, measure the rest
                print(f"\npostgresql: not measured ({error.__class__.__name__}: {error})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_surveys", description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS, help=f"members of the network ({ORGANISATIONS})")
    parser.add_argument("--systems", type=int, default=SYSTEMS, help=f"rows per organisation ({SYSTEMS})")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--trust", choices=["untrusted", "trusted", "both"], default="both",
                        help="an untrusted survey (review queues), a trusted one (onto the map), or both, each in its own database")
    parser.add_argument("--trusted", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", default="", help="write cProfile statistics of the timed steps to PREFIX-<database>-<trust>")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return measure(args.organisations, args.systems, trusted=args.trusted, profile=args.profile)
    bench_surveys(args.organisations, args.systems, database=args.database, trust=args.trust, profile=args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
