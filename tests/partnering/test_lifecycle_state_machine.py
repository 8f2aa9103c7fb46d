"""The lifecycle's invariants, under any order of moves, deadlines and actions.

A hypothesis state machine plays one challenge with a full cast (owner, steward, two
evaluators, a member of the owning organisation, an admin, an outsider, three applicants
and the anonymous public) on a clock it controls (time_machine: nothing ticks unless a rule
moves it, and it lands on the deadlines exactly and a second either side). Every action
goes through the same door the pages and the API use: the services, and
citytools.partnering.lifecycle for moves. After every step it checks what the issue
promises:

- no proposal is readable before submissions close, except by its own supplier;
- no submission is accepted at or after the deadline;
- once published, the weights sum to 100 and the criteria never change;
- no score changes after the consensus lock;
- no selection (the lock, a nomination) before every assigned evaluation is complete, and no
  partner before the steward signed off;
- every change of state has a Transition row naming its actor (None only for the clock),
  and the state is always one the table of moves can reach.

Each example runs inside a transaction that is rolled back at its end, so examples do not
see each other's rows; derandomize makes the run the same every time.
"""

import datetime
from collections import deque

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from citytools.accounts.models import Role, User
from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError
from citytools.partnering import access, lifecycle, rules
from citytools.partnering.models import (
    Challenge,
    ConsensusScore,
    Criterion,
    Evaluator,
    Proposal,
    Score,
    State,
    Transition,
)
from tests.factories import NetworkFactory, OrganisationFactory, SupplierFactory
from tests.partnering import doors
from tests.partnering.world import make_challenge

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)

APPLICANTS = ("applicant1", "applicant2", "applicant3")
EVALUATORS = ("evaluator1", "evaluator2")
PEOPLE = ("owner", "steward", *EVALUATORS, "member", "admin", "outsider", *APPLICANTS)
READERS = (*PEOPLE, "anonymous")
STAGES = (State.DRAFT, State.PUBLISHED, State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED, State.EVALUATION, State.SELECTION, State.PARTNERED)
MOVERS = ("owner", "steward", "admin", "outsider", "evaluator1", "applicant1")


def reachable_states() -> set[State]:
    seen, queue = {State.DRAFT}, deque([State.DRAFT])
    while queue:
        for move in rules.MOVES[queue.popleft()]:
            if move.to not in seen:
                seen.add(move.to)
                queue.append(move.to)
    return seen


REACHABLE = reachable_states()
CLOCK_MOVES = {move.to for moves in rules.MOVES.values() for move in moves if rules.By.CLOCK in move.by}


def criteria_snapshot(challenge):
    return list(
        Criterion.objects.filter(challenge=challenge)
        .order_by("pk")
        .values_list("pk", "name", "description", "weight", "scale_max", "level_texts", "position")
    )


