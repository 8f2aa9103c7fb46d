from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.opportunities.digests import send_due


class Command(DomainCommand):
    help = (
        "Send every alert digest that is due (daily ones not sent since the start of today, weekly "
        "ones not in the last seven days), once, and print how many went. The worker does this every "
        "minute. With --dry-run, work them out and print who would get one, sending and recording nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Send nothing and record nothing; print who would get a digest.")

    def handle(self, *args, dry_run: bool, **options):
        run = send_due(dry_run=dry_run)
        if dry_run:
            for email in run.recipients:
                self.stdout.write(f"Would send to {email}")
            self.stdout.write(f"{run.sent} digest{'s' if run.sent != 1 else ''} would go ({run.checked} due).")
            return
        self.stdout.write(f"{run.sent} digest{'s' if run.sent != 1 else ''} sent ({run.checked} due).")
        if run.failed:
            raise CommandError(f"{run.failed} could not be sent (see the log); the next run tries them again.")
