"""`citytools set_lead_time AREA MONTHS`: how long a procurement in a service area takes.

The opportunity finder and the decision dates of alerts, calendars and the market pipeline
count back by it (citytools.inventory.models.ServiceArea.procurement_lead_months, 9 months
by default). A group's slug sets every area in it.
"""

from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.inventory.models import ServiceArea

MAX_MONTHS = 36


class Command(DomainCommand):
    help = "Set the procurement lead time of a service area (or every area of a group), in months: `citytools set_lead_time housing-management 12`."

    def add_arguments(self, parser):
        parser.add_argument("area", help="The service area's or group's slug.")
        parser.add_argument("months", type=int, help=f"Whole months, 1 to {MAX_MONTHS}.")

    def handle(self, *args, area, months, **options):
        found = ServiceArea.objects.filter(slug=area).first()
        if found is None:
            raise CommandError(f"No service area has the slug {area!r}.")
        if not 1 <= months <= MAX_MONTHS:
            raise CommandError(f"The lead time must be 1 to {MAX_MONTHS} months, not {months}.")
        areas = ServiceArea.objects.filter(parent=found) if found.is_group else ServiceArea.objects.filter(pk=found.pk)
        changed = areas.update(procurement_lead_months=months)
        self.stdout.write(f"{found.name}: procurement lead time {months} months ({changed} area{'s' if changed != 1 else ''}).")
