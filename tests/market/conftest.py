import pytest
import time_machine

# `inventory` is a fixture: the hand-made inventory of the matrix, product and service-area tests.
from tests.market.inventory_world import inventory  # noqa: F401
from tests.market.world import TODAY, build_world


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY.isoformat() + " 12:00", tick=False):
        yield TODAY


@pytest.fixture
def world(db, frozen_today):
    return build_world()
