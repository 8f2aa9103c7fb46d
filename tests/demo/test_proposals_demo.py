"""The demo's catalogue proposals: two waiting in the London coordinator's queue, one rejected
with its reason, none seen by other boroughs; a rebuild changes nothing."""

import pytest
from django.test import override_settings

from citytools.accounts.models import User
from citytools.accounts.viewer import Viewer
from citytools.demo.people import DOMAIN, create_demo_people
from citytools.demo.proposals import SUPPLIER, build_proposals
from citytools.directory.models import Supplier
from citytools.inventory import catalogue_services
from citytools.inventory.models import CatalogueProposal

pytestmark = pytest.mark.django_db


def test_the_demo_proposals_wait_for_the_coordinator_and_a_rebuild_changes_nothing(demo):
    with override_settings(DEMO_MODE=True):
        create_demo_people()
        assert build_proposals() == 3
        assert build_proposals() == 0
    assert sorted(CatalogueProposal.objects.values_list("status", flat=True)) == ["pending", "pending", "rejected"]
    coordinator = Viewer.for_user(User.objects.get(email=f"coordinator@{DOMAIN}"))
    assert catalogue_services.review_queue(coordinator).count() == 2
    assert not Supplier.objects.filter(name=SUPPLIER).exists()
    assert Supplier.entries.filter(name=SUPPLIER).exists()
