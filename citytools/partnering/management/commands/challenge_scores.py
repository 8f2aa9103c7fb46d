import csv

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.partnering.models import Challenge
from citytools.partnering.services import evaluation


class Command(DomainCommand):
    help = (
        "Print a challenge's consensus ranking, or with --csv every evaluator's scores and the "
        "consensus as CSV for the panel, read as the named person through the same rules as the "
        "pages (only the panel, only once the scores are locked), e.g. "
        "`citytools challenge_scores toronto-311 --as steward@example.org --csv > scores.csv`."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The challenge's slug.")
        parser.add_argument("--as", dest="email", required=True, help="The e-mail address of the person reading.")
        parser.add_argument("--csv", dest="as_csv", action="store_true", help="Every individual score and the consensus, as CSV.")

    def handle(self, *args, slug, email, as_csv=False, **options):
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail address {email!r}.")
        challenge = Challenge.objects.filter(slug=slug).prefetch_related("owners", "evaluators").first()
        if challenge is None:
            raise CommandError(f"No challenge with the slug {slug!r}.")
        rows = evaluation.ranking(challenge, viewer=Viewer.for_user(user))
        if as_csv:
            self.write_csv(rows)
        else:
            self.write_table(challenge, rows)

    def write_table(self, challenge, rows):
        self.stdout.write(f"{challenge.title} ({challenge.reference}): consensus ranking")
        self.stdout.write(f"Tie-break: {challenge.tie_break_text}")
        for row in rows:
            line = f"{row.rank:>3}{'=' if row.tied else ' '} {row.total:>6}  {row.name}"
            if row.separated_by:
                line += f"  (equal total; placed by the {row.separated_by})"
            if row.flags:
                line += f"  [discuss: {', '.join(row.flags)}]"
            self.stdout.write(line)

    def write_csv(self, rows):
        writer = csv_writer(self.stdout)
        writer.writerow(
            ["rank", "proposal", "total", "criterion", "weight", "scale_max", "evaluator", "score", "comment",
             "consensus", "mean", "overridden", "rationale", "flagged"]
        )
        for row in rows:
            for cell in row.cells:
                common = [row.rank, row.name, f"{row.total:.2f}", cell.criterion.name, cell.criterion.weight,
                          cell.criterion.scale_max]
                agreed = [cell.score, cell.mean, "yes" if cell.overridden else "no", cell.rationale,
                          "yes" if cell.flagged else "no"]
                for who, value, comment in cell.individual or [("", "", "")]:
                    writer.writerow([*common, who, value, comment, *agreed])


def csv_writer(stream):
    return csv.writer(stream, lineterminator="\n")
