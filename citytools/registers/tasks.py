"""Background work of a network's survey, on the database-backed queue (django-tasks): a
large file's preview and import run in `citytools worker`, and the survey's page shows how
far they have got (citytools.registers.surveys.run_job)."""

from django_tasks import task

from citytools.registers.surveys import run_job


@task()
def run_survey_job(survey_id: int) -> None:
    run_job(survey_id)


def on_job_queued(*, survey_id: int, **kwargs) -> None:
    """A survey's long job is recorded: hand it to the worker (citytools.registers.apps
    connects this to surveys.job_queued)."""
    run_survey_job.enqueue(survey_id)
