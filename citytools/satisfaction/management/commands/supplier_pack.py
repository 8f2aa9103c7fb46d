"""Write a supplier conversation pack to a file, as a PDF or HTML, for one person or the public.

The batch door to citytools.satisfaction.pack: `citytools supplier_pack civica --as
officer@example.org --output civica.pdf`. The pack holds what that person may see (without
`--as`, what the public may see). The file is written beside its target and renamed, so a
failed run leaves no half-written file.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.directory.models import Supplier
from citytools.satisfaction import pack as packs


class Command(DomainCommand):
    help = (
        "Write the conversation pack for a supplier: "
        "`citytools supplier_pack <slug> --as you@example.org --output pack.pdf` (or .html; '-' prints HTML)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The supplier's slug.")
        parser.add_argument("--output", "-o", required=True, help="The file to write; '-' writes HTML to standard output.")
        parser.add_argument("--as", dest="email", help="The e-mail address of the person it is for; the public without it.")
        parser.add_argument("--format", choices=["pdf", "html"], help="Defaults to the output file's extension, else PDF.")

    def handle(self, *args, slug, output, email=None, format=None, **options):
        supplier = Supplier.objects.filter(slug=slug).first()
        if supplier is None:
            raise CommandError(f"No supplier has the slug {slug!r}.")
        viewer = Viewer.public()
        if email:
            user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user with the e-mail address {email!r}.")
            viewer = Viewer.for_user(user)
        pack = packs.conversation_pack(supplier, viewer=viewer)
        kind = format or ("html" if output == "-" or output.lower().endswith((".html", ".htm")) else "pdf")
        if output == "-":
            if kind != "html":
                raise CommandError("Standard output takes HTML only: add --format html.")
            self.stdout.write(packs.pack_html(pack, viewer=viewer))
            return
        target = Path(output)
        content = packs.pack_html(pack, viewer=viewer).encode() if kind == "html" else packs.pack_pdf(pack, viewer=viewer)
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.write_bytes(content)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Could not write {target}: {error.strerror}.") from None
        self.stdout.write(f"Wrote the {supplier.name} conversation pack ({kind.upper()}) to {target}.")
