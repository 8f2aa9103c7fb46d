"""`citytools set_lead_time AREA MONTHS [--as EMAIL]`: how long a procurement in a service area takes.

The opportunity finder and the decision dates of alerts, calendars and the market pipeline
count back by it (citytools.inventory.models.ServiceArea.procurement_lead_months, 9 months
by default). A group's slug sets every area in it. It goes through
citytools.inventory.services.set_lead_time, which keeps each change in the area's history.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.inventory import services
from citytools.inventory.models import ServiceArea
from citytools.inventory.rules import MAX_LEAD_MONTHS


class Command(DomainCommand):
    help = (
        "Set the procurement lead time of a service area (or every area of a group), in months: "
        "`citytools set_lead_time housing-management 12 [--as admin@example.org]`. The change is kept in the "
        "area's history, naming the platform admin given with --as, or no one."
    )

    def add_arguments(self, parser):
        parser.add_argument("area", help="The service area's or group's slug.")
        parser.add_argument("months", type=int, help=f"Whole months, 1 to {MAX_LEAD_MONTHS}.")
        parser.add_argument(
            "--as", dest="email",
            help="A platform admin, named in the history. Without it the command acts with the server "
            "operator's powers and the history names no one.",
        )

    def handle(self, *args, area, months, email=None, **options):
        found = ServiceArea.objects.filter(slug=area).first()
        if found is None:
            raise CommandError(f"No service area has the slug {area!r}.")
        if email:
            actor = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user with the e-mail address {email!r}.")
            viewer = Viewer.for_user(actor)
        else:
            # Whoever runs commands on the server already holds every power of a platform
            # admin (they can open a Django shell), so the command acts as one.
            actor, viewer = None, Viewer(Grants(is_admin=True))
        areas = services.set_lead_time(found, months=months, actor=actor, viewer=viewer)
        self.stdout.write(
            f"{found.name}: procurement lead time {months} months ({len(areas)} area{'s' if len(areas) != 1 else ''})."
        )
