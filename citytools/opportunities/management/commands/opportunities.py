"""`citytools opportunities`: the finder's ranked joint procurement opportunities, as a table
or CSV, for one person (`--as`) or the public. The batch door to
citytools.opportunities.queries.find_opportunities."""

import csv

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.opportunities.queries import find_opportunities


class Command(DomainCommand):
    help = (
        "List joint procurement opportunities, best first: "
        "`citytools opportunities --as you@example.org [--months 12] [--area housing] [--limit 20] [--csv]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="email", help="The e-mail address of the person asking; the public without it.")
        parser.add_argument("--months", type=int, default=12, help="The window in months, 1 to 36 (default 12).")
        parser.add_argument("--area", help="A service area's or group's slug.")
        parser.add_argument("--network", help="A network's slug.")
        parser.add_argument("--product", help="A product's slug.")
        parser.add_argument("--supplier", help="A supplier's slug.")
        parser.add_argument("--organisation", help="Only opportunities that include this organisation (slug).")
        parser.add_argument("--limit", type=int, default=20, help="How many (default 20).")
        parser.add_argument("--csv", dest="as_csv", action="store_true", help="One row per contract, as CSV.")

    def handle(self, *args, email=None, months=12, area=None, limit=20, as_csv=False, network=None, product=None,
               supplier=None, organisation=None, **options):
        viewer = Viewer.public()
        if email:
            user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user with the e-mail address {email!r}.")
            viewer = Viewer.for_user(user)
        service_area = None
        if area:
            service_area = ServiceArea.objects.filter(slug=area).first()
            if service_area is None:
                raise CommandError(f"No service area has the slug {area!r}.")
        if limit < 1:
            raise CommandError("--limit must be 1 or more.")
        if not 1 <= months <= 36:
            raise CommandError("--months must be 1 to 36.")

        def one(model, slug, option):
            if not slug:
                return None
            found = model.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No {option} has the slug {slug!r}.")
            return found

        found = find_opportunities(
            viewer, area=service_area, window_months=months, limit=limit, network=one(Network, network, "network"),
            product=one(Product, product, "product"), supplier=one(Supplier, supplier, "supplier"),
            organisation=one(Organisation, organisation, "organisation"),
        )
        if as_csv:
            writer = csv.writer(self.stdout)
            writer.writerow(["rank", "score", "service_area", "window_start", "window_end", "act_by", "organisation", "contract", "supplier", "end_date", "extension_end_date", "service_areas"])
            for rank, f in enumerate(found, start=1):
                o = f.opportunity
                for c in f.members:
                    writer.writerow([rank, f"{o.score:.1f}", f.area.slug, o.start, o.end, o.act_by, c.organisation.slug, c.pk,
                                     c.supplier.slug, c.end_date, c.extension_end_date or "", " ".join(a.slug for a in f.areas)])
            return
        for rank, f in enumerate(found, start=1):
            o = f.opportunity
            self.stdout.write(
                f"{rank:>3}. {o.score:5.1f}  {f.area_names}: {o.organisations} organisations, ending {o.start:%b %Y}–{o.end:%b %Y}, "
                f"act by {o.act_by:%d %b %Y}"
            )
            for reason in o.reasons:
                self.stdout.write(f"         {reason.points:5.1f}  {reason.label}: {reason.explanation}")
        if not found:
            self.stdout.write("No opportunity.")
