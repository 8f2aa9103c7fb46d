"""Telling people what happened to a challenge they are part of.

`notify` records one Notification per person (so that 'every applicant was told' can be
shown) and, once the transaction commits, queues the e-mail on the database-backed task
queue (citytools.partnering.tasks). Messages carry only what their reader may see.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from citytools.partnering.models import Notification
from citytools.partnering.tasks import send_notifications


def site_url(name: str, **kwargs) -> str:
    """A page's full address, for an e-mail."""
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def notify(challenge, users, *, kind: str, subject: str, body: str, now=None) -> list[Notification]:
    now = now or timezone.now()
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(challenge=challenge, user=user, kind=kind, subject=subject[:200], body=body, created_at=now)
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # some databases do not return keys from bulk_create
        ids = list(
            Notification.objects.filter(challenge=challenge, kind=kind, created_at=now).values_list("pk", flat=True)
        )

    def enqueue():
        send_notifications.enqueue(ids)

    transaction.on_commit(enqueue)
    return created
