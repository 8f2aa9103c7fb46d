import pytest

from tests.spreadsheets.world import build


@pytest.fixture
def world(db):
    return build()
