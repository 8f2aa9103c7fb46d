"""Background work of the Invitation to Partner, on the database-backed queue (django-tasks).

`citytools worker` runs the queue and queues `advance_deadlines` every minute (registered in
citytools.partnering.apps; see citytools/core/management/commands/worker.py and
docs/operations-worker.md); without a
worker, e-mails wait in it and deadlines still close on every request
(citytools.partnering.middleware).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from citytools.partnering.lifecycle import advance_due
from citytools.partnering.models import Notification


@task()
def send_notifications(notification_ids: list[int]) -> int:
    """E-mail the notifications not yet sent; returns how many went."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids, sent_at__isnull=True).select_related("user"):
        send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
        sent += 1
    return sent


@task()
def advance_deadlines() -> int:
    """Close questions and submissions whose deadlines have passed."""
    return advance_due()
