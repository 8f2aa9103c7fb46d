"""Background work of imports, on the database-backed queue (django-tasks): a large file's
preview and import run in `citytools worker`, and the upload's page shows how far they have
got (citytools.spreadsheets.services.run_job)."""

from django_tasks import task


@task()
def run_upload_job(upload_id: int) -> None:
    from citytools.spreadsheets.services import run_job

    run_job(upload_id)
