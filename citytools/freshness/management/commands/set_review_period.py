"""`citytools set_review_period NETWORK MONTHS --as coordinator@example.org`: how often a
network's records must be confirmed before they count as stale (citytools.freshness)."""

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network
from citytools.freshness import services


class Command(DomainCommand):
    help = "Set a network's review period in months (1 to 36): `citytools set_review_period london 6 --as coordinator@example.org`."

    def add_arguments(self, parser):
        parser.add_argument("network", help="The network's slug.")
        parser.add_argument("months", help="Whole months, 1 to 36.")
        parser.add_argument("--as", dest="email", required=True, help="A coordinator of the network, or an admin.")

    def handle(self, *args, network, months, email, **options):
        user, _ = viewer_for(email)
        found = Network.objects.filter(slug=network).first()
        if found is None:
            raise CommandError(f"No network has the slug {network!r}.")
        found = services.set_review_period(found, months=months, actor=user)
        self.stdout.write(f"{found.name}: records must be confirmed every {found.review_months} months.")
