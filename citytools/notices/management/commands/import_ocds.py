"""`citytools import_ocds PATH [PATH ...]`: read public notices (OCDS) from files, folders or
standard input ("-"), and put each IT notice of an organisation on the map in its review
queue (or on the map, for a source its network trusts). The batch door to
citytools.notices.services.run_import, with a progress bar, a summary, and a JSON Lines
report of what became of each contracting process."""

import sys
import time

import orjson
from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.core.management.progress import Progress
from citytools.notices import services

STAGES = {"reading": "releases read", "checking": "processes compiled", "writing": "processes written"}


class Command(DomainCommand):
    # A batch command that may run for hours: Django's system checks (which load every page's
    # code) are for servers, and `citytools check` runs them.
    requires_system_checks = []
    help = (
        "Import public notices (OCDS release or record packages, JSON Lines, compiled or versioned releases, gzip or not; "
        "a folder; - for standard input): `citytools import_ocds --as coordinator@example.org notices.json.gz "
        "[--dry-run] [--keep-going] [--report report.jsonl]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders of OCDS data; - reads standard input.")
        parser.add_argument("--as", dest="email", help="An admin or network coordinator (not needed for --dry-run).")
        parser.add_argument("--dry-run", action="store_true", help="Read, match and report, and write nothing.")
        parser.add_argument("--keep-going", action="store_true", help="Skip bad items (they are reported) instead of importing nothing.")
        parser.add_argument("--report", help="Write one JSON line per contracting process to this file.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it is off when stderr is not a terminal).")

    def handle(self, *args, paths, email=None, dry_run=False, keep_going=False, report=None, no_progress=False, **options):
        actor = viewer_for(email)[0] if email else None
        if actor is None and not dry_run:
            raise CommandError("Say who is importing with --as EMAIL (an admin or a network coordinator), or use --dry-run.")
        bar = Progress(disable=no_progress or not sys.stderr.isatty(), stages=STAGES, unit_scale=True)
        out = open(report, "wb") if report else None  # noqa: SIM115 - closed below, whatever happens
        started = time.monotonic()
        try:
            summary = services.run_import(
                paths, actor=actor, dry_run=dry_run, keep_going=keep_going, progress=bar.update,
                report=(lambda line: out.write(orjson.dumps(line) + b"\n")) if out else None,
            )
        except services.ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError(f"Nothing was imported: {len(failed.errors)} bad item(s). Correct them, or use --keep-going to skip them.") from None
        finally:
            bar.close()
            if out:
                out.close()
        seconds = max(time.monotonic() - started, 1e-9)
        self.stdout.write(
            f"{summary.releases:,} releases and {summary.ocids:,} contracting processes read in {seconds:.1f} s "
            f"({summary.releases / seconds:,.0f} releases/s)."
        )
        self.stdout.write(
            f"Buyers: {summary.matched:,} matched, {summary.unmatched:,} unmatched. IT notices: {summary.it:,}. "
            f"Suggested: {summary.suggested:,}; applied: {summary.applied:,}; unchanged: {summary.unchanged:,}; "
            f"skipped: {summary.skipped:,}."
        )
        for error in summary.errors:
            self.stderr.write(f"error: {error}")
        if summary.errors:
            self.stdout.write(f"{len(summary.errors):,} bad item(s) {'would be ' if dry_run else ''}skipped.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

