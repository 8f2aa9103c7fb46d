import os
from pathlib import Path

import pytest
from django.test import TransactionTestCase

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


# pytest-django's own fixtures that give a test the database. A fixture of the suite's that
# takes django_db_blocker (a world built once per module) reaches it too.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Run only the tests that reach the database (the suite's second pass, on PostgreSQL: "
        "the others cannot answer differently there).",
    )


def reaches_database(item) -> bool:
    """Whether a test reaches the database: marked django_db, a Django TestCase, asking for one
    of pytest-django's database fixtures or for a fixture of the suite's that unblocks it, or
    marked `database` (it starts a process that reaches the suite's database through
    DATABASE_URL). pytest-django refuses the database to any other test, so it passes or
    fails alike on both."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("database"):
        return True
    if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, TransactionTestCase):
        return True  # Django's own test cases (TestCase included) open the database themselves
    fixtures = getattr(item, "_fixtureinfo", None)
    if fixtures is None:
        return True
    if DATABASE_FIXTURES & set(fixtures.names_closure):
        return True
    return any(
        "django_db_blocker" in definition.argnames and not definition.func.__module__.startswith("pytest_django")
        for definitions in fixtures.name2fixturedefs.values()
        for definition in definitions
    )


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    # tests/run.py collects the browser tests from tests/browser/ alone, so that its workers
    # do not import the whole suite: a browser test anywhere else would never run.
    strays = [item.nodeid for item in items if item.get_closest_marker("browser") and BROWSER_TESTS not in item.path.parents]
    if strays:
        raise pytest.UsageError(f"browser tests belong in tests/browser/, where `make test` runs them: {strays}")
    if not config.getoption("--database-tests-only"):
        return
    kept, skipped = [], []
    for item in items:
        (kept if reaches_database(item) else skipped).append(item)
    if skipped:
        items[:] = kept
        config.hook.pytest_deselected(items=skipped)
