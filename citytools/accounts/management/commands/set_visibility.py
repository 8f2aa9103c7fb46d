from django.core.management.base import CommandError

from citytools.accounts import queries
from citytools.accounts.rules import Grants, Kind
from citytools.accounts.services import set_network_visibility
from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network


class Command(DomainCommand):
    help = (
        "Set who may see each kind of information about a network's members, e.g. "
        "`citytools set_visibility london values=public comments=members`. Kinds: "
        + ", ".join(Kind)
        + "; levels: public, members, or default. Kinds not named keep their current setting, as with the API's "
        "PATCH; with --replace they go back to their default, as with the API's PUT. With no setting and no "
        "--replace it only prints the settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("network", help="The network's slug.")
        parser.add_argument("settings", nargs="*", metavar="kind=level")
        parser.add_argument(
            "--replace", action="store_true",
            help="Kinds not named go back to their default, as with the API's PUT (without it, they keep their "
            "setting, as with PATCH).",
        )

    def handle(self, *args, network, settings, replace, **options):
        found = Network.objects.filter(slug=network).first()
        if found is None:
            raise CommandError(f"No network with the slug {network!r}.")
        policy = {}
        for setting in settings:
            kind, sep, level = setting.partition("=")
            if not sep:
                raise CommandError(f"Write each setting as kind=level, not {setting!r}.")
            policy[kind] = None if level == "default" else level
        if settings or replace:
            # Whoever runs commands on the server already holds every power of a platform
            # admin (they can open a Django shell), so the command acts as one.
            set_network_visibility(
                network=found, policy=policy, actor=Viewer(Grants(is_admin=True)), replace=replace
            )
            found.refresh_from_db()
        for setting in queries.network_visibility(found):
            note = "" if setting.is_default else "  (set by the network)"
            self.stdout.write(f"{setting.kind.value:<13} {setting.level.value:<8} {setting.label}{note}")
