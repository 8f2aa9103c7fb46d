"""Write a challenge's Invitation-to-Partner document to a file, as a PDF or as HTML.

The batch door to citytools.partnering.documents, e.g. for attaching the document to a
notice elsewhere: `citytools challenge_document toronto-311 --output itp.pdf`. Only
published challenges are written unless `--draft` is given (a draft is not public).
"""

from pathlib import Path

from django.core.management.base import CommandError

from citytools.core.management.base import DomainCommand
from citytools.partnering import documents
from citytools.partnering.models import Challenge


class Command(DomainCommand):
    help = (
        "Write a challenge's plain-language document to a file: "
        "`citytools challenge_document <slug> --output itp.pdf` (or .html, or --format html). "
        "Unpublished challenges need --draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The challenge's slug.")
        parser.add_argument("--output", "-o", required=True, help="The file to write; '-' writes HTML to standard output.")
        parser.add_argument("--format", choices=["pdf", "html"], help="Defaults to the output file's extension, else PDF.")
        parser.add_argument("--draft", action="store_true", help="Also write a challenge that is not published yet.")

    def handle(self, *args, slug, output, format=None, draft=False, **options):
        challenge = Challenge.objects.filter(slug=slug).first()
        if challenge is None:
            raise CommandError(f"No challenge has the slug {slug!r}.")
        if not challenge.is_published and not draft:
            raise CommandError(f"{challenge.title} is not published; pass --draft to write it anyway.")
        kind = format or ("html" if output == "-" or output.lower().endswith((".html", ".htm")) else "pdf")
        if output == "-":
            if kind != "html":
                raise CommandError("Standard output takes HTML only: add --format html.")
            self.stdout.write(documents.challenge_html(challenge))
            return
        path = Path(output)
        if kind == "html":
            path.write_text(documents.challenge_html(challenge), encoding="utf-8")
        else:
            path.write_bytes(documents.challenge_pdf(challenge))
        self.stdout.write(f"Wrote {challenge.reference} ({kind.upper()}) to {path}.")
