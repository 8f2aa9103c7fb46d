"""`citytools catalogue`: proposals of suppliers and products missing from the catalogue, from
the command line. The batch door to citytools.inventory.catalogue_services, acting as one
person (`--as`), who may do here exactly what the pages and the API let them do."""

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Organisation
from citytools.inventory import catalogue_services as catalogue


class Command(DomainCommand):
    help = (
        "Propose and review catalogue entries: `citytools catalogue propose --as editor@example.org --organisation camden "
        "--kind supplier --name 'Acme Digital Ltd' [--maker SLUG] [--website URL] [--note TEXT]` (a product needs --maker), "
        "`citytools catalogue list --as ... [--queue] [--status pending]`, `citytools catalogue show ID --as ...`, "
        "`citytools catalogue accept ID --as ...`, `citytools catalogue merge ID --into SLUG --as ...`, "
        "`citytools catalogue reject ID --reason TEXT --as ...`."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "show", "propose", "accept", "merge", "reject"])
        parser.add_argument("proposal", nargs="?", help="The proposal's number (show, accept, merge, reject).")
        parser.add_argument("--as", dest="email", required=True, help="The e-mail address of the person acting.")
        parser.add_argument("--organisation", help="propose: the proposing organisation's slug.")
        parser.add_argument("--kind", choices=["supplier", "product"], help="propose: what is missing.")
        parser.add_argument("--name", help="propose: its name.")
        parser.add_argument("--maker", help="propose: a product's maker (a supplier's slug).")
        parser.add_argument("--website", default="", help="propose: its website.")
        parser.add_argument("--note", default="", help="propose: anything that helps the reviewer.")
        parser.add_argument("--into", help="merge: the slug of the catalogue's entry.")
        parser.add_argument("--reason", default="", help="reject: why, for the proposer.")
        parser.add_argument("--queue", action="store_true", help="list: only those waiting for your review.")
        parser.add_argument("--status", help="list: pending, accepted, merged or rejected.")

    def handle(self, *args, action, proposal=None, email, **options):
        user, viewer = viewer_for(email)
        if action == "list":
            found = catalogue.review_queue(viewer) if options["queue"] else catalogue.proposals_visible_to(viewer)
            if options["status"]:
                found = found.filter(status=options["status"])
            for p in found:
                self.stdout.write(f"{p.pk}\t{p.status}\t{p.kind}\t{p.organisation.slug}\t{p.name}")
            return
        if action == "propose":
            organisation = Organisation.objects.filter(slug=options["organisation"] or "").first()
            if organisation is None:
                raise CommandError("Name the proposing organisation with --organisation (a slug).")
            try:
                created = catalogue.propose(
                    organisation=organisation, kind=options["kind"] or "", name=options["name"] or "",
                    manufacturer=options["maker"], website=options["website"], note=options["note"], actor=user,
                )
            except catalogue.AlreadyThere as error:
                raise CommandError(f"{error.message} Its slug: {error.entry.slug}.") from None
            self.stdout.write(
                f"Proposal {created.pk}: the {created.kind} {created.name} ({created.entry.slug}) can be used by "
                f"{organisation} now; others see it once a coordinator or platform admin accepts it."
            )
            return
        if proposal is None:
            raise CommandError(f"Give the proposal's number: `citytools catalogue {action} ID --as {email}`.")
        found = catalogue.readable_proposal(viewer, proposal)
        if action == "accept":
            found = catalogue.accept(found, actor=user)
        elif action == "merge":
            found = catalogue.merge(found, into=options["into"], actor=user)
        elif action == "reject":
            found = catalogue.reject(found, reason=options["reason"], actor=user)
        entry = found.entry
        self.stdout.write(
            f"Proposal {found.pk}: the {found.kind} {found.name} proposed by {found.organisation}: "
            f"{found.get_status_display().lower()}{f' ({entry.name}, {entry.slug})' if entry else ''}."
        )
        if found.reason:
            self.stdout.write(f"Reason: {found.reason}")
