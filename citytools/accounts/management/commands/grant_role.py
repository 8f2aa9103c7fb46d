from django.core.management.base import CommandError

from citytools.accounts.services import grant_role
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network, Organisation, Supplier


class Command(DomainCommand):
    help = (
        "Give someone a role, creating their account if needed: e.g. "
        "`citytools grant_role it@council.example admin` or "
        "`citytools grant_role sales@firm.example vendor --supplier firm-slug`. "
        "New accounts set their password through password reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("kind", help="member, editor, coordinator, vendor or admin.")
        parser.add_argument("--organisation", help="The organisation's slug (member, editor).")
        parser.add_argument("--network", help="The network's slug (coordinator).")
        parser.add_argument("--supplier", help="The supplier's slug (vendor).")

    def handle(self, *args, email, kind, organisation=None, network=None, supplier=None, **options):
        scopes = {}
        for name, model, slug in (
            ("organisation", Organisation, organisation),
            ("network", Network, network),
            ("supplier", Supplier, supplier),
        ):
            if slug:
                scopes[name] = model.objects.filter(slug=slug).first()
                if scopes[name] is None:
                    raise CommandError(f"No {name} with the slug {slug!r}.")
        role = grant_role(email=email, kind=kind, **scopes)
        self.stdout.write(f"{role.user.email}: {role}.")
