"""`citytools import_network FILE --network SLUG --label NAME --as EMAIL`: import a network's
survey (CSV or XLSX) for its members, as one of its coordinators or a platform admin. The
batch door to citytools.registers.surveys.import_file, with a progress bar, a summary and a
JSON Lines report of what became of each row.

A command cannot ask, so a joint service ("Adur & Worthing") is decided on the command line
with `--decide ROW=GSS[,GSS]`; a row still waiting for one is reported as an error naming
the candidates, and stops the import as any error does."""

import sys
from pathlib import Path

import orjson
from django.core.management.base import CommandError

from citytools.accounts.management.acting import viewer_for
from citytools.core.management.base import DomainCommand
from citytools.core.management.progress import Progress
from citytools.directory.models import Network, Organisation
from citytools.registers import surveys

STAGES = {"checked": "rows checked", "imported": "rows imported"}
# The report's statuses: a row waiting for a decision is an error here (see the module's docstring).
REPORTED = {"decision": "error"}


def decisions(values: list[str]) -> dict[str, list[int]]:
    """--decide ROW=GSS[,GSS] options as the service keeps decisions: row → organisations' pks."""
    decided: dict[str, list[int]] = {}
    for value in values:
        row, _, codes = value.partition("=")
        gss = [code.strip() for code in codes.split(",") if code.strip()]
        if not row.strip().isdigit() or not gss:
            raise CommandError(f"--decide {value!r}: write it as ROW=GSS[,GSS], e.g. --decide 4=E07000223,E07000229.")
        found = dict(Organisation.objects.filter(identifier__in=gss).values_list("identifier", "pk"))
        unknown = [code for code in gss if code not in found]
        if unknown:
            raise CommandError(f"--decide {value!r}: no organisation on the map has the code {', '.join(unknown)}.")
        decided[str(int(row))] = [found[code] for code in gss]
    return decided


def undecided(report: surveys.Report, decided: dict[str, list[int]]) -> list[str]:
    """The --decide rows the report does not place on exactly the organisations given: the
    service reads a decision only for a row naming a joint service (and keeps a row decided
    for other organisations than it names waiting), so the command checks before importing
    that each decision was the one taken."""
    placed: dict[str, set[str]] = {}
    failed = {str(row.row) for row in report.rows if row.status == "error"}  # reported, and blocking, already
    for row in report.rows:
        if row.matched_by == "decision":
            placed.setdefault(str(row.row), set()).add(row.organisation_slug)
    slugs = dict(Organisation.objects.filter(pk__in=[pk for pks in decided.values() for pk in pks]).values_list("pk", "slug"))
    return [row for row, pks in decided.items() if row not in failed and placed.get(row) != {slugs[pk] for pk in pks}]


def report_lines(report: surveys.Report) -> list[dict]:
    """One line per row (and organisation), a joint service still to decide as an error that
    names its candidates."""
    lines = []
    for row, line in zip(report.rows, report.lines(), strict=True):
        if row.status in REPORTED:
            candidates = ", ".join(f"{c['gss_code'] or c['pk']} ({c['name']})" for c in row.candidates)
            line = {**line, "status": REPORTED[row.status],
                    "error": f"{row.error} Decide it with --decide {row.row}=GSS[,GSS]: {candidates}."}
        lines.append(line)
    return lines


