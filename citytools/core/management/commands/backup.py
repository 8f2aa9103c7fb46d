"""`citytools backup FILE`: the database in one file (citytools.core.backups)."""

from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from citytools.core.backups import backup_database
from citytools.core.management.base import DomainCommand


class Command(DomainCommand):
    help = (
        "Back up the database to FILE: on SQLite a copy made with its backup API, on PostgreSQL "
        "pg_dump's custom format (Django's dumpdata when pg_dump is not on the PATH). Safe while "
        "the site runs. Uploaded files are not included: copy CITYTOOLS_MEDIA_ROOT beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write the backup (replaced once the backup is whole).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: %(default)s).")

    def handle(self, *args, file: Path, database: str, **options):
        method = backup_database(path=file, using=database)
        self.stdout.write(f"Backed up the database to {file} ({method}, {file.stat().st_size:,} bytes).")
