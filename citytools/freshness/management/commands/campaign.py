"""`citytools campaign`: attestation campaigns from the command line. The batch door to
citytools.freshness.services, acting as one person (`--as`), except `remind`, which is what
the worker runs (send due e-mails, close campaigns past their deadline)."""

import datetime

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.dates import parse_iso_date
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network
from citytools.freshness import queries, services
from citytools.freshness.management.commands.data_quality import percent


class Command(DomainCommand):
    help = (
        "Run attestation campaigns: `citytools campaign create --as coordinator@example.org --network london "
        "--title 'Spring check' --deadline 2027-03-31 [--kinds systems] [--area waste] [--remind 7,1]`, "
        "`citytools campaign edit ID --as ... [--title ...] [--deadline ...] [--message ...] [--kinds ...] [--area ...] "
        "[--organisation ...] [--remind ...]` (a draft; what is not given stays as it is), `citytools campaign delete ID --as ...` "
        "(a draft), `citytools campaign launch|close|status ID --as ...`, `citytools campaign list --as ...`, "
        "`citytools campaign remind` (send due reminders; the worker does this every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "create", "edit", "delete", "launch", "status", "close", "remind"])
        parser.add_argument("campaign", nargs="?", type=int, help="The campaign's number (edit, delete, launch, status, close).")
        parser.add_argument("--as", dest="email", help="The e-mail address of the person acting.")
        parser.add_argument("--network", help="create: the network's slug.")
        parser.add_argument("--title", help="create, edit: the title.")
        parser.add_argument("--deadline", help="create, edit: the deadline, YYYY-MM-DD.")
        parser.add_argument("--message", help="create, edit: the message to editors.")
        parser.add_argument("--kinds", choices=["both", "systems", "contracts"], help="create, edit: which records (create: both).")
        parser.add_argument("--area", action="append", help="create, edit: a service area's slug (repeat for more).")
        parser.add_argument(
            "--organisation", action="append", help="create, edit: only this organisation (repeat for more)."
        )
        parser.add_argument("--remind", help="create, edit: reminder days before the deadline (create: 7,1).")

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
            created = services.create_campaign(
                network=network, title=options["title"] or "", deadline=_deadline(options["deadline"] or ""),
                message=options["message"] or "", kinds=options["kinds"] or "both", service_areas=options["area"] or [],
                organisations=options["organisation"] or [],
                reminder_days=options["remind"] if options["remind"] is not None else "7,1", actor=user,
            )
            self.stdout.write(f"Campaign {created.pk} saved as a draft: {created.title}. Launch it with `citytools campaign launch {created.pk} --as {email}`.")
            return
        if campaign is None:
            raise CommandError(f"Give the campaign's number: `citytools campaign {action} ID --as {email}`.")
        found = services.readable_campaign(viewer, campaign)
        if action == "edit":
            # What is not given stays as it is; the change is based on the version just read.
            given = {
                "title": options["title"], "message": options["message"], "kinds": options["kinds"],
                "service_areas": options["area"], "organisations": options["organisation"], "reminder_days": options["remind"],
                "deadline": _deadline(options["deadline"]) if options["deadline"] is not None else None,
            }
            current = {
                "title": found.title, "message": found.message, "kinds": found.kinds, "deadline": found.deadline,
                "service_areas": [a.slug for a in found.service_areas.all()],
                "organisations": list(found.participants.values_list("organisation__slug", flat=True)),
                "reminder_days": found.reminder_days,
            }
            changed = services.update_campaign(
                found, version=found.version, actor=user,
                **{key: value if value is not None else current[key] for key, value in given.items()},
            )
            self.stdout.write(f"Campaign {changed.pk} (still a draft) saved: {changed.title}, deadline {changed.deadline}.")
            return
        if action == "delete":
            services.delete_campaign(found, version=found.version, actor=user)
            self.stdout.write(f"The draft campaign {found.pk} ({found.title}) was deleted.")
            return
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


def _deadline(text: str) -> datetime.date:
    # A DateOutOfRange is a DomainError: DomainCommand says it and exits with 1.
    return parse_iso_date(text, label="--deadline", field="deadline")
