"""Background work of campaigns, on the database-backed queue (django-tasks).

`citytools worker` queues `send_campaign_reminders` every minute beside the deadline and
digest tasks (registered in citytools.freshness.apps). It is cheap when no campaign runs (one query) and idempotent: each reminder is
a row with a unique key, so running it again sends nothing twice.
"""

from django_tasks import task

from citytools.freshness.services import send_due_reminders


@task()
def send_campaign_reminders() -> int:
    """Send every due campaign e-mail and close campaigns past their deadline."""
    return send_due_reminders().sent


def on_campaign_launched(**kwargs) -> None:
    """A campaign has just launched: send its first e-mails now (citytools.freshness.apps
    connects this to services.campaign_launched)."""
    send_campaign_reminders.enqueue()
