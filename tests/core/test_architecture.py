"""The layers are written down twice: as the import-linter contract in pyproject.toml, which
`make lint` holds the code to, and in words at the top of each app's models.py ("It may
import from core and directory only."). These tests fail when the two disagree, and when the
code breaks the contract (docs/architecture.md)."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "citytools"
SENTENCE = re.compile(r"It may import from (?P<apps>.+?) only\.")
NONE = "It may import from no other City Tools app."


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == contract_id)


def app_layers() -> list[list[str]]:
    """The apps of the layers contract, lowest layer first; each layer a list of apps (more
    than one when they are independent siblings). The project modules (urls, api, cli...)
    are not apps and are left out."""
    layers = []
    for layer in reversed(_contract("layers")["layers"]):
        modules = [m.strip() for m in re.split(r"[|:]", layer)]
        apps = [m.split(".")[1] for m in modules if (PACKAGE / m.split(".")[1]).is_dir()]
        if apps:
            layers.append(apps)
    return layers


def allowed(app: str) -> list[str]:
    """The apps below `app` in the contract, lowest first: what it may import."""
    below = []
    for layer in app_layers():
        if app in layer:
            return below
        below.extend(layer)
    raise AssertionError(f"{app} is not in the layers contract")


def stated(models: Path) -> list[str]:
    """The apps a models.py paragraph says its app may import, in the order it names them."""
    text = " ".join(ast.get_docstring(ast.parse(models.read_text())).split())
    if NONE in text:
        return []
    found = SENTENCE.search(text)
    assert found, f"{models.relative_to(ROOT)} does not say what its app may import"
    return re.split(r", | and ", found["apps"])


MODELS = sorted(PACKAGE.glob("*/models.py"))


def test_every_app_directory_is_in_the_layers_contract():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps == {app for layer in app_layers() for app in layer}


@pytest.mark.parametrize("models", MODELS, ids=lambda p: p.parent.name)
def test_the_models_paragraph_names_the_apps_below_it_in_the_contract(models):
    assert stated(models) == allowed(models.parent.name)


def test_the_stated_order_is_read_from_the_contract():
    # A guard on the parser above: the lowest app may import nothing, the one above it the
    # lowest only, and a layer's independent siblings do not import each other.
    lowest, second = app_layers()[0][0], app_layers()[1][0]
    assert allowed(lowest) == [] and allowed(second) == [lowest]
    for layer in app_layers():
        for app in layer:
            assert not set(allowed(app)) & set(layer)


def test_the_code_keeps_the_contracts():
    # lint-imports as `make lint` runs it, from the same environment as the tests.
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
