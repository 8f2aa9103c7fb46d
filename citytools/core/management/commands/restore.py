"""`citytools restore FILE`: a backup made by `citytools backup`, into an empty database."""

from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from citytools.core.backups import restore_database
from citytools.core.management.base import DomainCommand


class Command(DomainCommand):
    help = (
        "Restore a backup made by `citytools backup` into the database. Refuses a database that "
        "already holds data (beyond what `citytools migrate` writes) unless --force, which "
        "replaces it. Stop the site and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument("--force", action="store_true", help="Replace a database that holds data.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: %(default)s).")

    def handle(self, *args, file: Path, force: bool, database: str, **options):
        method = restore_database(path=file, using=database, force=force)
        self.stdout.write(f"Restored the database from {file} ({method}).")
