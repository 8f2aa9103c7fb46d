"""Worlds built once and shared by many tests.

A world of organisations, people and records costs seconds to build, through the services as
an editor would; the tests that read it (each role × each URL) cost milliseconds each. So a
module builds its world once, in a module-scoped fixture, inside `rolled_back_at_the_end`: a
transaction opened before the world is made and rolled back when the module ends. Each test
still runs in a savepoint of its own within it (pytest-django's `db`), rolled back after the
test, so no test sees another's changes and every test sees the world as it was built.
"""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def rolled_back_at_the_end(django_db_blocker):
    """Use with pytest-django's `django_db_setup` and `django_db_blocker` fixtures:

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            with rolled_back_at_the_end(django_db_blocker):
                yield build_world()
    """
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
