"""List, create or change the publication checks of a jurisdiction, and the organisations
under them.

`citytools publication_rules` lists them; `citytools publication_rules london-boroughs
--name "London boroughs" --currency GBP --max-budget 40000 --organisations camden hackney`
creates or changes one.
"""

from decimal import Decimal

from django.core.management.base import CommandError

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Organisation
from citytools.partnering.models import PublicationRules
from citytools.partnering.services.authoring import save_publication_rules


def _flag(value):
    return None if value is None else value == "yes"


class Command(DomainCommand):
    help = (
        "List the publication rules of each jurisdiction, or create or change one: "
        "`citytools publication_rules <slug> --name NAME --currency CAD --max-budget 50000 --min-weeks 12 "
        "--max-weeks 16 --weights-total 100 --addendum-notice-days 7 --min-submission-days 14 --min-question-days 5`."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The rules to create or change; leave out to list them all.")
        parser.add_argument("--name")
        parser.add_argument("--currency", help="ISO 4217 code of the budget cap, e.g. CAD.")
        parser.add_argument("--max-budget", type=Decimal)
        parser.add_argument("--min-weeks", type=int)
        parser.add_argument("--max-weeks", type=int)
        parser.add_argument("--weights-total", type=int)
        parser.add_argument("--min-eligibility-criteria", type=int)
        parser.add_argument("--addendum-notice-days", type=int)
        parser.add_argument("--min-submission-days", type=int, help="Fewest days from publication to the submission deadline.")
        parser.add_argument("--min-question-days", type=int, help="Fewest days from the question deadline to the submission deadline.")
        parser.add_argument("--require-scale-texts", choices=["yes", "no"])
        parser.add_argument("--require-terms", choices=["yes", "no"])
        parser.add_argument(
            "--organisations", nargs="*", metavar="SLUG",
            help="The organisations under these rules (replacing the list); each moves here from any other rules.",
        )

    def handle(self, *args, slug=None, **options):
        if not slug:
            for r in PublicationRules.objects.order_by("slug").prefetch_related("jurisdictions__organisation"):
                under = ", ".join(sorted(j.organisation.slug for j in r.jurisdictions.all())) or "none"
                self.stdout.write(
                    f"{r.slug}: {r.name}; budget at most {r.max_budget:,.0f} {r.currency}; co-design {r.min_weeks}–"
                    f"{r.max_weeks} weeks; weights total {r.weights_total}; addendum notice {r.addendum_notice_days} days; "
                    f"at least {r.min_submission_days} days to apply; questions close {r.min_question_days} days before; "
                    f"scale texts {'required' if r.require_scale_texts else 'optional'}; "
                    f"terms {'required' if r.require_terms else 'optional'}; organisations: {under}."
                )
            return
        organisations = None
        if options["organisations"] is not None:
            found = Organisation.objects.in_bulk(options["organisations"], field_name="slug")
            missing = [s for s in options["organisations"] if s not in found]
            if missing:
                raise CommandError(f"No organisation has the slug {', '.join(missing)}.")
            organisations = [found[s] for s in options["organisations"]]
        # Whoever runs commands on the server already holds every power of a platform admin
        # (they can open a Django shell), so the command acts as one.
        rules, created = save_publication_rules(
            actor=None,
            viewer=Viewer(Grants(is_admin=True)),
            organisations=organisations,
            slug=slug,
            name=options["name"],
            currency=options["currency"],
            max_budget=options["max_budget"],
            min_weeks=options["min_weeks"],
            max_weeks=options["max_weeks"],
            weights_total=options["weights_total"],
            min_eligibility_criteria=options["min_eligibility_criteria"],
            addendum_notice_days=options["addendum_notice_days"],
            min_submission_days=options["min_submission_days"],
            min_question_days=options["min_question_days"],
            require_scale_texts=_flag(options["require_scale_texts"]),
            require_terms=_flag(options["require_terms"]),
        )
        self.stdout.write(f"{'Created' if created else 'Changed'} {rules.slug}: {rules.name}.")
