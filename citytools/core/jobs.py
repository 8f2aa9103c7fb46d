"""The worker's side of a large file (a WorkerJob: an organisation's spreadsheet, a network's
survey): recording the job for the worker, refusing what cannot be done while it runs, and
running it with its progress kept for the page, its refusal kept for the person and any other
failure logged."""

import logging
from collections.abc import Callable

from django.utils import timezone

from citytools.core.errors import DomainError

logger = logging.getLogger(__name__)
WORKER_FAILED = (
    "The worker could not finish with this file, so nothing was imported. Upload it again; if this happens again, "
    "ask a platform admin to look at the worker's log."
)


def record_job(record, job: str, *, actor, total: int) -> None:
    """Mark `record` as waiting for the worker's `job` ("preview" or "commit") of `total`
    rows; the caller then queues it."""
    fields = {"job": job, "job_done": 0, "job_total": total, "job_error": "", "job_actor": actor, "job_started_at": timezone.now()}
    type(record).objects.filter(pk=record.pk).update(**fields)
    for name, value in fields.items():
        setattr(record, name, value)


def refuse_while_busy(record, *, job: str = "") -> None:
    """Refuse anything but the worker's own `job` while the worker has the file."""
    if record.job and record.job != job:
        doing = "previewed" if record.job == "preview" else "imported"
        raise DomainError(f"This file is still being {doing}. Wait until it has finished; its page shows how far it has got.", code="busy")


def refuse_unless_open(record, *, committed: bool, job: str = "") -> None:
    """Refuse what cannot be done to an uploaded file now: while the worker has it (except
    its own `job`, which may go on), once it is imported, or once it has expired."""
    refuse_while_busy(record, job=job)
    if committed:
        raise DomainError("This file has already been imported. Upload it again to import it once more.", code="committed")
    if record.expires_at <= timezone.now():
        raise DomainError("This upload has expired. Upload the file again.", code="expired")


def run_recorded(record, work: Callable[[str, Callable[[int], None]], None]) -> None:
    """Do the worker's job on `record` with `work(job, progress)`, keeping how far it has got,
    then clear the job, keeping a refusal's message (or, for any other failure, a sentence
    saying the worker failed, with the details in the log) for the page."""
    if not record.job:
        return
    model, job, error = type(record), record.job, ""

    def progress(done: int) -> None:
        model.objects.filter(pk=record.pk).update(job_done=done)

    try:
        work(job, progress)
    except DomainError as refusal:
        error = refusal.message
    except Exception:  # anything else is the worker's fault, not the file's: say so, keep the log
        logger.exception("The %s job of %s %s failed.", job, model._meta.verbose_name, record.pk)
        error = WORKER_FAILED
    finished = {"job_done": record.job_total} if not error else {}
    model.objects.filter(pk=record.pk).update(job="", job_error=error, updated_at=timezone.now(), **finished)
