"""`citytools export_records`: an organisation's or a whole network's systems or contracts as
CSV, XLSX or JSON, holding what one person (`--as`) or the public may see. The batch door to
citytools.spreadsheets.queries."""


from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.directory.models import Network, Organisation
from citytools.spreadsheets import queries, sheets
from citytools.spreadsheets.management.commands._people import person, viewer_of
from citytools.spreadsheets.models import Kind


class Command(DomainCommand):
    help = (
        "Export systems or contracts as that person may see them: "
        "`citytools export_records --as you@example.org --network london --kind contracts --format xlsx --output contracts.xlsx`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="email", help="The e-mail address of the person asking; the public without it.")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--organisation", help="An organisation's slug.")
        where.add_argument("--network", help="A network's slug: every member's records.")
        parser.add_argument("--kind", required=True, choices=Kind.values, help="systems or contracts.")
        parser.add_argument("--format", dest="fmt", default="csv", choices=sheets.FORMATS, help="csv (default), xlsx or json.")
        parser.add_argument("--output", default="-", help="The file to write; - (the default) for standard output.")

    def handle(self, *args, email=None, organisation=None, network=None, kind, fmt="csv", output="-", **options):
        viewer = viewer_of(person(email))
        if organisation:
            found = Organisation.objects.filter(slug=organisation).first()
            if found is None:
                raise CommandError(f"No organisation has the slug {organisation!r}.")
            export = queries.organisation_export(viewer, found, kind)
        else:
            found = Network.objects.filter(slug=network).first()
            if found is None:
                raise CommandError(f"No network has the slug {network!r}.")
            export = queries.network_export(viewer, found, kind)
        content = export.render(fmt)
        if output == "-":
            if fmt == "xlsx":
                raise CommandError("XLSX is a binary file: name one with --output.")
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        with open(output, "wb") as handle:
            handle.write(content)
        self.stderr.write(f"Wrote {len(export.rows)} {kind} to {output}.")
