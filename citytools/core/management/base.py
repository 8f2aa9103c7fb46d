"""The CLI door's one translation of a DomainError: a message on stderr and exit code 1.

Every argument passes the site's text rule (citytools.core.text) first, as every other door's
input does: bytes that are not UTF-8 arrive from the shell as unpaired surrogates, and a NUL
or control character would be stored as typed.
"""

from django.core.management.base import BaseCommand, CommandError

from citytools.core.errors import DomainError
from citytools.core.text import check_text


def _check_arguments(args, options) -> None:
    for name, value in [*((None, arg) for arg in args), *options.items()]:
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                check_text(item, field=name)


class DomainCommand(BaseCommand):
    """A management command whose service calls may refuse with a DomainError."""

    def execute(self, *args, **options):
        try:
            _check_arguments(args, options)
            return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(error.message) from error
