"""Who is what to a challenge: roles_for reads the person's roles and the challenge's panel."""

import pytest

from citytools.accounts.viewer import Viewer
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.models import State
from tests.factories import NetworkFactory, OrganisationFactory, RoleFactory, UserFactory
from tests.partnering.world import make_challenge

pytestmark = pytest.mark.django_db


def viewer_of(user):
    return Viewer.for_user(user)


def test_coordinator_of_every_owners_network_runs_a_joint_challenge():
    london, elsewhere = NetworkFactory(slug="london"), NetworkFactory(slug="elsewhere")
    camden, hackney = OrganisationFactory(networks=[london]), OrganisationFactory(networks=[london])
    outsider = OrganisationFactory(networks=[elsewhere])
    coordinator = UserFactory()
    RoleFactory(user=coordinator, kind="coordinator", network=london)
    joint = make_challenge(owners=[camden, hackney])
    single = make_challenge(owners=[camden])
    mixed = make_challenge(owners=[camden, outsider])
    viewer = viewer_of(coordinator)
    assert roles_for(viewer, joint).manages
    # One borough's own challenge is run by its editors, whatever the network.
    assert not roles_for(viewer, single).manages
    assert roles_for(viewer, single).is_panel
    # A joint challenge with an owner outside the network is not the network's to run.
    assert not roles_for(viewer, mixed).manages


def test_unpublished_challenges_are_listed_only_to_their_panel():
    london = NetworkFactory(slug="london")
    camden, hackney = OrganisationFactory(networks=[london]), OrganisationFactory(networks=[london])
    evaluator, stranger, staff = UserFactory(), UserFactory(), UserFactory()
    RoleFactory(user=staff, kind="member", organisation=camden)
    RoleFactory(user=stranger, kind="member", organisation=hackney)
    draft = make_challenge(owners=[camden], evaluators=[evaluator])
    published = make_challenge(owners=[camden], state=State.PUBLISHED, steward=UserFactory())
    for user, expected in ((evaluator, {draft, published}), (staff, {draft, published}), (stranger, {published}), (None, {published})):
        viewer = viewer_of(user) if user else Viewer.public()
        assert set(visible_challenges(viewer)) == expected


def test_the_clock_cannot_close_a_deadline_early():
    import datetime

    from citytools.core.errors import DomainError
    from citytools.partnering import lifecycle

    challenge = make_challenge(owners=[OrganisationFactory()], state=State.PUBLISHED, steward=UserFactory())
    early = challenge.question_deadline - datetime.timedelta(seconds=1)
    with pytest.raises(DomainError, match="not before"):
        lifecycle.transition(challenge, State.QUESTIONS_CLOSED, now=early)
    challenge.refresh_from_db()
    assert challenge.state == State.PUBLISHED
    lifecycle.transition(challenge, State.QUESTIONS_CLOSED, now=challenge.question_deadline)
    with pytest.raises(DomainError, match="not before"):
        lifecycle.transition(challenge, State.SUBMISSIONS_CLOSED, now=challenge.submission_deadline - datetime.timedelta(seconds=1))
