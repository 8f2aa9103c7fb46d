"""`citytools load_register NAME --as EMAIL [--dry-run]`: put a public register City Tools
ships (`libraries`) on the map, as a platform admin. The batch door to
citytools.registers.services.load_register, with a progress bar and a summary."""

import sys

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.core.management.progress import Progress
from citytools.registers import services, shipped

STAGES = {"organisations": "organisations found", "catalogue": "products found", "systems": "rows placed"}


class Command(DomainCommand):
    help = (
        "Put a public register on the map: `citytools load_register libraries --as admin@example.org [--dry-run]`. "
        f"Registers: {', '.join(shipped.REGISTERS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help=f"The register: {', '.join(shipped.REGISTERS)}.")
        parser.add_argument("--as", dest="email", help="A platform admin: who loads it, in the records' history.")
        parser.add_argument("--dry-run", action="store_true", help="Say what loading would do, and change nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it is off when stderr is not a terminal).")

    def handle(self, *args, name, email=None, dry_run=False, no_progress=False, **options):
        if not email:
            raise CommandError("Say who is loading the register with --as EMAIL (a platform admin).")
        actor = viewer_for(email)[0]
        bar = Progress(disable=no_progress or not sys.stderr.isatty(), stages=STAGES)
        try:
            summary = services.load_register(name, actor=actor, dry_run=dry_run, progress=bar.update)
        finally:
            bar.close()
        self.stdout.write(str(summary))
        for difference in summary.differences:
            self.stdout.write(f"difference: {difference}")
        for reason in summary.left_off:
            self.stdout.write(f"left off: {reason}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

