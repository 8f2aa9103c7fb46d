from pathlib import Path

from citytools.core.management.base import DomainCommand
from citytools.directory.services import load_local_authorities


class Command(DomainCommand):
    help = "Create or update every UK local authority from the file City Tools ships."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="Another file in the same format.")

    def handle(self, *args, path=None, **options):
        result = load_local_authorities(path=path)
        self.stdout.write(f"Local authorities: {result}.")
