"""A challenge's own page: its document, where it stands in the process, and the links to
every part's pages that this person may use now.

Each part's views module may define `nav_links(challenge, roles, viewer) -> list[tuple[str, str]]`
(label, URL) for the pages of its part this person may use now; the challenge page shows
them all, in the order of the process. The page sits above the parts, so it imports them and
none imports it.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from citytools.partnering import documents, rules
from citytools.partnering.models import Challenge, Interest, State
from citytools.partnering.services import authoring as services
from citytools.partnering.views import authoring, evaluation, outcome, proposals
from citytools.partnering.views.doors import challenge_for

PARTS = (authoring, proposals, evaluation, outcome)


def links_for(challenge, roles, viewer) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for part in PARTS:
        contribute = getattr(part, "nav_links", None)
        if contribute is not None:
            links.extend(contribute(challenge, roles, viewer))
    return links


def _timeline(challenge: Challenge) -> list[dict]:
    reached = {t.to_state: t.at for t in challenge.transitions.all()}
    current = State(challenge.state)
    steps = []
    index = rules.SEQUENCE.index(current) if current in rules.SEQUENCE else None
    for position, state in enumerate(rules.SEQUENCE):
        if state == current:
            status = "current"
        elif (index is not None and position < index) or (state in reached and index is None):
            status = "done"
        else:
            status = "to come"
        steps.append({"state": state, "status": status, "at": reached.get(state)})
    if current not in rules.SEQUENCE:
        steps.append({"state": current, "status": "current", "at": reached.get(current)})
    return steps


@require_safe
def challenge_detail(request, slug):
    challenge, roles = challenge_for(request, slug)
    viewer = request.viewer
    problems = []
    if roles.is_panel and challenge.state in (State.DRAFT, State.IN_REVIEW):
        problems = services.publication_report(challenge)
    context = documents.document_context(challenge)
    applicant = rules.can_apply(roles)
    context.update(
        {
            "roles": roles,
            "moves": services.available_moves(challenge, roles) if viewer.user else [],
            "problems": problems,
            "questions": services.public_questions(challenge, viewer, roles).filter(answered_at__isnull=False),
            "addenda": challenge.addenda.all(),
            "timeline": _timeline(challenge),
            "links": links_for(challenge, roles, viewer),
            "may_register": applicant and challenge.state in rules.OPEN_FOR_SUBMISSIONS,
            "registered": applicant
            and viewer.user is not None
            and Interest.objects.filter(challenge=challenge, user=viewer.user).exists(),
            "questions_open": services.questions_open(challenge),
        }
    )
    return render(request, "partnering/challenge_detail.html", context)


urlpatterns = [
    path("<slug:slug>/", challenge_detail, name="challenge"),
]