def scores_snapshot(challenge):
    return list(
        Score.objects.filter(proposal__challenge=challenge)
        .order_by("pk")
        .values_list("pk", "evaluator_id", "proposal_id", "criterion_id", "score", "comment")
    )


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self.now = START
        self.build_world()

    def build_world(self):
        network = NetworkFactory(slug="machine")
        self.organisation = OrganisationFactory(networks=[network])
        self.users = {name: User.objects.create(email=f"{name}@example.org", full_name=name.title()) for name in PEOPLE}
        Role.objects.create(user=self.users["owner"], kind=Role.Kind.EDITOR, organisation=self.organisation)
        Role.objects.create(user=self.users["member"], kind=Role.Kind.MEMBER, organisation=self.organisation)
        Role.objects.create(user=self.users["admin"], kind=Role.Kind.ADMIN)
        self.suppliers = {}
        for index, name in enumerate(APPLICANTS):
            supplier = SupplierFactory(slug=f"machine-applicant-{index}", name=f"Applicant {index} Ltd")
            Role.objects.create(user=self.users[name], kind=Role.Kind.VENDOR, supplier=supplier)
            self.suppliers[name] = supplier
        self.challenge = make_challenge(
            owners=[self.organisation],
            steward=self.users["steward"],
            evaluators=[self.users[name] for name in EVALUATORS],
            now=START,
            slug="machine",
        )
        self.question_deadline = self.challenge.question_deadline
        self.submission_deadline = self.challenge.submission_deadline
        self.frozen_criteria = None
        self.locked_scores = None

    def teardown(self):
        self.traveller.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # Helpers -------------------------------------------------------------------------------

    def fresh(self) -> Challenge:
        self.challenge = Challenge.objects.prefetch_related("owners").get(pk=self.challenge.pk)
        return self.challenge

    def viewer(self, who) -> Viewer:
        return Viewer.public() if who == "anonymous" else Viewer.for_user(self.users[who])

    # Rules: the clock and the server ------------------------------------------------------------

    @rule(
        mark=st.sampled_from(
            ["question-1s", "question", "question+1s", "submission-1s", "submission", "submission+1s", "+1h", "+3d"]
        )
    )
    def move_clock(self, mark):
        """Time only goes forward; deadlines are hit exactly and a second either side."""
        marks = {
            "question-1s": self.question_deadline - SECOND,
            "question": self.question_deadline,
            "question+1s": self.question_deadline + SECOND,
            "submission-1s": self.submission_deadline - SECOND,
            "submission": self.submission_deadline,
            "submission+1s": self.submission_deadline + SECOND,
            "+1h": self.now + datetime.timedelta(hours=1),
            "+3d": self.now + datetime.timedelta(days=3),
        }
        when = marks[mark]
        if when > self.now:
            self.now = when
            self.clock.move_to(when)

    @rule()
    def a_request_arrives(self):
        """DeadlineMiddleware's work: close what is due, on the clock."""
        lifecycle.advance_due()
        state = State(self.fresh().state)
        if state in rules.OPEN_FOR_QUESTIONS:
            assert self.now < self.question_deadline
        if state in rules.OPEN_FOR_SUBMISSIONS:
            assert self.now < self.submission_deadline

    # Rules: people move the challenge ------------------------------------------------------

    @rule(who=st.sampled_from(MOVERS), to=st.sampled_from(list(State)), reason=st.sampled_from(["", "Recorded reason."]))
    def move(self, who, to, reason):
        before = State(self.fresh().state)
        try:
            doors.move(self.challenge, to, viewer=self.viewer(who), actor=self.users[who], reason=reason)
        except DomainError:
            assert State(self.fresh().state) == before
            return
        allowed = rules.move(before, to)
        assert allowed is not None, f"{who} moved {before} → {to}, which the table does not allow"
        assert rules.By.CLOCK not in allowed.by or allowed.by - {rules.By.CLOCK}, "a person made the clock's move"
        assert who in ("owner", "admin", "steward"), f"{who} moved the challenge"
        if allowed.by == frozenset({rules.By.STEWARD}):
            assert who == "steward"
        if allowed.needs_reason:
            assert reason
        assert State(self.fresh().state) == to
        last = Transition.objects.filter(challenge=self.challenge).order_by("at", "pk").last()
        assert (last.from_state, last.to_state, last.actor_id) == (before, to, self.users[who].pk)

    # Rules: applicants ------------------------------------------------------------------------

    @rule(who=st.sampled_from(APPLICANTS))
    def draft_proposal(self, who):
        before = self.fresh()
        try:
            doors.save_draft(before, viewer=self.viewer(who), actor=self.users[who], supplier=self.suppliers[who])
        except DomainError:
            return
        assert State(before.state) in rules.OPEN_FOR_SUBMISSIONS and self.now < self.submission_deadline

    @rule(who=st.sampled_from(APPLICANTS))
    def submit_proposal(self, who):
        challenge = self.fresh()
        proposal = Proposal.objects.filter(challenge=challenge, supplier=self.suppliers[who]).first()
        if proposal is None:
            return
        try:
            doors.submit(proposal, viewer=self.viewer(who), actor=self.users[who])
        except DomainError:
            return
        assert self.now < self.submission_deadline, f"a proposal was accepted at {self.now}, deadline {self.submission_deadline}"
        assert State(challenge.state) in rules.OPEN_FOR_SUBMISSIONS

    @rule(who=st.sampled_from(APPLICANTS), mark=st.sampled_from(["submission-1s", "submission", "submission+1s"]))
    def press_submit_at_the_deadline(self, who, mark):
        """An applicant finishes at the last moment: no request has closed anything yet, so the
        service itself must refuse from the deadline's own instant."""
        self.move_clock(mark)
        self.draft_proposal(who)
        self.submit_proposal(who)

    @rule(who=st.sampled_from(APPLICANTS))
    def withdraw_proposal(self, who):
        challenge = self.fresh()
        proposal = Proposal.objects.filter(challenge=challenge, supplier=self.suppliers[who]).first()
        if proposal is None:
            return
        try:
            doors.withdraw(proposal, viewer=self.viewer(who), actor=self.users[who])
        except DomainError:
            return
        assert self.now < self.submission_deadline
        assert State(challenge.state) in rules.OPEN_FOR_SUBMISSIONS

    @rule(who=st.sampled_from(("owner", "applicant2")), weight=st.sampled_from([10, 40, 45]))
    def change_a_weight(self, who, weight):
        try:
            doors.change_weight(self.fresh(), viewer=self.viewer(who), actor=self.users[who], weight=weight)
        except DomainError:
            return
        assert State(self.challenge.state) == State.DRAFT

    # Rules: the panel ---------------------------------------------------------------------------

    @rule(who=st.sampled_from(("owner", "steward", "outsider")), eligible=st.booleans())
    def screen(self, who, eligible):
        challenge = self.fresh()
        for proposal in Proposal.objects.filter(challenge=challenge, status=Proposal.Status.SUBMITTED):
            try:
                doors.screen(proposal, viewer=self.viewer(who), actor=self.users[who], eligible=eligible)
            except DomainError:
                continue
            assert who in ("owner", "steward") and State(self.fresh().state) == State.SUBMISSIONS_CLOSED

    @rule(who=st.sampled_from(EVALUATORS), conflict=st.sampled_from([False, False, False, True]))
    def declare(self, who, conflict):
        evaluator = Evaluator.objects.get(challenge=self.challenge, user=self.users[who])
        try:
            doors.declare(evaluator, viewer=self.viewer(who), actor=self.users[who], conflict=conflict)
        except DomainError:
            return

    @rule(who=st.sampled_from((*EVALUATORS, "steward", "owner")), value=st.integers(0, 4))
    def score(self, who, value):
        challenge = self.fresh()
        locked = challenge.consensus_locked_at is not None
        for proposal in Proposal.objects.filter(challenge=challenge, status=Proposal.Status.SUBMITTED, eligible=True):
            for criterion in challenge.criteria.all():
                try:
                    doors.score(
                        proposal, criterion, viewer=self.viewer(who), actor=self.users[who], value=value,
                        comment=f"Scored {value} by {who}.",
                    )
                except DomainError:
                    continue
                assert not locked, "a score changed after the consensus lock"
                assert who in EVALUATORS, f"{who} scored"

    @rule(who=st.sampled_from(EVALUATORS))
    def finish_scoring(self, who):
        evaluator = Evaluator.objects.get(challenge=self.challenge, user=self.users[who])
        try:
            doors.complete(evaluator, viewer=self.viewer(who), actor=self.users[who])
        except DomainError:
            return

    @rule(who=st.sampled_from(("owner", "steward", "evaluator1", "applicant1")), pick=st.sampled_from(APPLICANTS))
    def nominate(self, who, pick):
        challenge = self.fresh()
        proposal = Proposal.objects.filter(challenge=challenge, supplier=self.suppliers[pick]).first()
        if proposal is None:
            return
        try:
            doors.nominate(challenge, proposal, viewer=self.viewer(who), actor=self.users[who])
        except DomainError:
            return
        assert who in ("owner", "steward") and State(challenge.state) == State.SELECTION

    @rule(who=st.sampled_from(READERS))
    def read_every_proposal(self, who):
        """Through the service door: sealed proposals are not found by anyone but their writer."""
        challenge = self.fresh()
        viewer = self.viewer(who)
        for proposal in Proposal.objects.filter(challenge=challenge):
            own = who in APPLICANTS and self.suppliers[who].pk == proposal.supplier_id
            try:
                doors.read(proposal, viewer=viewer)
            except DomainError:
                continue
            if not rules.is_unsealed(State(challenge.state), submissions_closed=challenge.submissions_closed_at is not None):
                assert own, f"{who} read a sealed proposal in state {challenge.state}"

    @initialize(stage=st.sampled_from(STAGES))
    def start_at(self, stage):
        """Begin each walk somewhere along the way, reached through the services, so the later
        states are explored as often as the early ones."""
        for _ in range(40):
            if State(self.fresh().state) == stage:
                return
            self.next_step()

    @rule()
    def the_next_state_towards_a_partner(self):
        """What a well-run challenge does next, up to its next state."""
        before = State(self.fresh().state)
        for _ in range(20):
            self.next_step()
            if State(self.fresh().state) != before:
                return

    def next_step(self):
        """One action a well-run challenge takes next."""
        challenge = self.fresh()
        state = State(challenge.state)
        owner, steward = self.viewer("owner"), self.viewer("steward")
        try:
            if state == State.DRAFT:
                doors.move(challenge, State.IN_REVIEW, viewer=owner, actor=self.users["owner"])
            elif state == State.IN_REVIEW:
                doors.move(challenge, State.PUBLISHED, viewer=steward, actor=self.users["steward"])
            elif state in rules.OPEN_FOR_SUBMISSIONS and self.now < self.submission_deadline:
                for who in APPLICANTS:
                    proposal = Proposal.objects.filter(challenge=challenge, supplier=self.suppliers[who]).first()
                    if proposal is None:
                        return self.draft_proposal(who)
                    if proposal.status != Proposal.Status.SUBMITTED:
                        return self.submit_proposal(who)
                self.move_clock("question" if self.now < self.question_deadline else "submission")
                self.a_request_arrives()
            elif state in rules.OPEN_FOR_SUBMISSIONS:
                self.a_request_arrives()
            elif state == State.SUBMISSIONS_CLOSED:
                if Proposal.objects.filter(challenge=challenge, status=Proposal.Status.SUBMITTED, eligible__isnull=True):
                    return self.screen("owner", True)
                doors.move(challenge, State.EVALUATION, viewer=owner, actor=self.users["owner"])
            elif state == State.EVALUATION:
                for evaluator in Evaluator.objects.filter(challenge=challenge, completed_at__isnull=True, has_conflict=False):
                    who = next(name for name in EVALUATORS if self.users[name].pk == evaluator.user_id)
                    if evaluator.declared_at is None:
                        return self.declare(who, False)
                    self.score(who, 3)
                    return self.finish_scoring(who)
                doors.move(challenge, State.SELECTION, viewer=owner, actor=self.users["owner"])
            elif state == State.SELECTION:
                if challenge.selected_proposal_id is None:
                    pick = Proposal.objects.filter(challenge=challenge, status=Proposal.Status.SUBMITTED, eligible=True).first()
                    if pick is not None:
                        doors.nominate(challenge, pick, viewer=owner, actor=self.users["owner"])
                    return None
                doors.move(challenge, State.PARTNERED, viewer=steward, actor=self.users["steward"])
        except DomainError:
            pass

    # Invariants -----------------------------------------------------------------------------

    @invariant()
    def state_is_reachable_and_every_move_is_recorded(self):
        challenge = self.fresh()
        assert State(challenge.state) in REACHABLE
        transitions = list(Transition.objects.filter(challenge=challenge).order_by("at", "pk"))
        expected = State.DRAFT
        for row in transitions:
            assert row.from_state == expected, f"{row} does not follow {expected}"
            assert rules.move(State(row.from_state), State(row.to_state)) is not None, f"{row} is not in the table"
            # The clock makes only the clock's moves, and only the clock moves without a person.
            assert (row.actor_id is None) == (State(row.to_state) in CLOCK_MOVES), f"{row}: actor {row.actor_id}"
            expected = State(row.to_state)
        assert expected == State(challenge.state)

    @invariant()
    def sealed_until_submissions_close(self):
        challenge = self.fresh()
        unsealed = rules.is_unsealed(State(challenge.state), submissions_closed=challenge.submissions_closed_at is not None)
        if unsealed:
            return
        assert challenge.submissions_closed_at is None
        for proposal in Proposal.objects.filter(challenge=challenge):
            for who in READERS:
                roles = access.roles_for(self.viewer(who), challenge)
                may = rules.can_read_proposal(
                    roles, supplier=proposal.supplier_id, state=State(challenge.state), submissions_closed=False
                )
                assert may == (proposal.supplier_id in roles.suppliers), f"{who} may read a sealed proposal"

    @invariant()
    def sealed_through_the_service(self):
        """The service door refuses a sealed proposal to all but its writer (a sample of readers
        each step; the read rule tries everyone)."""
        challenge = self.fresh()
        if rules.is_unsealed(State(challenge.state), submissions_closed=challenge.submissions_closed_at is not None):
            return
        for proposal in Proposal.objects.filter(challenge=challenge):
            for who in ("admin", "owner", "steward", "evaluator1", *APPLICANTS):
                if who in APPLICANTS and self.suppliers[who].pk == proposal.supplier_id:
                    continue
                with pytest.raises(DomainError):
                    doors.read(proposal, viewer=self.viewer(who))

    @invariant()
    def no_submission_at_or_after_the_deadline(self):
        for submitted_at in Proposal.objects.filter(challenge=self.challenge, submitted_at__isnull=False).values_list(
            "submitted_at", flat=True
        ):
            assert submitted_at < self.submission_deadline

    @invariant()
    def criteria_frozen_and_weights_total_100_once_published(self):
        challenge = self.fresh()
        if challenge.published_at is None:
            return
        snapshot = criteria_snapshot(challenge)
        assert sum(row[3] for row in snapshot) == 100
        if self.frozen_criteria is None:
            self.frozen_criteria = snapshot
        assert snapshot == self.frozen_criteria, "the criteria changed after publication"

    @invariant()
    def no_score_changes_after_the_lock(self):
        challenge = self.fresh()
        if challenge.consensus_locked_at is None:
            return
        snapshot = scores_snapshot(challenge)
        if self.locked_scores is None:
            self.locked_scores = snapshot
        assert snapshot == self.locked_scores, "a score changed after the consensus lock"

    @invariant()
    def no_selection_before_every_evaluation_is_complete(self):
        """From the lock on (selection, a nominated partner) every assigned evaluation is done."""
        challenge = self.fresh()
        if State(challenge.state) == State.SELECTION or challenge.selected_proposal_id is not None:
            assert challenge.consensus_locked_at is not None
            assert not lifecycle.incomplete_evaluators(challenge), "selection began with evaluations still open"

    @invariant()
    def partnered_only_after_complete_evaluation_and_sign_off(self):
        challenge = self.fresh()
        if challenge.partnered_at is None and State(challenge.state) not in rules.AWARDED:
            return
        assert challenge.consensus_locked_at is not None
        assert not lifecycle.incomplete_evaluators(challenge)
        assert challenge.signed_off_by_id == self.users["steward"].pk and challenge.signed_off_at is not None
        signed = Transition.objects.get(challenge=challenge, to_state=State.PARTNERED)
        assert signed.actor_id == self.users["steward"].pk
        selected = challenge.selected_proposal
        assert selected is not None and selected.status == Proposal.Status.SUBMITTED and selected.eligible
        assert ConsensusScore.objects.filter(proposal=selected).exists()


def test_lifecycle_invariants_hold_whatever_happens(db):
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
