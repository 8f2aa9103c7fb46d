from types import SimpleNamespace

import pytest

from tests.factories import NetworkFactory, RoleFactory


@pytest.fixture
def people(db):
    """A platform admin, who may load a register, and a network's coordinator, who may not
    (a register covers organisations in no network)."""
    return SimpleNamespace(
        admin=RoleFactory(kind="admin", user__email="admin@example.org").user,
        coordinator=RoleFactory(kind="coordinator", network=NetworkFactory(), user__email="coordinator@example.org").user,
    )
