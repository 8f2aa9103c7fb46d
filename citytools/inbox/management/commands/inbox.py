"""`citytools inbox --as EMAIL`: what waits for one person, from the same query as the
/inbox/ page and GET /api/v1/inbox (citytools.inbox.queries.tasks_for)."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from citytools.accounts.viewer import Viewer
from citytools.core.management.base import DomainCommand
from citytools.inbox import queries


class Command(DomainCommand):
    help = (
        "What waits for one person across challenges, initiatives and campaigns: "
        "`citytools inbox --as you@example.org [--json]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="email", required=True, help="The e-mail address of the person.")
        parser.add_argument("--json", action="store_true", help="Print the tasks as JSON, as the API gives them.")

    def handle(self, *args, email, json=False, **options):
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail address {email!r}.")
        tasks = queries.tasks_for(Viewer.for_user(user))
        if json:
            self.stdout.write(dumps(tasks))
            return
        if not tasks:
            self.stdout.write(f"Nothing waits for {user.email}.")
            return
        self.stdout.write(f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} for {user.email}:")
        for area, items in queries.by_area(tasks):
            self.stdout.write(f"\n{area}")
            for t in items:
                due = f" (due {t.due:%-d %B %Y}{', overdue' if t.overdue else ''})" if t.due else ""
                self.stdout.write(f"- {t.subject}: {t.action}{due}\n  {settings.SITE_URL}{t.url}")


def dumps(tasks) -> str:
    rows = [
        {
            "area": t.area, "kind": t.kind, "action": t.action, "subject": t.subject, "url": t.url, "role": t.role,
            "due": t.due.isoformat() if t.due else None, "due_at": t.due_at.isoformat() if t.due_at else None,
            "overdue": t.overdue,
        }
        for t in tasks
    ]
    return json.dumps({"count": len(rows), "tasks": rows}, indent=2)
