"""`citytools campaign`: attestation campaigns from the command line. The batch door to
citytools.freshness.services, acting as one person (`--as`), except `remind`, which is what
the worker runs (send due e-mails, close campaigns past their deadline)."""

import datetime

from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network
from citytools.freshness import queries, services
from citytools.freshness.management.commands.data_quality import percent, viewer_for


class Command(DomainCommand):
    help = (
        "Run attestation campaigns: `citytools campaign create --as coordinator@example.org --network london "
        "--title 'Spring check' --deadline 2027-03-31 [--kinds systems] [--area waste] [--remind 7,1]`, "
        "`citytools campaign launch|close|status ID --as ...`, `citytools campaign list --as ...`, "
        "`citytools campaign remind` (send due reminders; the worker does this every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "create", "launch", "status", "close", "remind"])
        parser.add_argument("campaign", nargs="?", type=int, help="The campaign's number (launch, status, close).")
        parser.add_argument("--as", dest="email", help="The e-mail address of the person acting.")
        parser.add_argument("--network", help="create: the network's slug.")
        parser.add_argument("--title", help="create: the title.")
        parser.add_argument("--deadline", help="create: the deadline, YYYY-MM-DD.")
        parser.add_argument("--message", default="", help="create: the message to editors.")
        parser.add_argument("--kinds", default="both", choices=["both", "systems", "contracts"], help="create: which records.")
        parser.add_argument("--area", action="append", default=[], help="create: a service area's slug (repeat for more).")
        parser.add_argument("--organisation", action="append", default=[], help="create: only this organisation (repeat for more).")
        parser.add_argument("--remind", default="7,1", help="create: reminder days before the deadline (default 7,1).")

    def handle(self, *args, action, campaign=None, email=None, **options):
        if action == "remind":
            run = services.send_due_reminders()
            self.stdout.write(f"{run.sent} reminder e-mail{'s' if run.sent != 1 else ''} sent to {len(run.recipients)} people.")
            for title in run.closed:
                self.stdout.write(f"Closed after its deadline: {title}")
            if run.failed:
                raise CommandError(f"{run.failed} e-mail{'s' if run.failed != 1 else ''} could not be sent; the next run tries again.")
            return
        if not email:
            raise CommandError("Say who is acting with --as.")
        user, viewer = viewer_for(email)
        if action == "list":
            for c in queries.campaigns_visible_to(viewer).select_related("network"):
                self.stdout.write(f"{c.pk}\t{c.status}\t{c.deadline}\t{c.network.slug}\t{c.title}")
            return
        if action == "create":
            network = Network.objects.filter(slug=options["network"] or "").first()
            if network is None:
                raise CommandError("Name the campaign's network with --network (a slug).")
            try:
                deadline = datetime.date.fromisoformat(options["deadline"] or "")
            except ValueError:
                raise CommandError("Give --deadline as YYYY-MM-DD.") from None
            created = services.create_campaign(
                network=network, title=options["title"] or "", deadline=deadline, message=options["message"],
                kinds=options["kinds"], service_areas=options["area"], organisations=options["organisation"],
                reminder_days=options["remind"], actor=user,
            )
            self.stdout.write(f"Campaign {created.pk} saved as a draft: {created.title}. Launch it with `citytools campaign launch {created.pk} --as {email}`.")
            return
        if campaign is None:
            raise CommandError(f"Give the campaign's number: `citytools campaign {action} ID --as {email}`.")
        found = services.readable_campaign(viewer, campaign)
        if action == "launch":
            found = services.launch_campaign(found, actor=user)
            self.stdout.write(f"Campaign {found.pk} is running until {found.deadline}; the editors are told by the worker.")
            return
        if action == "close":
            found = services.close_campaign(found, actor=user)
            self.stdout.write(f"Campaign {found.pk} is closed; its report is kept.")
        progress = queries.progress_for(viewer, found)
        rows = progress.organisations
        self.stdout.write(f"{found.title} ({found.status}, deadline {found.deadline}): {progress.done} of {progress.records} confirmed.")
        self.stdout.write(f"{'Organisation':<32} {'Records':>7} {'Same':>5} {'Fixed':>5} {'Left':>5} {'Before':>6} {'Now':>5}")
        for p in rows:
            self.stdout.write(
                f"{str(p.organisation)[:32]:<32} {p.records:>7} {p.unchanged:>5} {p.corrected:>5} {p.outstanding:>5} "
                f"{percent(p.freshness_at_launch):>6} {percent(p.freshness_now):>5}"
            )
