"""`citytools import_records`: preview (and with --commit, import) a CSV or XLSX file of an
organisation's systems or contracts, as one of its editors. The batch door to
citytools.spreadsheets.services, with the same preview, errors and all-or-nothing commit as
the pages."""

from pathlib import Path

from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.directory.models import Organisation
from citytools.spreadsheets import services
from citytools.spreadsheets.management.commands._people import person
from citytools.spreadsheets.models import Kind


class Command(DomainCommand):
    help = (
        "Preview a spreadsheet of systems or contracts against an organisation's records, and import it with --commit: "
        "`citytools import_records --as editor@example.org --organisation camden --kind contracts FILE [--commit]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file.")
        parser.add_argument("--as", dest="email", required=True, help="The e-mail address of one of the organisation's editors.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--kind", required=True, choices=Kind.values, help="systems or contracts.")
        parser.add_argument("--mapping", help="Columns by position, comma-separated field names; an empty name leaves a column out.")
        parser.add_argument("--commit", action="store_true", help="Import, if no row has an error; without it, only preview.")

    def handle(self, *args, file, email, organisation, kind, mapping=None, commit=False, **options):
        actor = person(email)
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}.")
        # A command is a batch already: it does the work itself, whatever the file's size.
        upload = services.start_import(
            organisation=found, kind=kind, filename=path.name, content=path.read_bytes(), actor=actor, background=False
        )
        if mapping is not None:
            preview = services.set_mapping(upload, mapping=[m.strip() for m in mapping.split(",")], actor=actor, background=False)
        else:
            preview = upload.preview
        self.stdout.write(f"Header on row {preview.header_row}. Columns:")
        for text, name in zip(preview.header, preview.mapping):
            self.stdout.write(f"  {text or '(no header)'} → {name or '(left out)'}")
        for row in preview.rows:
            record = f" {row.title} (id {row.record_id})" if row.record_id else (f" {row.title}" if row.title else "")
            self.stdout.write(f"Row {row.number}: {row.action}{record}")
            for change in row.changes if row.action in ("new", "changed") else []:
                self.stdout.write(f"    {change.label}: {change.old + ' → ' if row.action == 'changed' else ''}{change.new}")
            for message in row.errors:
                self.stdout.write(f"    error: {message}")
            if row.note:
                self.stdout.write(f"    {row.note}")
        counts = preview.counts
        self.stdout.write(
            f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
            f"{counts['duplicate']} duplicate, {counts['error']} with errors."
        )
        if preview.has_errors:
            raise CommandError("Nothing was imported: correct the rows with errors first.")
        if not commit:
            self.stdout.write("Nothing was imported: run again with --commit to import.")
            return
        result = services.commit_import(upload, actor=actor)
        self.stdout.write(f"Imported: {result.created} added, {result.changed} changed, {result.unchanged} unchanged.")
