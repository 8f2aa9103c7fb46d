"""Deciding on suggestions through citytools.notices.services, where the doors' tests do not
reach: what an empty choice of changes means, and what a newer notice does to a suggestion
already accepted."""

import pytest

from citytools.core.errors import DomainError
from citytools.notices import services
from citytools.notices.models import Suggestion
from tests.notices.ocds import imported, release
from tests.notices.world import NEW


def test_an_empty_choice_of_changes_takes_none_of_them(world):
    """The page sends no `fields` when every change is unticked: that is "none", never "all"."""
    with pytest.raises(DomainError) as refused:
        services.accept(world.change, actor=world.editor, edits={"fields": []})
    assert refused.value.field == "fields" and "at least one change" in refused.value.message
    world.contract.refresh_from_db()
    world.change.refresh_from_db()
    assert str(world.contract.total_value) == "300000.00" and world.change.status == "pending"


def test_no_choice_at_all_takes_every_change(world):
    services.accept(world.change, actor=world.editor, edits={})
    world.contract.refresh_from_db()
    assert (str(world.contract.total_value), str(world.contract.end_date)) == ("450000.00", "2029-03-31")


def test_a_newer_notice_of_an_accepted_contract_waits_for_review_again(world):
    """Accepted once, the contract is on the map; a later release of the same process gives a
    higher value: the suggestion becomes a change waiting for review, not still "accepted"."""
    accepted = services.accept(world.new, actor=world.editor)
    later = release(ocid=NEW, release_id="2", date="2025-03-01T09:00:00Z", buyer=world.own.name, amount=150000)
    imported(later, actor=world.admin)
    again = Suggestion.objects.get(pk=world.new.pk)
    assert (again.kind, again.status, again.contract_id) == ("change", "pending", accepted.contract_id)
    assert again.decided_by is None and again.decided_at is None
    assert again.changes == {"total_value": {"map": "120000.00", "notice": "150000.00"}}
