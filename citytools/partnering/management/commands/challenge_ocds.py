from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.partnering import ocds
from citytools.partnering.models import Challenge


class Command(DomainCommand):
    help = (
        "Print a published challenge as OCDS open data: its release package, or with --record "
        "the record package compiled from it (e.g. `citytools challenge_ocds toronto-311 --record`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The challenge's slug.")
        parser.add_argument("--record", action="store_true", help="Print the record package instead.")

    def handle(self, *args, slug, record=False, **options):
        challenge = Challenge.objects.public().filter(slug=slug).first()
        if challenge is None:
            raise CommandError(f"No published challenge with the slug {slug!r}.")
        package = ocds.record_package(challenge) if record else ocds.release_package(challenge)
        self.stdout.write(ocds.dumps(package))
