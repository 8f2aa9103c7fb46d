"""What waits for one person, across the apps: `tasks_for(viewer)` is the one function the
page, the API and the `citytools inbox` command call, so the three list the same tasks.

Each source asks the owning app's own rules who may act (citytools.partnering.rules through
roles_for, opportunities.rules, freshness.services), so a task is listed only when its link
lets the person do it, and only records the person may already read are named. Nothing here
counts or names what is sealed or members-only beyond the reader's own reach: no proposal,
supplier, score or value; a campaign's outstanding records are counted with the reader's own
Viewer and only for organisations they edit.

Work that belongs to everyone who may do it (a platform admin may act on every challenge) is
listed only for those it is addressed to: the steward named, the owning organisations'
editors, the evaluators, the applicant's own supplier, the invited organisation's staff, the
network's coordinators.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from citytools.freshness.models import Campaign
from citytools.freshness.queries import campaign_rows
from citytools.freshness.rules import CampaignStatus
from citytools.inventory.catalogue_services import review_queue
from citytools.notices.queries import waiting_buyers, waiting_queues
from citytools.opportunities.models import Answer, InitiativeStatus, Invitation
from citytools.opportunities.services import visible_initiatives
from citytools.partnering import rules as itp
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.models import Proposal, State

# Areas in the order the page shows them.
AREAS = {
    "challenges": "Invitations to Partner",
    "initiatives": "Joint procurement initiatives",
    "campaigns": "Data-quality campaigns",
    "reviews": "Review queues",
}
# An initiative's decision is listed from this many days before its date.
DECISION_NOTICE_DAYS = 14


@dataclass(frozen=True)
class Task:
    area: str  # a key of AREAS
    kind: str  # what is to be done, as a stable code, e.g. "challenge.review"
    action: str  # what is to be done, in words
    subject: str  # the record it is about
    url: str  # the page where it is done
    role: str  # why it is this person's: steward, owner, evaluator, applicant, invited, lead, editor, coordinator, admin
    due: datetime.date | None = None
    due_at: datetime.datetime | None = None  # the exact moment, where the deadline has one
    overdue: bool = False

    @property
    def area_label(self) -> str:
        return AREAS[self.area]


def _due(moment, now) -> dict:
    """A task's due day, exact moment (for a deadline that has one) and whether it has passed."""
    if moment is None:
        return {}
    if isinstance(moment, datetime.datetime):
        return {"due": timezone.localdate(moment), "due_at": moment, "overdue": moment <= now}
    return {"due": moment, "overdue": moment < timezone.localdate(now)}


# Invitations to Partner ----------------------------------------------------------------------


