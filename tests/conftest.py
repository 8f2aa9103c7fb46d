import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip a test whose real data (../shared/data beside the repository) is not there, but
    never in CI (CITYTOOLS_REQUIRE_ALL=1, set by .ci/run), where it must run."""
    return pytest.mark.skipif(
        not path.exists() and os.environ.get("CITYTOOLS_REQUIRE_ALL") != "1",
        reason=f"{path} is not there (the shared data directory beside the repository)",
    )


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings
