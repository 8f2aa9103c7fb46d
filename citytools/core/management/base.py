"""The CLI door's one translation of a DomainError: a message on stderr and exit code 1."""

from django.core.management.base import BaseCommand, CommandError

from citytools.core.errors import DomainError


class DomainCommand(BaseCommand):
    """A management command whose service calls may refuse with a DomainError."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(error.message) from error
