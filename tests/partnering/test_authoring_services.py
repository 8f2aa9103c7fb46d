"""Writing a challenge through citytools.partnering.services.authoring."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.partnering.models import (
    Addendum,
    Challenge,
    Criterion,
    Evaluator,
    Notification,
    Proposal,
    Question,
    Score,
    State,
)
from citytools.partnering.scoring import TIE_BREAK_RULES
from citytools.partnering.services import authoring as services
from tests.factories import NetworkFactory, OrganisationFactory, RoleFactory, SupplierFactory
from tests.partnering.world import make_challenge, make_rules

pytestmark = pytest.mark.django_db


def viewer(user):
    return Viewer.for_user(user)


@pytest.fixture
def cast():
    class Cast:
        pass

    c = Cast()
    c.network = NetworkFactory(slug="north")
    c.own = OrganisationFactory(networks=[c.network])
    c.peer = OrganisationFactory(networks=[c.network])
    c.stranger = OrganisationFactory(networks=[NetworkFactory(slug="south")])
    c.editor = RoleFactory(kind="editor", organisation=c.own).user
    c.member = RoleFactory(kind="member", organisation=c.own).user
    c.second = RoleFactory(kind="member", organisation=c.own).user
    c.coordinator = RoleFactory(kind="coordinator", network=c.network).user
    c.other_editor = RoleFactory(kind="editor", organisation=c.stranger).user
    c.admin = RoleFactory(kind="admin").user
    c.supplier = SupplierFactory()
    c.vendor = RoleFactory(kind="vendor", supplier=c.supplier).user
    c.other_supplier = SupplierFactory()
    c.other_vendor = RoleFactory(kind="vendor", supplier=c.other_supplier).user
    c.rules = make_rules()
    return c


def create(cast, user, owners, **fields):
    return services.create_challenge(actor=user, viewer=viewer(user), owners=owners, title=fields.pop("title", "Faster answers for 311"), **fields)


# Creating --------------------------------------------------------------------------------------


def test_an_editor_creates_a_draft_for_their_own_organisation(cast):
    challenge = create(cast, cast.editor, [cast.own], budget_cap="45000", codesign_weeks=14)
    assert challenge.state == State.DRAFT
    assert challenge.owner_ids == {cast.own.pk}
    assert challenge.budget_cap == Decimal("45000")
    assert challenge.slug == "faster-answers-for-311"
    assert challenge.reference.startswith("ITP-")
    assert challenge.tie_break == "criteria-price-time" and challenge.tie_break_text == TIE_BREAK_RULES
    assert challenge.history.count() == 1 and challenge.history.first().history_user == cast.editor


def test_an_editor_cannot_create_for_another_organisation(cast):
    with pytest.raises(Forbidden):
        create(cast, cast.editor, [cast.peer])
    with pytest.raises(Forbidden):
        create(cast, cast.member, [cast.own])
    assert not Challenge.objects.exists()


def test_a_coordinator_creates_a_joint_challenge_for_their_network(cast):
    challenge = create(cast, cast.coordinator, [cast.peer, cast.own])
    assert challenge.is_joint
    lead = challenge.ownerships.get(lead=True)
    assert lead.organisation == cast.peer
    with pytest.raises(Forbidden):
        create(cast, cast.coordinator, [cast.own, cast.stranger])


def test_an_admin_creates_for_anyone_and_slugs_stay_unique(cast):
    first = create(cast, cast.admin, [cast.stranger])
    second = create(cast, cast.admin, [cast.own])
    assert first.slug != second.slug and first.reference != second.reference


def test_creation_validates_what_was_sent(cast):
    with pytest.raises(DomainError) as error:
        create(cast, cast.editor, [cast.own], title="  ")
    assert error.value.field == "title"
    with pytest.raises(DomainError) as error:
        create(cast, cast.editor, [cast.own], currency="dollars")
    assert error.value.field == "currency"
    with pytest.raises(DomainError) as error:
        create(cast, cast.editor, [cast.own], budget_cap="-1")
    assert error.value.field == "budget_cap"
    with pytest.raises(DomainError):
        create(cast, cast.editor, [cast.own], state="published")


# Editing ---------------------------------------------------------------------------------------


def test_update_in_draft_bumps_the_version_and_refuses_a_stale_one(cast):
    challenge = create(cast, cast.editor, [cast.own])
    updated = services.update_challenge(
        challenge, actor=cast.editor, viewer=viewer(cast.editor), version=1, changes={"background": "Many calls."}
    )
    assert updated.version == 2 and updated.background == "Many calls."
    with pytest.raises(Conflict):
        services.update_challenge(challenge, actor=cast.editor, viewer=viewer(cast.editor), version=1, changes={"background": "Lost"})
    assert Challenge.objects.get().background == "Many calls."


def test_only_owners_edit_and_only_in_draft(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.IN_REVIEW)
    with pytest.raises(Forbidden):
        services.update_challenge(challenge, actor=cast.editor, viewer=viewer(cast.editor), version=challenge.version, changes={"title": "X"})
    draft = make_challenge(owners=[cast.own])
    with pytest.raises(Forbidden):
        services.update_challenge(draft, actor=cast.member, viewer=viewer(cast.member), version=draft.version, changes={"title": "X"})
    with pytest.raises(NotFound):
        services.update_challenge(draft, actor=cast.other_editor, viewer=viewer(cast.other_editor), version=draft.version, changes={"title": "X"})


CRITERIA = [
    {"name": "Understanding", "description": "", "weight": 60, "scale_max": 2, "level_texts": ["None", "Some", "Deep"]},
    {"name": "Team", "description": "Who", "weight": 40, "scale_max": 1, "level_texts": ["No", "Yes"]},
]


def test_set_criteria_replaces_both_lists(cast):
    challenge = make_challenge(owners=[cast.own])
    updated = services.set_criteria(
        challenge, actor=cast.editor, viewer=viewer(cast.editor), version=challenge.version,
        criteria=CRITERIA, eligibility=["Insured", "  ", "Can start soon"],
    )
    assert [(c.name, c.weight, c.scale_max) for c in updated.criteria.all()] == [("Understanding", 60, 2), ("Team", 40, 1)]
    assert [e.text for e in updated.eligibility_criteria.all()] == ["Insured", "Can start soon"]
    assert updated.version == challenge.version + 1


@pytest.mark.parametrize(
    "change, words",
    [
        ({"weight": 0}, "weight of 1 or more"),
        ({"weight": 2.5}, "whole-number weight"),
        ({"scale_max": 0}, "between 1 and 10"),
        ({"scale_max": 11}, "between 1 and 10"),
        ({"level_texts": ["None", "Some"]}, "needs 3 level texts"),
        ({"name": ""}, "needs a name"),
    ],
)
def test_set_criteria_validates_each_row(cast, change, words):
    challenge = make_challenge(owners=[cast.own])
    before = list(Criterion.objects.filter(challenge=challenge).values_list("name", flat=True))
    with pytest.raises(DomainError) as error:
        services.set_criteria(
            challenge, actor=cast.editor, viewer=viewer(cast.editor), version=challenge.version,
            criteria=[{**CRITERIA[0], **change}, CRITERIA[1]],
        )
    assert words in error.value.message
    assert list(Criterion.objects.filter(challenge=challenge).values_list("name", flat=True)) == before


def test_criteria_are_frozen_once_published(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.PUBLISHED)
    assert challenge.criteria_frozen_at is not None
    for user in (cast.editor, cast.admin):
        with pytest.raises(Forbidden) as error:
            services.set_criteria(challenge, actor=user, viewer=viewer(user), version=challenge.version, criteria=CRITERIA)
        assert error.value.code == "criteria_frozen"
    assert sum(c.weight for c in challenge.criteria.all()) == 100
    assert challenge.criteria.count() == 3


# The panel -------------------------------------------------------------------------------------


def test_the_steward_can_never_be_an_evaluator_and_vice_versa(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member])
    v = viewer(cast.editor)
    with pytest.raises(DomainError):
        services.assign_evaluator(challenge, actor=cast.editor, viewer=v, user=cast.coordinator)
    with pytest.raises(DomainError):
        services.assign_steward(challenge, actor=cast.editor, viewer=v, user=cast.member)
    with pytest.raises(DomainError):
        services.set_panel(challenge, actor=cast.editor, viewer=v, steward=cast.second, evaluators=[cast.second])
    assert Challenge.objects.get(pk=challenge.pk).steward == cast.coordinator
    assert list(challenge.evaluators.values_list("user", flat=True)) == [cast.member.pk]


def test_panel_candidates_are_owner_staff_coordinators_and_admins(cast):
    challenge = make_challenge(owners=[cast.own])
    v = viewer(cast.editor)
    for user in (cast.member, cast.coordinator, cast.admin):
        services.assign_evaluator(challenge, actor=cast.editor, viewer=v, user=user)
    for user in (cast.other_editor, cast.vendor):
        with pytest.raises(DomainError):
            services.assign_evaluator(challenge, actor=cast.editor, viewer=v, user=user)
    assert challenge.evaluators.count() == 3
    with pytest.raises(Forbidden):
        services.assign_evaluator(challenge, actor=cast.member, viewer=viewer(cast.member), user=cast.second)


def test_an_evaluator_who_scored_cannot_be_removed(cast):
    challenge = make_challenge(
        owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member, cast.second],
        applicants=[(cast.supplier, cast.vendor)], state=State.EVALUATION,
    )
    scorer = Evaluator.objects.get(challenge=challenge, user=cast.member)
    Score.objects.create(
        evaluator=scorer, proposal=challenge.proposals.get(), criterion=challenge.criteria.first(),
        score=3, comment="Good", updated_at=timezone.now(),
    )
    v = viewer(cast.editor)
    with pytest.raises(DomainError):
        services.remove_evaluator(challenge, actor=cast.editor, viewer=v, user=cast.member)
    services.remove_evaluator(challenge, actor=cast.editor, viewer=v, user=cast.second)
    assert list(challenge.evaluators.values_list("user", flat=True)) == [cast.member.pk]


def test_the_panel_is_locked_from_selection_on(cast):
    challenge = make_challenge(
        owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member],
        applicants=[(cast.supplier, cast.vendor)], state=State.SELECTION,
    )
    with pytest.raises(Forbidden):
        services.assign_evaluator(challenge, actor=cast.editor, viewer=viewer(cast.editor), user=cast.second)


# Moves -----------------------------------------------------------------------------------------


def test_moves_go_through_the_lifecycle_with_roles(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator)
    moved = services.move_challenge(challenge, "in_review", actor=cast.editor, viewer=viewer(cast.editor), version=challenge.version)
    assert moved.state == State.IN_REVIEW
    with pytest.raises(Forbidden):
        services.move_challenge(moved, "published", actor=cast.editor, viewer=viewer(cast.editor))
    published = services.move_challenge(moved, "published", actor=cast.coordinator, viewer=viewer(cast.coordinator))
    assert published.state == State.PUBLISHED and published.transitions.last().actor == cast.coordinator
    with pytest.raises(DomainError):
        services.move_challenge(published, "cancelled", actor=cast.editor, viewer=viewer(cast.editor), reason="")
    with pytest.raises(NotFound):
        services.move_challenge(make_challenge(owners=[cast.own]), "in_review", actor=cast.other_editor, viewer=viewer(cast.other_editor))


def test_available_moves_follow_the_table(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.IN_REVIEW)
    owner = services.available_moves(challenge, services.visible_roles(challenge, viewer(cast.editor)))
    steward = services.available_moves(challenge, services.visible_roles(challenge, viewer(cast.coordinator)))
    assert {m.to for m in owner} == {State.DRAFT, State.CANCELLED}
    assert {m.to for m in steward} == {State.PUBLISHED, State.DRAFT, State.CANCELLED}


def test_publication_report_names_what_is_missing(cast):
    challenge = make_challenge(owners=[cast.own], budget_cap=Decimal("60000"), contact_email="")
    fields = {p.field for p in services.publication_report(challenge)}
    assert fields == {"budget_cap", "contact_email"}


# Questions -------------------------------------------------------------------------------------


def open_challenge(cast, **kw):
    return make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.PUBLISHED, **kw)


def test_questions_close_at_the_exact_instant(cast):
    challenge = open_challenge(cast)
    deadline = challenge.question_deadline
    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        question = services.ask_question(challenge, actor=cast.vendor, viewer=viewer(cast.vendor), text="Is the budget fixed?")
    assert question.supplier == cast.supplier
    for moment in (deadline, deadline + datetime.timedelta(seconds=1)):
        with time_machine.travel(moment, tick=False):
            with pytest.raises(Forbidden) as error:
                services.ask_question(challenge, actor=cast.vendor, viewer=viewer(cast.vendor), text="Too late?")
            assert error.value.code == "questions_closed"
    assert Question.objects.count() == 1


def test_questions_need_the_published_state_too(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.IN_REVIEW)
    with pytest.raises(NotFound):
        services.ask_question(challenge, actor=cast.vendor, viewer=viewer(cast.vendor), text="Hello?")
    published = open_challenge(cast)
    Challenge.objects.filter(pk=published.pk).update(state=State.QUESTIONS_CLOSED)
    published.refresh_from_db()
    with pytest.raises(Forbidden):
        services.ask_question(published, actor=cast.vendor, viewer=viewer(cast.vendor), text="Hello?")


def test_only_vendor_users_ask(cast):
    challenge = open_challenge(cast)
    for user in (cast.editor, cast.member, cast.admin):
        with pytest.raises(Forbidden):
            services.ask_question(challenge, actor=user, viewer=viewer(user), text="Mine?")


def test_answers_are_public_and_never_name_the_asker(cast):
    challenge = open_challenge(cast)
    question = services.ask_question(challenge, actor=cast.vendor, viewer=viewer(cast.vendor), text="Can we use open source?")
    public_roles = services.visible_roles(challenge, Viewer.public())
    assert list(services.public_questions(challenge, Viewer.public(), public_roles)) == []
    other_roles = services.visible_roles(challenge, viewer(cast.other_vendor))
    assert list(services.public_questions(challenge, viewer(cast.other_vendor), other_roles)) == []
    with pytest.raises(Forbidden):
        services.answer_question(challenge, question, actor=cast.vendor, viewer=viewer(cast.vendor), answer="Yes")
    services.answer_question(challenge, question, actor=cast.editor, viewer=viewer(cast.editor), answer="Yes, any licence.")
    listed = list(services.public_questions(challenge, Viewer.public(), public_roles))
    assert [q.answer for q in listed] == ["Yes, any licence."]


# Interest ----------------------------------------------------------------------------------------


def test_vendors_register_interest_while_open(cast):
    challenge = open_challenge(cast)
    interest = services.register_interest(challenge, actor=cast.vendor, viewer=viewer(cast.vendor))
    again = services.register_interest(challenge, actor=cast.vendor, viewer=viewer(cast.vendor))
    assert interest.pk == again.pk and interest.supplier == cast.supplier
    with pytest.raises(Forbidden):
        services.register_interest(challenge, actor=cast.editor, viewer=viewer(cast.editor))
    evaluation = make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member],
                                applicants=[(cast.other_supplier, cast.other_vendor)], state=State.EVALUATION)
    with pytest.raises(Forbidden):
        services.register_interest(evaluation, actor=cast.vendor, viewer=viewer(cast.vendor))


# Addenda -----------------------------------------------------------------------------------------


def addendum(cast, challenge, **kw):
    return services.issue_addendum(
        challenge, actor=cast.editor, viewer=viewer(cast.editor),
        title=kw.pop("title", "A change"), body=kw.pop("body", "What changes."), **kw,
    )


def test_addenda_are_numbered_and_tell_every_engaged_applicant(cast, django_capture_on_commit_callbacks):
    challenge = open_challenge(cast)
    asker = RoleFactory(kind="vendor", supplier=SupplierFactory()).user
    services.register_interest(challenge, actor=cast.vendor, viewer=viewer(cast.vendor))
    services.ask_question(challenge, actor=asker, viewer=viewer(asker), text="A question")
    Proposal.objects.create(challenge=challenge, supplier=cast.other_supplier, created_by=cast.other_vendor, scale="micro",
                            summary="s", approach="a", team="t")
    with django_capture_on_commit_callbacks(execute=True):
        first = addendum(cast, challenge, title="Clarified scope")
    second = addendum(cast, challenge)
    assert (first.number, second.number) == (1, 2)
    told = set(Notification.objects.filter(challenge=challenge, kind="addendum", subject__startswith="Addendum 1").values_list("user", flat=True))
    assert told == {cast.vendor.pk, asker.pk, cast.other_vendor.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.vendor.email, asker.email, cast.other_vendor.email])
    assert "Clarified scope" in mail.outbox[0].subject


def test_addenda_only_while_open_and_by_owners(cast):
    challenge = open_challenge(cast)
    with pytest.raises(Forbidden):
        services.issue_addendum(challenge, actor=cast.member, viewer=viewer(cast.member), title="T", body="B")
    draft = make_challenge(owners=[cast.own])
    with pytest.raises(Forbidden):
        addendum(cast, draft)
    assert not Addendum.objects.exists()


def _submitted(cast, challenge):
    return Proposal.objects.create(
        challenge=challenge, supplier=cast.supplier, created_by=cast.vendor, scale="small", summary="s", approach="a",
        team="t", status=Proposal.Status.SUBMITTED, submitted_at=timezone.now(),
    )


def test_a_material_addendum_after_submissions_marks_them_and_needs_notice(cast):
    now = timezone.now()
    challenge = open_challenge(cast, now=now)
    challenge.submission_deadline = now + datetime.timedelta(days=3)
    challenge.save()
    proposal = _submitted(cast, challenge)
    with pytest.raises(DomainError) as error:
        addendum(cast, challenge, material=True, now=now)
    assert "7 days" in error.value.message and error.value.field == "new_submission_deadline"
    with pytest.raises(DomainError):
        addendum(cast, challenge, material=True, new_submission_deadline=now + datetime.timedelta(days=6, hours=23), now=now)
    proposal.refresh_from_db()
    assert not proposal.needs_reconfirmation and not Addendum.objects.exists()
    new = now + datetime.timedelta(days=7)
    issued = addendum(cast, challenge, material=True, new_submission_deadline=new, now=now)
    proposal.refresh_from_db()
    challenge.refresh_from_db()
    assert issued.number == 1 and proposal.needs_reconfirmation
    assert challenge.submission_deadline == new


def test_a_material_addendum_with_the_deadline_far_enough_keeps_it(cast):
    now = timezone.now()
    challenge = open_challenge(cast, now=now)  # submission deadline 28 days away
    proposal = _submitted(cast, challenge)
    addendum(cast, challenge, material=True, now=now)
    proposal.refresh_from_db()
    assert proposal.needs_reconfirmation


def test_a_non_material_addendum_marks_nothing(cast):
    challenge = open_challenge(cast)
    challenge.submission_deadline = timezone.now() + datetime.timedelta(days=2)
    challenge.save()
    proposal = _submitted(cast, challenge)
    addendum(cast, challenge)
    proposal.refresh_from_db()
    assert not proposal.needs_reconfirmation


def test_an_addendum_never_moves_the_deadline_earlier(cast):
    challenge = open_challenge(cast)
    earlier = challenge.submission_deadline - datetime.timedelta(days=1)
    with pytest.raises(DomainError) as error:
        addendum(cast, challenge, new_submission_deadline=earlier)
    assert "never earlier" in error.value.message
    later = challenge.submission_deadline + datetime.timedelta(days=5)
    addendum(cast, challenge, new_submission_deadline=later)
    challenge.refresh_from_db()
    assert challenge.submission_deadline == later


def test_history_lists_changes_with_who(cast):
    challenge = create(cast, cast.editor, [cast.own])
    services.update_challenge(challenge, actor=cast.editor, viewer=viewer(cast.editor), version=1, changes={"background": "Calls"})
    entries = services.challenge_history(challenge)
    assert entries[0]["who"] == str(cast.editor)
    assert any(c["label"] == "Background" and c["new"] == "Calls" for c in entries[0]["changes"])


def test_set_owners_makes_a_joint_challenge_within_the_persons_rights(cast):
    challenge = create(cast, cast.editor, [cast.own])
    updated = services.set_owners(
        challenge, actor=cast.admin, viewer=viewer(cast.admin), version=challenge.version,
        owners=[cast.peer, cast.own], lead=cast.own,
    )
    assert updated.owner_ids == {cast.own.pk, cast.peer.pk}
    assert updated.ownerships.get(lead=True).organisation == cast.own
    with pytest.raises(Forbidden):
        services.set_owners(updated, actor=cast.editor, viewer=viewer(cast.editor), version=updated.version, owners=[cast.own, cast.stranger])
    with pytest.raises(DomainError):
        services.set_owners(updated, actor=cast.editor, viewer=viewer(cast.editor), version=updated.version, owners=[])
    with pytest.raises(Conflict):
        services.set_owners(updated, actor=cast.editor, viewer=viewer(cast.editor), version=1, owners=[cast.own])
    assert Challenge.objects.get(pk=challenge.pk).owner_ids == {cast.own.pk, cast.peer.pk}
    alone = services.set_owners(updated, actor=cast.editor, viewer=viewer(cast.editor), version=updated.version, owners=[cast.own])
    assert alone.owner_ids == {cast.own.pk} and not alone.is_joint


def test_nobody_who_runs_or_wrote_the_challenge_is_its_steward(cast):
    """Separation of duties: the steward checks the owners' work, so an owner, an admin or
    the author cannot approve their own challenge; staff of an owner who does not run it can."""
    challenge = create(cast, cast.editor, [cast.own])
    for user in (cast.editor, cast.admin):
        with pytest.raises(DomainError, match="runs or wrote this challenge"):
            services.assign_steward(challenge, actor=cast.editor, viewer=viewer(cast.editor), user=user)
    challenge = services.assign_steward(challenge, actor=cast.editor, viewer=viewer(cast.editor), user=cast.member)
    assert challenge.steward == cast.member


def test_a_new_challenge_can_start_from_an_earlier_one(cast):
    """The template carries how the challenge is run and its criteria, not the problem or dates."""
    earlier = make_challenge(owners=[cast.own], state=State.PUBLISHED, steward=cast.coordinator, tie_break="criteria-time")
    fields = services.template_fields(earlier)
    assert fields["tie_break"] == "criteria-time" and "problem_statement" not in fields and "question_deadline" not in fields
    challenge = services.create_challenge(
        actor=cast.editor, viewer=viewer(cast.editor), owners=[cast.own], title="Next", template=earlier, **fields
    )
    assert [(c.name, c.weight, c.level_texts) for c in challenge.criteria.all()] == [
        (c.name, c.weight, c.level_texts) for c in earlier.criteria.all()
    ]
    assert [e.text for e in challenge.eligibility_criteria.all()] == [e.text for e in earlier.eligibility_criteria.all()]
    assert challenge.tie_break == "criteria-time" and challenge.problem_statement == ""
    assert earlier in services.templates_for(viewer(cast.editor))
    hidden = make_challenge(owners=[cast.stranger])  # a draft of another organisation
    with pytest.raises(NotFound):
        services.create_challenge(actor=cast.editor, viewer=viewer(cast.editor), owners=[cast.own], title="Copy", template=hidden)
    assert not Challenge.objects.filter(title="Copy").exists()
