"""Deciding on suggestions through citytools.notices.services, where the doors' tests do not
reach: what an empty choice of changes means."""

import pytest

from citytools.core.errors import DomainError
from citytools.notices import services


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