def _challenge_tasks(viewer, now) -> list[Task]:
    user, grants = viewer.user, viewer.grants
    mine = (
        Q(steward=user) | Q(evaluators__user=user)
        | Q(ownerships__organisation__in=list(grants.editor_organisations))
        | Q(proposals__supplier__in=list(grants.suppliers))
    )
    ids = visible_challenges(viewer).filter(mine).exclude(state__in=itp.ENDED).values("pk")
    challenges = (
        visible_challenges(viewer).filter(pk__in=ids)
        .prefetch_related("evaluators", "owners")
        .annotate(
            unanswered=Count("questions", filter=Q(questions__answered_at__isnull=True), distinct=True),
            unscreened=Count(
                "proposals",
                filter=Q(proposals__status=Proposal.Status.SUBMITTED, proposals__eligible__isnull=True),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    tasks = []
    for c in challenges:
        roles = roles_for(viewer, c)
        state = State(c.state)

        # Called within this iteration only, so it reads this iteration's challenge.
        def task(kind, action, url_name, role, due=None):
            tasks.append(Task(
                area="challenges", kind=kind, action=action, subject=c.title, role=role,  # noqa: B023
                url=reverse(f"partnering:{url_name}", kwargs={"slug": c.slug}), **_due(due, now),  # noqa: B023
            ))

        if roles.is_steward and state == State.IN_REVIEW:
            task("challenge.review", "Review it, then approve its publication or return it to draft", "challenge", "steward")
        if roles.is_steward and state == State.SELECTION and c.selected_proposal_id:
            task("challenge.sign_off", "Sign off the owners' choice of partner", "selection", "steward")
        if (roles.is_owner or roles.is_steward) and itp.can_screen(roles, state=state) and c.unscreened:
            role = "owner" if roles.is_owner else "steward"
            task("challenge.screen", "Screen the submitted proposals for eligibility", "proposals", role)
        if roles.is_owner and itp.can_nominate(roles, state=state) and not c.selected_proposal_id:
            task("challenge.nominate", "Choose the partner from the consensus ranking", "selection", "owner")
        if roles.is_owner and state in itp.OPEN_FOR_SUBMISSIONS and c.unanswered:
            n = c.unanswered
            task(
                "challenge.answer", f"Answer {n} question{'s' if n != 1 else ''} from applicants", "questions", "owner",
                c.submission_deadline,
            )
        evaluator = next((e for e in c.evaluators.all() if e.user_id == user.pk), None)
        if evaluator and state == State.EVALUATION and not evaluator.has_conflict and evaluator.completed_at is None:
            if evaluator.declared_at is None:
                task("challenge.declare", "Declare any conflict of interest, then score", "declaration", "evaluator", c.evaluation_date)
            else:
                task("challenge.score", "Score the proposals and mark your evaluation complete", "scoring", "evaluator", c.evaluation_date)
    # An applicant's own proposals: drafts to submit before the deadline, and submissions a
    # material addendum asks them to confirm again.
    proposals = (
        Proposal.objects.filter(
            challenge__in=visible_challenges(viewer), supplier__in=list(grants.suppliers),
            challenge__state__in=itp.OPEN_FOR_SUBMISSIONS, challenge__submission_deadline__gt=now,
        )
        .filter(Q(status=Proposal.Status.DRAFT) | Q(status=Proposal.Status.SUBMITTED, needs_reconfirmation=True))
        .select_related("challenge", "supplier")
        .order_by("challenge__submission_deadline", "pk")
    )
    for p in proposals:
        draft = p.status == Proposal.Status.DRAFT
        tasks.append(Task(
            area="challenges", kind="proposal.submit" if draft else "proposal.reconfirm",
            action=(
                f"Submit {p.supplier.name}'s draft proposal before the deadline" if draft
                else f"Confirm {p.supplier.name}'s proposal again after a material addendum"
            ),
            subject=p.challenge.title, role="applicant",
            url=reverse("partnering:my_proposal", kwargs={"slug": p.challenge.slug}),
            **_due(p.challenge.submission_deadline, now),
        ))
    return tasks


# Initiatives ---------------------------------------------------------------------------------


def _initiative_tasks(viewer, now) -> list[Task]:
    staff = list(viewer.grants.staff_organisations)
    if not staff:
        return []
    visible = visible_initiatives(viewer)
    tasks = []
    invitations = (
        Invitation.objects.filter(
            answer=Answer.PENDING, organisation__in=staff, initiative__status=InitiativeStatus.OPEN,
            initiative__in=visible,
        )
        .select_related("initiative", "organisation")
        .order_by("initiative__decision_date", "pk")
    )
    for invitation in invitations:
        initiative = invitation.initiative
        tasks.append(Task(
            area="initiatives", kind="initiative.answer",
            action=f"Say whether {invitation.organisation} wants to join", subject=initiative.title, role="invited",
            url=initiative.get_absolute_url(), **_due(initiative.decision_date, now),
        ))
    horizon = timezone.localdate(now) + datetime.timedelta(days=DECISION_NOTICE_DAYS)
    leading = visible.filter(
        lead__in=staff, status=InitiativeStatus.OPEN, decision_date__isnull=False, decision_date__lte=horizon
    ).order_by("decision_date", "pk")
    for initiative in leading:
        tasks.append(Task(
            area="initiatives", kind="initiative.decide",
            action="Record what the organisations decided: procured jointly or not pursued",
            subject=initiative.title, role="lead", url=initiative.get_absolute_url(),
            **_due(initiative.decision_date, now),
        ))
    return tasks


# Campaigns -----------------------------------------------------------------------------------


def _campaign_tasks(viewer, now) -> list[Task]:
    grants, today = viewer.grants, timezone.localdate(now)
    tasks = []
    editing = list(grants.editor_organisations)
    if editing:
        running = (
            Campaign.objects.filter(status=CampaignStatus.RUNNING, participants__organisation__in=editing)
            .distinct().prefetch_related("participants__organisation", "service_areas").order_by("deadline", "pk")
        )
        for campaign in running:
            owed = [p.organisation for p in campaign.participants.all() if p.organisation_id in grants.editor_organisations]
            rows = campaign_rows(campaign, viewer, [o.pk for o in owed], now=now, facts=True)
            for organisation in owed:
                left = sum(1 for row in rows if row.organisation_id == organisation.pk and not row.done)
                if not left:
                    continue
                tasks.append(Task(
                    area="campaigns", kind="campaign.confirm",
                    action=f"Confirm or correct {left} record{'s' if left != 1 else ''} of {organisation}",
                    subject=campaign.title, role="editor",
                    url=reverse("freshness:campaign_organisation", kwargs={"pk": campaign.pk, "slug": organisation.slug}),
                    **_due(campaign.deadline, now),
                ))
    if grants.coordinator_networks:
        ended = Campaign.objects.filter(
            status=CampaignStatus.RUNNING, network__in=list(grants.coordinator_networks), deadline__lt=today
        ).order_by("deadline", "pk")
        for campaign in ended:
            tasks.append(Task(
                area="campaigns", kind="campaign.close", action="Its deadline has passed: close it to keep the report",
                subject=campaign.title, role="coordinator", url=campaign.get_absolute_url(),
                **_due(campaign.deadline, now),
            ))
    return tasks


# Review queues ------------------------------------------------------------------------------


def _review_tasks(viewer, now) -> list[Task]:
    """Suppliers and products an organisation proposed for the catalogue, waiting for a network
    coordinator or a platform admin to accept, merge or reject them."""
    if not (viewer.is_admin or viewer.grants.coordinator_networks):
        return []
    role = "admin" if viewer.is_admin else "coordinator"
    return [
        Task(
            area="reviews", kind="catalogue.review",
            action=f"Accept, merge or reject the proposed {proposal.get_kind_display().lower()}",
            subject=f"{proposal.name} (proposed by {proposal.organisation})", role=role,
            url=reverse("inventory:catalogue_proposal", kwargs={"pk": proposal.pk}),
        )
        for proposal in review_queue(viewer).select_related("organisation").order_by("created_at", "pk")
    ]


def _notice_tasks(viewer, now) -> list[Task]:
    """Suggestions from public notices waiting in the queue of each organisation the person
    edits; buyer names nobody recognised, for coordinators and admins."""
    tasks = [
        Task(
            area="reviews", kind="notices.review",
            action=f"Accept or reject {count} suggestion{'s' if count != 1 else ''} from public notices",
            subject=str(organisation), role="editor",
            url=reverse("notices:queue", kwargs={"slug": organisation.slug}),
        )
        for organisation, count in waiting_queues(viewer)
    ]
    buyers = waiting_buyers(viewer)
    if buyers:
        tasks.append(Task(
            area="reviews", kind="notices.buyers",
            action="Link each to the organisation it names, or dismiss it",
            subject=f"{buyers} buyer name{'s' if buyers != 1 else ''} from public notices nobody recognised",
            role="admin" if viewer.is_admin else "coordinator", url=reverse("notices:buyers"),
        ))
    return tasks


# Everything ----------------------------------------------------------------------------------


def tasks_for(viewer, *, now=None) -> list[Task]:
    """Everything waiting for this person, soonest due first (undated last), then by area."""
    if viewer.user is None:
        return []
    now = now or timezone.now()
    tasks = [
        *_challenge_tasks(viewer, now),
        *_initiative_tasks(viewer, now),
        *_campaign_tasks(viewer, now),
        *_review_tasks(viewer, now),
        *_notice_tasks(viewer, now),
    ]
    areas = list(AREAS)
    return sorted(
        tasks,
        key=lambda t: (t.due is None, t.due or datetime.date.max, areas.index(t.area), t.subject.lower(), t.kind),
    )


def by_area(tasks: list[Task]) -> list[tuple[str, list[Task]]]:
    """The tasks grouped under each area's heading, in the page's order, empty areas left out."""
    return [(label, [t for t in tasks if t.area == key]) for key, label in AREAS.items() if any(t.area == key for t in tasks)]
