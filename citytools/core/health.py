"""Health checks for whatever runs City Tools (a load balancer, an orchestrator, a monitor).

Liveness (`/healthz`) says the process answers, and asks nothing of the database: restarting
an app server cannot mend a database. Readiness (`/readyz`) says this server can do its job:
the database answers a trivial query and, when tasks go through the database queue, a worker
(`citytools worker`) has shown it is alive within CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE seconds.
A deployment that runs no worker on purpose sets CITYTOOLS_WORKER_REQUIRED=0: the worker's
check then reads "not required" and never fails (docs/operations.md#health-checks).

What either says is a word per check, never an error's text: the answer is public.
"""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_backends

from citytools.core.models import Heartbeat

logger = logging.getLogger("citytools.health")

OK = "ok"
FAILED = "failed"
STALE = "stale"
MISSING = "missing"
NOT_REQUIRED = "not required"
# How long a worker that stopped keeps its row, so that the table holds only workers seen lately.
FORGET_AFTER = datetime.timedelta(days=1)


def record_heartbeat(*, worker: str, now: datetime.datetime | None = None) -> None:
    """The worker named `worker` is alive now; rows of workers unseen for a day are forgotten."""
    now = now or timezone.now()
    Heartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": now})
    Heartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def worker_required() -> bool:
    """Whether readiness asks for a worker: only when tasks wait in the database queue for
    one (with CITYTOOLS_TASKS_IMMEDIATE they run inline) and the deployment has not said it
    runs without one."""
    if not settings.CITYTOOLS_WORKER_REQUIRED:
        return False
    return any(isinstance(task_backends[alias], DatabaseBackend) for alias in settings.TASKS)


def database_check() -> str:
    try:
        # The database that writes go to: a replica that answers is no use if the primary does not.
        with connections[router.db_for_write(Heartbeat)].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: the database did not answer.")
        return FAILED
    return OK


def worker_check(now: datetime.datetime | None = None) -> str:
    if not worker_required():
        return NOT_REQUIRED
    try:
        latest = Heartbeat.objects.using(router.db_for_write(Heartbeat)).aggregate(latest=Max("beat_at"))["latest"]
    except DatabaseError:
        logger.exception("Readiness: the worker's heartbeat could not be read.")
        return FAILED
    if latest is None:
        return MISSING
    age = ((now or timezone.now()) - latest).total_seconds()
    return OK if age <= settings.CITYTOOLS_WORKER_HEARTBEAT_MAX_AGE else STALE


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: outcome}): ready when every check is "ok" or "not required"."""
    checks = {"database": database_check()}
    checks["worker"] = worker_check() if checks["database"] == OK else FAILED
    return all(outcome in (OK, NOT_REQUIRED) for outcome in checks.values()), checks
