"""Who may do what with an Invitation to Partner, and what the lifecycle allows. Pure: no ORM.

The moves of a challenge are written down once, in MOVES. Each names who may make it: the
owners (editors of an owning organisation, and platform admins), the procurement steward,
or the clock (deadlines, on the server's time). The steward approves publication and signs
off the selection but never scores, so the steward cannot also sit on the panel.

Proposals are sealed until submissions close: before then nobody reads one except the
supplier that wrote it, whatever their role, admins included. After closing, the panel reads
them: owners, the steward, and evaluators who declared no conflict of interest.

Whoever sits on the panel declares first, whatever else they are: an owner or an admin who
is also an evaluator reads no proposal before declaring, and one who declares a conflict is
recused from the whole evaluation (reading, screening, consensus and nomination), not only
from scoring. That includes the moves that judge the proposals (marked `judging` in MOVES:
locking the scores for consensus, signing off the selection, closing for want of an eligible
proposal or a partner); the rest of the lifecycle (starting the evaluation, cancelling) is
running the challenge, which a recused owner still does.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from citytools.partnering.models import State, state_phrase


class By(StrEnum):
    OWNER = "owner"
    STEWARD = "steward"
    CLOCK = "clock"


@dataclass(frozen=True)
class Move:
    to: State
    by: frozenset[By]
    needs_reason: bool = False
    label: str = ""
    # A judgement on the proposals: nobody recused from the evaluation makes it.
    judging: bool = False

    @property
    def phrase(self) -> str:
        """Where the move takes the challenge, as it reads after "is": "in evaluation"."""
        return state_phrase(self.to)


def _move(to, *by, reason=False, label="", judging=False):
    return Move(State(to), frozenset(by), reason, label, judging)


# Before partnered, a challenge can still be cancelled, with a reason that is published.
CANCELLABLE = (
    State.DRAFT, State.IN_REVIEW, State.PUBLISHED, State.QUESTIONS_CLOSED,
    State.SUBMISSIONS_CLOSED, State.EVALUATION, State.SELECTION,
)

MOVES: dict[State, tuple[Move, ...]] = {
    State.DRAFT: (_move(State.IN_REVIEW, By.OWNER, label="Send for review"),),
    State.IN_REVIEW: (
        _move(State.PUBLISHED, By.STEWARD, label="Approve and publish"),
        _move(State.DRAFT, By.OWNER, By.STEWARD, reason=True, label="Return to draft"),
    ),
    State.PUBLISHED: (_move(State.QUESTIONS_CLOSED, By.CLOCK, label="Close questions"),),
    State.QUESTIONS_CLOSED: (_move(State.SUBMISSIONS_CLOSED, By.CLOCK, label="Close submissions"),),
    State.SUBMISSIONS_CLOSED: (
        _move(State.EVALUATION, By.OWNER, By.STEWARD, label="Start evaluation"),
        _move(
            State.UNSUCCESSFUL, By.OWNER, By.STEWARD, reason=True, label="Close: no eligible proposal", judging=True
        ),
    ),
    State.EVALUATION: (
        _move(State.SELECTION, By.OWNER, By.STEWARD, label="Lock scores for consensus", judging=True),
        _move(
            State.UNSUCCESSFUL, By.OWNER, By.STEWARD, reason=True, label="Close: no proposal to partner with",
            judging=True,
        ),
    ),
    State.SELECTION: (
        _move(State.PARTNERED, By.STEWARD, label="Sign off the selection", judging=True),
        _move(
            State.UNSUCCESSFUL, By.OWNER, By.STEWARD, reason=True, label="Close: no partner selected", judging=True
        ),
    ),
    State.PARTNERED: (_move(State.CO_DESIGN, By.OWNER, label="Start co-design"),),
    State.CO_DESIGN: (_move(State.DEMO, By.OWNER, label="Move to demo"),),
    State.DEMO: (_move(State.CLOSED_OUT, By.OWNER, label="Close out"),),
    State.CLOSED_OUT: (),
    State.CANCELLED: (),
    State.UNSUCCESSFUL: (),
}
for _state in CANCELLABLE:
    MOVES[_state] = MOVES[_state] + (_move(State.CANCELLED, By.OWNER, By.STEWARD, reason=True, label="Cancel"),)

# The happy path, in order: pages draw it as a timeline.
SEQUENCE = (
    State.DRAFT, State.IN_REVIEW, State.PUBLISHED, State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED,
    State.EVALUATION, State.SELECTION, State.PARTNERED, State.CO_DESIGN, State.DEMO, State.CLOSED_OUT,
)
ENDED = (State.CLOSED_OUT, State.CANCELLED, State.UNSUCCESSFUL)
# States in which proposals are unsealed (submissions have closed).
UNSEALED = (
    State.SUBMISSIONS_CLOSED, State.EVALUATION, State.SELECTION, State.PARTNERED,
    State.CO_DESIGN, State.DEMO, State.CLOSED_OUT,
)
# States that accept proposals and questions (each also needs its deadline still ahead).
OPEN_FOR_SUBMISSIONS = (State.PUBLISHED, State.QUESTIONS_CLOSED)
OPEN_FOR_QUESTIONS = (State.PUBLISHED,)
# States after the partner was chosen: the award notice is public, debriefs are out.
AWARDED = (State.PARTNERED, State.CO_DESIGN, State.DEMO, State.CLOSED_OUT)


# A criterion's weight and scale (docs/partnering-authoring.md): a whole-number weight of 1
# or more, and scores from 0 to a top score of 1 to 10. The one check, for the form, the API
# (through the service) and the publication checks alike.
MAX_WEIGHT = 1000  # a weight above this cannot be right: the weights add up to 100 by default
MAX_SCALE = 10
# The top score a criterion gets when none is given: the API's documented default, the
# model's default, and the form's first value.
DEFAULT_SCALE_MAX = 5


def weight_problem(weight) -> str | None:
    """What is wrong with a criterion's weight, to follow the criterion's name ("Criterion 1
    needs ..."), or None when it is right."""
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
        return "needs a whole-number weight of 1 or more"
    if weight > MAX_WEIGHT:
        return f"has a weight above {MAX_WEIGHT}, which cannot be right"
    return None


def scale_problem(scale_max) -> str | None:
    """What is wrong with a criterion's top score, as weight_problem says it, or None."""
    if isinstance(scale_max, bool) or not isinstance(scale_max, int) or not 1 <= scale_max <= MAX_SCALE:
        return f"needs a scale from 0 to a whole number between 1 and {MAX_SCALE}"
    return None


def move(from_state: State, to_state: State) -> Move | None:
    """The allowed move from one state to another, or None."""
    for candidate in MOVES.get(State(from_state), ()):
        if candidate.to == to_state:
            return candidate
    return None


def is_unsealed(state: State, *, submissions_closed: bool) -> bool:
    """Are proposals readable (by the panel)? Cancelled or unsuccessful challenges stay sealed
    unless submissions had closed before they ended."""
    if state in UNSEALED:
        return True
    return state in (State.CANCELLED, State.UNSUCCESSFUL) and submissions_closed


@dataclass(frozen=True)
class ChallengeRoles:
    """What one person is to one challenge. Built by citytools.partnering.access."""

    is_admin: bool = False
    is_owner: bool = False  # an editor of an owning organisation
    is_owner_staff: bool = False  # a member or editor of an owning organisation
    is_coordinator: bool = False  # coordinates a network of an owning organisation
    is_steward: bool = False
    is_evaluator: bool = False
    evaluator_declared: bool = False
    evaluator_conflicted: bool = False
    suppliers: frozenset[int] = field(default_factory=frozenset)  # vendor user of these

    @property
    def manages(self) -> bool:
        """Runs the challenge: its owners and platform admins."""
        return self.is_owner or self.is_admin

    @property
    def is_panel(self) -> bool:
        """Sees the inside of the process (drafts, all questions, the panel)."""
        return self.manages or self.is_owner_staff or self.is_coordinator or self.is_steward or self.is_evaluator

    @property
    def evaluator_may_read(self) -> bool:
        return self.is_evaluator and self.evaluator_declared and not self.evaluator_conflicted

    @property
    def recused(self) -> bool:
        """On the panel and not (yet) cleared to judge: no declaration, or a declared conflict."""
        return self.is_evaluator and not self.evaluator_may_read

    @property
    def judges(self) -> bool:
        """Takes part in judging proposals: owners, the steward and cleared evaluators, unless
        recused."""
        return (self.manages or self.is_steward or self.evaluator_may_read) and not self.recused

    def may_move(self, move: Move) -> bool:
        """May this person make `move`? Its makers, and for a judging move only those not
        recused from the evaluation (no declaration, or a declared conflict)."""
        if move.judging and self.recused:
            return False
        return (By.OWNER in move.by and self.manages) or (By.STEWARD in move.by and self.is_steward)


def can_view(roles: ChallengeRoles, *, published: bool) -> bool:
    return published or roles.is_panel


BY_CLOCK = "The clock (deadline)"
BY_TEAM = "The challenge’s team"


def made_by(roles: ChallengeRoles, *, from_state: State, to_state: State, actor) -> str:
    """Who made one move of a challenge, as its log says it to this reader, on the page and in
    the API alike. A move that only the clock makes (a deadline closing) and that no person
    made is the clock's. Every other move is a person's: the challenge's panel reads their
    name; everyone else, and the panel too when the person's account has since been deleted
    (the move keeps no actor), reads that the challenge's team made it, since only its owners
    and steward make moves."""
    allowed = move(from_state, to_state)
    if actor is None and allowed is not None and By.CLOCK in allowed.by:
        return BY_CLOCK
    if actor is not None and roles.is_panel:
        return str(actor)
    return BY_TEAM


def can_edit(roles: ChallengeRoles, *, state: State) -> bool:
    """The challenge document and its criteria change only in draft. After publication,
    changes are addenda, and the criteria are frozen."""
    return roles.manages and state == State.DRAFT


def can_manage_panel(roles: ChallengeRoles, *, state: State) -> bool:
    """Owners assign the steward and the evaluators until scoring is locked."""
    return roles.manages and state not in (State.SELECTION, *AWARDED, State.CANCELLED, State.UNSUCCESSFUL)


def can_answer_questions(roles: ChallengeRoles) -> bool:
    return roles.manages


def can_issue_addendum(roles: ChallengeRoles, *, state: State) -> bool:
    return roles.manages and state in (State.PUBLISHED, State.QUESTIONS_CLOSED)


def can_apply(roles: ChallengeRoles) -> bool:
    """Only vendor users write proposals and ask questions, for their own supplier. Anyone
    on the challenge's own side may not, so no one can bid on their own challenge."""
    return bool(roles.suppliers) and not roles.is_panel


def can_read_proposal(roles: ChallengeRoles, *, supplier: int, state: State, submissions_closed: bool) -> bool:
    """A supplier always reads its own proposal; the panel only once submissions closed."""
    if supplier in roles.suppliers:
        return True
    if not is_unsealed(state, submissions_closed=submissions_closed):
        return False
    return roles.judges


def can_screen(roles: ChallengeRoles, *, state: State) -> bool:
    """Eligibility (pass/fail) is decided by the owners or the steward after closing."""
    return (roles.manages or roles.is_steward) and not roles.recused and state == State.SUBMISSIONS_CLOSED


def can_read_screening(roles: ChallengeRoles, *, state: State, submissions_closed: bool) -> bool:
    """The screening's decisions stay readable to the owners and the steward once made."""
    return (roles.manages or roles.is_steward) and not roles.recused and is_unsealed(state, submissions_closed=submissions_closed)


def can_score(roles: ChallengeRoles, *, state: State, locked: bool) -> bool:
    return roles.evaluator_may_read and not roles.is_steward and state == State.EVALUATION and not locked


def hides_identity(roles: ChallengeRoles, *, blind: bool, state: State) -> bool:
    """Blind scoring: an evaluator who is not also running the challenge sees 'Proposal A'
    instead of the supplier's name during individual scoring."""
    return blind and state == State.EVALUATION and roles.is_evaluator and not (roles.manages or roles.is_steward)


def can_see_all_scores(roles: ChallengeRoles, *, locked: bool) -> bool:
    """Everyone's individual scores: only once locked for consensus, and only to the panel."""
    return locked and roles.judges


def can_set_consensus(roles: ChallengeRoles, *, state: State) -> bool:
    return (roles.manages or roles.is_steward) and not roles.recused and state == State.SELECTION


def can_nominate(roles: ChallengeRoles, *, state: State) -> bool:
    """The owners nominate the partner during selection, unless recused from the evaluation."""
    return roles.manages and not roles.recused and state == State.SELECTION


def can_run_codesign(roles: ChallengeRoles, *, state: State, partner_supplier: int | None) -> bool:
    """Milestones and check-ins: the owners and the partner, after the award."""
    return state in AWARDED and (roles.manages or (partner_supplier is not None and partner_supplier in roles.suppliers))
