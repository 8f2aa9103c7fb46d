"""Background work of alerts, on the database-backed queue (django-tasks).

`citytools worker` queues `send_digests` every minute beside the deadline task (registered in
citytools.opportunities.apps; see citytools/core/management/commands/worker.py and
docs/operations-worker.md). It is
cheap when nothing is due (one query), and idempotent: a digest counts as done for its day
or week once worked out, so running it again sends nothing twice.
"""

from django_tasks import task

from citytools.opportunities.digests import send_due


@task()
def send_digests() -> int:
    """Send every due alert digest; returns how many went."""
    return send_due().sent
