from pathlib import Path

from citytools.core.management.base import DomainCommand
from citytools.inventory.services import load_service_areas


class Command(DomainCommand):
    help = "Create or update the default service-area taxonomy from the file City Tools ships."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="Another file in the same format.")

    def handle(self, *args, path=None, **options):
        result = load_service_areas(path=path)
        self.stdout.write(f"Service areas: {result}.")
