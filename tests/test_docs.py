"""The documentation keeps up with the code: every setting read from the environment and
every management command the project defines is documented."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "citytools" / "settings.py"
CONFIGURATION = ROOT / "docs" / "configuration.md"
# Any quoted CITYTOOLS_* name, DATABASE_URL or DATABASE_REPLICA_URL in settings.py is one the
# environment may set.
VARIABLE = re.compile(r"""["'](CITYTOOLS_[A-Z0-9_]+|DATABASE_(?:[A-Z]+_)?URL)["']""")


def environment_variables() -> list[str]:
    return sorted(set(VARIABLE.findall(SETTINGS.read_text())))


def management_commands() -> list[str]:
    return sorted(
        path.stem
        for path in ROOT.glob("citytools/*/management/commands/*.py")
        if not path.stem.startswith("_")
    )


def all_docs() -> str:
    return "\n".join(path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))])


def test_settings_read_some_variables():
    # Guards the regular expression: it must find the variables settings.py is known to read.
    assert {"DATABASE_URL", "CITYTOOLS_SECRET_KEY", "CITYTOOLS_DEBUG"} <= set(environment_variables())


@pytest.mark.parametrize("variable", environment_variables())
def test_environment_variable_is_documented(variable):
    assert re.search(rf"`{variable}`", CONFIGURATION.read_text()), (
        f"{variable} is read in citytools/settings.py but not documented in docs/configuration.md"
    )


@pytest.mark.parametrize("command", management_commands())
def test_management_command_is_documented(command):
    assert f"citytools {command}" in all_docs(), (
        f"`citytools {command}` is defined but not mentioned in README.md or docs/"
    )


def test_docs_link_to_files_that_exist():
    link = re.compile(r"\]\((?!https?:|mailto:|#)([^)#\s]+)")
    broken = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in link.findall(path.read_text()):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert broken == []


def test_the_readme_opening_speaks_of_what_is_built_as_built():
    """Satisfaction and challenge-based procurement are built (the README says so further
    down); the opening called the first "planned" and the second what "comes next"."""
    readme = (ROOT / "README.md").read_text()
    opening = readme[: readme.index("## Run it")].lower()
    assert "satisf" in opening and "challenge-based procurement" in opening
    for stale in ("planned", "comes next", "will ", "coming soon", "roadmap"):
        assert stale not in opening, f"the README's opening still says {stale!r}"
