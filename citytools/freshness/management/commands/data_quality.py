"""`citytools data_quality`: a network's or an organisation's freshness and completeness,
and with --records every record that needs a check. The batch door to
citytools.freshness.queries, read as one person (`--as`)."""

from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network, Organisation
from citytools.freshness import queries, services


def percent(value) -> str:
    return "–" if value is None else f"{value}%"


class Command(DomainCommand):
    help = (
        "Freshness and completeness of a network's organisations (coordinators) or of one organisation "
        "(its staff): `citytools data_quality --as you@example.org --network london [--sort -stale]` or "
        "`citytools data_quality --as you@example.org --organisation camden --records`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="email", required=True, help="The e-mail address of the person asking.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--network", help="A network's slug.")
        target.add_argument("--organisation", help="An organisation's slug.")
        parser.add_argument("--sort", default=queries.DEFAULT_SORT, help=f"One of {', '.join(queries.SORTS)}; '-' first for descending.")
        parser.add_argument("--records", action="store_true", help="With --organisation: list every record that needs a check.")

    def handle(self, *args, email, network=None, organisation=None, sort=queries.DEFAULT_SORT, records=False, **options):
        _user, viewer = viewer_for(email)
        if network:
            found = Network.objects.filter(slug=network).first()
            if found is None:
                raise CommandError(f"No network has the slug {network!r}.")
            services.require_run(viewer, found.pk)
            if sort.lstrip("-") not in queries.SORTS:
                raise CommandError(f"--sort must be one of {', '.join(queries.SORTS)}.")
            self.stdout.write(f"{'Organisation':<32} {'Records':>7} {'Fresh':>6} {'Complete':>8} {'Stale':>6} {'Check':>6}")
            for s in queries.network_scores(viewer, found, sort=sort):
                self.stdout.write(
                    f"{str(s.organisation)[:32]:<32} {s.records:>7} {percent(s.freshness):>6} {percent(s.completeness):>8} {s.stale:>6} {s.check_needed:>6}"
                )
            return
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        services.require_read_quality(viewer, found.pk)
        score = queries.organisation_score(viewer, found)
        self.stdout.write(
            f"{found}: freshness {percent(score.freshness)} ({score.fresh} of {score.records} confirmed in the last "
            f"{score.review_months} months), completeness {percent(score.completeness)}, {score.check_needed} need a check."
        )
        for label, n in score.top_missing:
            self.stdout.write(f"  missing {label.lower()}: {n}")
        if records:
            for row in queries.record_rows(viewer, [found.pk]):
                if not row.seal.sealed:
                    self.stdout.write(f"{row.key}\t{row.title}\t{'; '.join(row.seal.explanations)}")
