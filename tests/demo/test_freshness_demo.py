"""The demo's data quality: confirmation dates spread from fresh to stale boroughs, a running
London campaign in which some boroughs have answered and Camden has not, and a draft of the
next one; a rebuild changes none of it."""

import pytest
from django.test import override_settings

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.demo.freshness import build_freshness
from citytools.demo.people import create_demo_people
from citytools.directory.models import Network
from citytools.freshness import queries
from citytools.freshness.models import Attestation, Campaign, Reminder
from citytools.inventory.models import System
from tests.demo.conftest import AS_OF

pytestmark = pytest.mark.django_db


def state():
    return (
        sorted(System.objects.values_list("pk", "confirmed_at", "changed_by_other", "responsible_id")),
        sorted(Contract.objects.values_list("pk", "confirmed_at", "changed_by_other")),
        list(Campaign.objects.values_list("pk", "status", "launched_at")),
        Attestation.objects.count(), Reminder.objects.count(),
    )


def test_the_demo_quality_and_campaign_tell_a_story_and_a_rebuild_changes_nothing(demo):
    with override_settings(DEMO_MODE=True):
        create_demo_people()
        build_freshness(as_of=AS_OF)
        first = state()
        build_freshness(as_of=AS_OF)
    assert state() == first
    scores = queries.network_scores(Viewer(Grants(is_admin=True)), Network.objects.get(slug="london"))
    freshness = [s.freshness for s in scores if s.freshness is not None]
    assert min(freshness) < 50 < max(freshness), "from mostly stale to mostly fresh"
    campaign = Campaign.objects.get(status="running")
    assert Reminder.objects.filter(days_before=-1).count() == campaign.participants.count()
    # The coordinator's next campaign waits as a draft, to change, launch or delete.
    draft = Campaign.objects.get(status="draft")
    assert draft.network == campaign.network and draft.participants.count() == campaign.participants.count()
    progress = {p.organisation.slug: p for p in queries.campaign_progress(campaign).organisations}
    assert progress["camden"].done == 0 and progress["camden"].records > 0
    assert sum(1 for p in progress.values() if p.done) >= 5
