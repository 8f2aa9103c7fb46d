"""Charts drawn headless by the vega and vega-lite the site serves (tests/core/vega_axes.mjs),
to read the tick labels a person would see."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("vega_axes.mjs")
# A desk and a phone: fewer ticks fit on a phone, and labels must still not repeat.
WIDTHS = (640, 300)


def drawn_axes(specs: list[dict], width: int) -> list[list[dict]]:
    """Each spec's axes as drawn: scale name and type, domain and the visible tick labels."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so the charts cannot be drawn")
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps({"width": width, "specs": specs}), capture_output=True, text=True,
        timeout=120, cwd=SCRIPT.parent, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def value_axes(axes: list[dict]) -> list[dict]:
    return [axis for axis in axes if axis["type"] in ("linear", "time", "utc")]


def assert_axes_speak(specs: dict[str, dict]) -> None:
    """Every value axis of every chart, at every width, shows two or more labels, all different."""
    names = list(specs)
    for width in WIDTHS:
        for name, axes in zip(names, drawn_axes([specs[n] for n in names], width)):
            found = value_axes(axes)
            assert found, f"{name}: no value axis drawn"
            for axis in found:
                labels = axis["labels"]
                assert len(labels) >= 2, f"{name} at {width}px: axis {axis['scale']} says only {labels}"
                assert len(set(labels)) == len(labels), f"{name} at {width}px: axis {axis['scale']} repeats {labels}"
