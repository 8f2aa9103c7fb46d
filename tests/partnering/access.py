"""Invitations to Partner in the access tests' world, and who is what to each of them.

`build_challenges(cast)` adds, for the organisation `own` (network "north"), one challenge in
each of several states, and one draft for `stranger` (network "south"). On each of own's
challenges:

    owners     `own`: its editor runs the challenge; its member is staff of an owner
    steward    the coordinator of "north"
    evaluators `member` (declares no conflict from evaluation on) and a second panel member
    applicants `vendor` (for Vendor Company) and one other supplier

stranger's draft has other_editor as owner and other_coordinator as steward.

Targets name a challenge: "draft", "review", "open", "evaluation", "selection",
"partnered", "stranger_draft". The predicates below take (role, target) like those of
tests/test_authorization.py; wrap them in its Who.
"""

from django.utils import timezone

from citytools.partnering.models import State
from tests.factories import SupplierFactory, UserFactory
from tests.partnering.world import make_challenge

STATES = {
    "draft": State.DRAFT,
    "review": State.IN_REVIEW,
    "open": State.PUBLISHED,
    "evaluation": State.EVALUATION,
    "selection": State.SELECTION,
    "partnered": State.PARTNERED,
}
OWN = tuple(STATES)
ALL = (*OWN, "stranger_draft")
UNPUBLISHED = ("draft", "review", "stranger_draft")
PUBLISHED = tuple(t for t in OWN if t not in UNPUBLISHED)


def build_challenges(cast) -> dict:
    other_supplier = SupplierFactory(slug="other-applicant", name="Other Applicant Ltd")
    other_vendor = UserFactory(email="other-applicant@example.org")
    second_evaluator = UserFactory(email="second-evaluator@example.org")
    now = timezone.now()
    challenges = {
        name: make_challenge(
            owners=[cast.own],
            state=state,
            steward=cast.user("coordinator"),
            evaluators=[cast.user("member"), second_evaluator],
            applicants=[(cast.vendor_company, cast.user("vendor")), (other_supplier, other_vendor)],
            slug=f"own-{name}",
            now=now,
        )
        for name, state in STATES.items()
    }
    challenges["stranger_draft"] = make_challenge(
        owners=[cast.stranger], state=State.DRAFT, steward=cast.user("other_coordinator"), slug="stranger-draft", now=now
    )
    return challenges


def _stranger(target) -> bool:
    return target == "stranger_draft"


def owner(role, target) -> bool:
    """Runs the challenge: an editor of an owning organisation, or an admin."""
    return role == "admin" or (role == "editor" and not _stranger(target)) or (role == "other_editor" and _stranger(target))


def steward(role, target) -> bool:
    return (role == "coordinator" and not _stranger(target)) or (role == "other_coordinator" and _stranger(target))


def evaluator(role, target) -> bool:
    """The evaluator in the world who may read proposals (declared, no conflict) from evaluation on."""
    return role == "member" and target in ("evaluation", "selection", "partnered")


def panel(role, target) -> bool:
    """Sees an unpublished challenge: owners' staff, their coordinators, steward, evaluators, admins."""
    if _stranger(target):
        return role in ("other_editor", "other_coordinator", "admin")
    return role in ("editor", "member", "coordinator", "admin")


def reads(role, target) -> bool:
    """May read the challenge at all: anyone once published, otherwise its panel."""
    return target in PUBLISHED or panel(role, target)


def applicant(role, target) -> bool:
    """A vendor user, who applies for their supplier."""
    return role == "vendor"
