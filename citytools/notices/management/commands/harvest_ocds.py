"""`citytools harvest_ocds contracts-finder|find-a-tender`: page through a publisher's public
OCDS API and import each page (citytools.notices.services.harvest), resuming where the last
harvest stopped."""

import datetime
import sys

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.core.management.progress import Progress
from citytools.notices import rules, services
from citytools.notices.management.commands.import_ocds import STAGES


class Command(DomainCommand):
    help = (
        "Harvest public notices from Contracts Finder or Find a Tender: "
        "`citytools harvest_ocds find-a-tender --as coordinator@example.org [--since 2026-01-01] [--restart] [--pages N]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=rules.HARVEST_SOURCES)
        parser.add_argument("--as", dest="email", required=True, help="An admin or network coordinator.")
        parser.add_argument("--since", help="Ask for releases published since this day (YYYY-MM-DD); starts afresh.")
        parser.add_argument("--restart", action="store_true", help="Start again from --since (or the last finished harvest), not where the last stopped.")
        parser.add_argument("--pages", type=int, help="Stop after this many pages (the next harvest resumes).")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, source, email, since=None, restart=False, pages=None, no_progress=False, **options):
        actor = viewer_for(email)[0]
        try:
            day = datetime.date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--since takes a day as YYYY-MM-DD, not {since!r}.") from None
        if pages is not None and pages < 1:
            raise CommandError("--pages takes a whole number from 1.")
        bar = Progress(disable=no_progress or not sys.stderr.isatty(), stages=STAGES, unit_scale=True)
        try:
            result = services.harvest(source, actor=actor, since=day, restart=restart or day is not None, max_pages=pages, progress=bar.update)
        finally:
            bar.close()
        summary = result.summary
        self.stdout.write(
            f"{result.pages} page(s), {summary.releases:,} releases, {summary.ocids:,} contracting processes. "
            f"IT notices: {summary.it:,}. Suggested: {summary.suggested:,}; applied: {summary.applied:,}; "
            f"unchanged: {summary.unchanged:,}; skipped: {summary.skipped:,}; bad items skipped: {len(summary.errors):,}."
        )
        self.stdout.write("Finished: the next harvest asks for what is new." if result.finished else "Stopped: the next harvest resumes here.")
