"""The `citytools` console script is installed and runs Django management commands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The script runs with the suite's environment, DATABASE_URL included: in both passes (tests/conftest.py).
pytestmark = pytest.mark.database

CITYTOOLS = Path(sys.executable).with_name("citytools")


def run(*args, tmp_path):
    env = {**os.environ, "CITYTOOLS_DATA_DIR": str(tmp_path), "CITYTOOLS_DEMO_MODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([str(CITYTOOLS), *args], env=env, capture_output=True, text=True, timeout=120)


def test_console_script_runs_a_management_command(tmp_path):
    result = run("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_unknown_command_exits_non_zero(tmp_path):
    result = run("no-such-command", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("CITYTOOLS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["CITYTOOLS_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([str(CITYTOOLS), "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "CITYTOOLS_SECRET_KEY" in result.stderr
