"""`GET /api/v1/inbox`: what waits for the signed-in person, from the same query as the page
and the `citytools inbox` command (citytools.inbox.queries.tasks_for)."""

import datetime

from ninja import Field, Router, Schema

from citytools.core.api_input import django_auth
from citytools.inbox import queries

router = Router(tags=["inbox"], auth=django_auth)


class TaskOut(Schema):
    area: str = Field(description="One of: " + ", ".join(f"{k} ({v})" for k, v in queries.AREAS.items()) + ".")
    area_label: str
    kind: str = Field(description="What is to be done, as a stable code, e.g. challenge.review, campaign.confirm.")
    action: str = Field(description="What is to be done, in words.")
    subject: str = Field(description="The title of the challenge, initiative or campaign it is about.")
    url: str = Field(description="The page where it is done (a path on this site).")
    role: str = Field(
        description="Why it is yours: steward, owner, evaluator, applicant, invited, lead, editor, coordinator or admin."
    )
    due: datetime.date | None = Field(description="The day it is due, if it has one.")
    due_at: datetime.datetime | None = Field(description="The exact deadline, where it has one (challenge deadlines).")
    overdue: bool = Field(description="True once the due day or deadline has passed.")


class InboxOut(Schema):
    count: int
    tasks: list[TaskOut] = Field(description="Soonest due first; undated tasks last.")


@router.get("/inbox", response=InboxOut, url_name="inbox", summary="What waits for the signed-in person")
def inbox(request):
    tasks = queries.tasks_for(request.viewer)
    return InboxOut(
        count=len(tasks),
        tasks=[
            TaskOut(
                area=t.area, area_label=t.area_label, kind=t.kind, action=t.action, subject=t.subject, url=t.url,
                role=t.role, due=t.due, due_at=t.due_at, overdue=t.overdue,
            )
            for t in tasks
        ],
    )
