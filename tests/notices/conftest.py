import pytest

from tests.notices.world import build


@pytest.fixture
def world(db):
    return build()
