"""Background work of public notices, on the database-backed queue (django-tasks): an import
from the web runs in `citytools worker`, and its page shows how far it has got."""

from django_tasks import task

from citytools.notices.services import harvest_when_due, run_web_import


@task()
def run_import_job(import_id: int) -> None:
    run_web_import(import_id)


def on_import_queued(*, import_id: int, **kwargs) -> None:
    """An import from the web is recorded: hand it to the worker (citytools.notices.apps
    connects this to services.import_queued)."""
    run_import_job.enqueue(import_id)


@task()
def harvest_on_schedule() -> None:
    """Queued on every tick of the worker; harvests only the sources that are due."""
    harvest_when_due()
