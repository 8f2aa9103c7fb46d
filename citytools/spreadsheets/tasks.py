"""Background work of imports, on the database-backed queue (django-tasks): a large file's
preview and import run in `citytools worker`, and the upload's page shows how far they have
got (citytools.spreadsheets.services.run_job)."""

from django_tasks import task

from citytools.spreadsheets.services import run_job


@task()
def run_upload_job(upload_id: int) -> None:
    run_job(upload_id)


def on_job_queued(*, upload_id: int, **kwargs) -> None:
    """An upload's long job is recorded: hand it to the worker (citytools.spreadsheets.apps
    connects this to services.job_queued)."""
    run_upload_job.enqueue(upload_id)
