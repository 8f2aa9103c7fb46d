import pytest


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings
