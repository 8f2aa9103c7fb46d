from pathlib import Path

from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.partnering import ocds
from citytools.partnering.models import Challenge


class Command(DomainCommand):
    help = (
        "Print a published challenge as OCDS open data: its release package, or with --record "
        "the record package compiled from it (e.g. `citytools challenge_ocds toronto-311 --record`). "
        "With --all instead of a slug, one package of every published challenge; --output FILE writes it to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The challenge's slug.")
        parser.add_argument("--all", action="store_true", help="Every published challenge, in one package.")
        parser.add_argument("--record", action="store_true", help="Print the record package instead.")
        parser.add_argument("--output", help="Write to this file instead of printing.")

    def handle(self, *args, slug=None, record=False, output=None, **options):
        if options["all"] == bool(slug):
            raise CommandError("Name one challenge's slug, or give --all for every published challenge.")
        if options["all"]:
            challenges = list(Challenge.objects.public().order_by("published_at", "pk"))
            package = ocds.every_record_package(challenges) if record else ocds.every_release_package(challenges)
            self._write(ocds.dumps(package), output)
            return
        challenge = Challenge.objects.public().filter(slug=slug).first()
        if challenge is None:
            raise CommandError(f"No published challenge with the slug {slug!r}.")
        package = ocds.record_package(challenge) if record else ocds.release_package(challenge)
        self._write(ocds.dumps(package), output)

    def _write(self, text: str, output: str | None) -> None:
        if not output:
            self.stdout.write(text)
            return
        target = Path(output)
        partial = target.with_name(target.name + ".partial")
        # Written beside the target and then renamed, so a failed run leaves no half a file.
        partial.write_text(text + "\n", encoding="utf-8")
        partial.replace(target)
        self.stderr.write(f"Wrote {target}")