class Command(DomainCommand):
    # A batch command that may run for long: Django's system checks are for servers.
    requires_system_checks = []
    help = (
        "Import a network's survey of its members' systems (CSV or XLSX): `citytools import_network survey.xlsx "
        "--network london --label \"London survey 2026\" --as coordinator@example.org [--trusted] [--dry-run] "
        "[--report report.jsonl] [--decide ROW=GSS[,GSS]]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file.")
        parser.add_argument("--network", help="The network's slug.")
        parser.add_argument("--label", help="The source's name, e.g. \"London survey 2026\": every record keeps it.")
        parser.add_argument("--as", dest="email", help="One of the network's coordinators, or a platform admin.")
        parser.add_argument("--trusted", action="store_true",
                            help="Put the rows on the members' maps at once (unconfirmed), not in their review queues.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report every row, and write nothing.")
        parser.add_argument("--report", help="Write one JSON line per row (and organisation) to this file.")
        parser.add_argument("--decide", action="append", default=[], metavar="ROW=GSS[,GSS]",
                            help="Which organisations a joint-service row is for, by GSS code; repeat for each row.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it is off when stderr is not a terminal).")

    def handle(self, *args, file, network=None, label=None, email=None, trusted=False, dry_run=False, report=None,
               decide=(), no_progress=False, **options):
        if not network:
            raise CommandError("Say which network the survey is for with --network SLUG.")
        if not label:
            raise CommandError("Name the source with --label, such as \"London survey 2026\": every record keeps it.")
        if not email:
            raise CommandError("Say who is importing with --as EMAIL (one of the network's coordinators, or a platform admin).")
        found = Network.objects.filter(slug=network).first()
        if found is None:
            raise CommandError(f"No network has the slug {network!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}.")
        actor = viewer_for(email)[0]
        decided = decisions(list(decide))
        bar = Progress(disable=no_progress or not sys.stderr.isatty(), stages=STAGES)
        stage = {"name": "checked", "last": 0}

        def progress(done: int) -> None:
            # The service counts the preview's rows, then the import's from the start again.
            if done <= stage["last"]:
                stage["name"] = "imported"
            stage["last"] = done
            bar.update(stage["name"], done)

        content = path.read_bytes()
        try:
            if decided:
                check = surveys.import_file(found, filename=path.name, content=content, label=label, trusted=trusted,
                                            actor=actor, dry_run=True, decisions=decided, progress=progress)
                wrong = undecided(check, decided)
                if wrong:
                    raise CommandError(
                        f"--decide for row(s) {', '.join(wrong)}: the row names no joint service of those organisations. "
                        "Run without --decide to see each row's candidates. Nothing was imported."
                    )
                stage["last"] = 0
            result = surveys.import_file(
                found, filename=path.name, content=content, label=label, trusted=trusted, actor=actor,
                dry_run=dry_run, decisions=decided, progress=progress,
            )
        finally:
            bar.close()
        if report:
            with open(report, "wb") as out:
                for line in report_lines(result):
                    out.write(orjson.dumps(line) + b"\n")
        self.summarise(result)
        if result.blocking:
            raise CommandError(
                f"Nothing was imported: {result.blocking} row(s) have errors or name a joint service to decide (--decide). "
                "Correct the file, or decide, and run again."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def summarise(self, report: surveys.Report) -> None:
        for line in report_lines(report):
            if line["status"] == "error":
                self.stdout.write(f"Row {line['row']}: error: {line['error']}")
        counts = report.counts
        would = "would be " if report.dry_run else ""
        self.stdout.write(
            f"{len(report.rows):,} results: {counts['suggested']:,} {would}suggested, {counts['applied']:,} {would}applied, "
            f"{counts['unchanged']:,} unchanged, {counts['error'] + counts['decision']:,} with errors."
        )
        for entry in report.organisations:
            self.stdout.write(
                f"  {entry['name']} ({entry['gss_code'] or entry['slug']}): {entry['suggested']} suggested, {entry['applied']} "
                f"applied, {entry['unchanged']} unchanged, {entry['error'] + entry['decision']} with errors."
            )
        if report.new_products or report.new_suppliers:
            self.stdout.write(
                f"New in the catalogue: products {', '.join(report.new_products) or 'none'}; "
                f"suppliers {', '.join(report.new_suppliers) or 'none'}."
            )
        for gone in report.disappeared:
            self.stdout.write(f"Disappeared since the earlier edition: {gone['organisation']}: {gone['product']} ({gone['status']}).")
