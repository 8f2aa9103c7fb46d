from django.utils import timezone

from citytools.core.management.base import DomainCommand
from citytools.partnering.lifecycle import advance_due
from citytools.partnering.models import Transition


class Command(DomainCommand):
    help = (
        "Close the questions and submissions of every challenge whose deadline has passed, once, "
        "and print what moved. The worker does this every minute, and every request does it too."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        moved = advance_due(now)
        if not moved:
            self.stdout.write("No deadline is due.")
            return
        for t in Transition.objects.filter(actor__isnull=True, at=now).select_related("challenge").order_by("pk"):
            self.stdout.write(f"{t.challenge.reference} {t.challenge.slug}: {t.get_from_state_display()} → {t.get_to_state_display()}")
        self.stdout.write(f"{moved} move{'s' if moved != 1 else ''}.")
