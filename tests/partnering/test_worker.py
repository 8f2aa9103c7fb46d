"""The background worker (`citytools worker`) and `citytools advance_deadlines`: deadlines
close and queued e-mails go out, on the database-backed queue the real settings use."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from citytools.core.management.commands.worker import Scheduler
from citytools.partnering.models import Notification, State
from citytools.partnering.notify import notify
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def due_challenge():
    """A published challenge whose question deadline passed a minute ago."""
    c = cast(applicants=1, evaluators=1)
    challenge = challenge_in(c, State.PUBLISHED)
    challenge.question_deadline = timezone.now() - datetime.timedelta(minutes=1)
    challenge.submission_deadline = timezone.now() + datetime.timedelta(days=10)
    challenge.save()
    return c, challenge


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_advance_deadlines_moves_what_is_due_and_says_so():
    _c, challenge = due_challenge()
    out = run("advance_deadlines")
    assert f"{challenge.reference} {challenge.slug}: Open for questions → Questions closed" in out
    challenge.refresh_from_db()
    assert challenge.state == State.QUESTIONS_CLOSED
    assert "No deadline is due." in run("advance_deadlines")


@override_settings(TASKS=DATABASE_QUEUE)
def test_worker_once_closes_deadlines_and_sends_queued_mail():
    c, challenge = due_challenge()
    # Its review and publication were e-mailed to the steward and the owner (queued, not sent).
    queued = DBTaskResult.objects.count()
    notify(challenge, [c.applicants[0][1]], kind="addendum", subject="Addendum 1", body="Read it.")
    # Outside a transaction the e-mail is queued at once; nothing has been sent yet.
    assert DBTaskResult.objects.count() == queued + 1
    assert mail.outbox == []
    out = run("worker", "--once", "--verbosity", "0")
    assert "The queue is empty." in out
    challenge.refresh_from_db()
    assert challenge.state == State.QUESTIONS_CLOSED
    assert [m.subject for m in mail.outbox if m.to == [c.applicants[0][1].email]] == ["Addendum 1"]
    assert Notification.objects.get(kind="addendum").sent_at is not None
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@override_settings(TASKS=DATABASE_QUEUE)
def test_without_a_worker_mail_waits_in_the_queue():
    c, challenge = due_challenge()
    queued = DBTaskResult.objects.filter(status="READY").count()
    notify(challenge, [c.applicants[0][1]], kind="addendum", subject="Addendum 1", body="Read it.")
    assert mail.outbox == []
    assert Notification.objects.get(kind="addendum").sent_at is None
    assert DBTaskResult.objects.filter(status="READY").count() == queued + 1


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_scheduler_queues_the_deadline_digest_and_reminder_tasks_each_tick():
    scheduler = Scheduler(interval=60)
    scheduler.tick()
    scheduler.tick()
    names = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert names == (
        ["citytools.freshness.tasks.send_campaign_reminders"] * 2
        + ["citytools.notices.tasks.harvest_on_schedule"] * 2
        + ["citytools.opportunities.tasks.send_digests"] * 2
        + ["citytools.partnering.tasks.advance_deadlines"] * 2
    )


def test_the_worker_refuses_to_run_without_the_database_queue():
    # The test settings run tasks immediately, as CITYTOOLS_TASKS_IMMEDIATE=1 does.
    with pytest.raises(CommandError, match="not the database queue"):
        run("worker", "--once")
