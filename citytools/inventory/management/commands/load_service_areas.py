from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from citytools.core.errors import DomainError
from citytools.inventory.services import load_service_areas


class Command(BaseCommand):
    help = "Create or update the default service-area taxonomy from the file City Tools ships."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, help="Another file in the same format.")

    def handle(self, *args, path=None, **options):
        try:
            result = load_service_areas(path=path)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Service areas: {result}.")
