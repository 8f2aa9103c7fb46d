"""A real City Tools server on a free local port, over a fresh demo database.

Used by the browser tests (tests/browser/conftest.py) and `make screenshot`. The database is
SQLite in a temporary directory, built with the same commands a person runs: `citytools
migrate` and `citytools demo`. DEBUG is on only so whitenoise serves static files straight
from the finders without a collectstatic step.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.served import CITYTOOLS, ROOT, free_port, run

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def server_environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CITYTOOLS_TESTING"}}
    env.update(
        DJANGO_SETTINGS_MODULE="citytools.settings",
        CITYTOOLS_DATA_DIR=str(data_dir),
        CITYTOOLS_DEMO_MODE="1",
        CITYTOOLS_DEBUG="1",
        CITYTOOLS_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        # No worker runs beside this server: /readyz (loaded as JSON among the pages) must not
        # wait for one.
        CITYTOOLS_WORKER_REQUIRED="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def build_demo(data_dir: Path) -> None:
    """A demo database (and its uploads) in `data_dir`, made with `citytools migrate` and
    `citytools demo` as a person would."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(data_dir)
    run([str(CITYTOOLS), "migrate", "--no-input", "--verbosity", "0"], env)
    run([str(CITYTOOLS), "demo"], env)


class LiveServer:
    """`with LiveServer(tmp) as server:` builds the database, starts the server, stops it.

    With `template`, a directory build_demo() filled, the server runs on a copy of it
    instead: parallel test workers each get their own database without each building one."""

    def __init__(self, data_dir: Path, template: Path | None = None):
        self.data_dir = Path(data_dir)
        self.template = template
        self.env = server_environment(self.data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.data_dir / "server.log"
        self.process: subprocess.Popen | None = None

    def build_database(self) -> None:
        if self.template is None:
            build_demo(self.data_dir)
        else:
            shutil.copytree(self.template, self.data_dir, dirs_exist_ok=True)

    def pages(self) -> dict:
        """tests.pages.discover() run against this server's database."""
        return json.loads(run([sys.executable, "-m", "tests.pages"], self.env))

    def start(self) -> None:
        log = self.log.open("w")
        self.process = subprocess.Popen(
            [str(CITYTOOLS), "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # it answers, even if with an error; the tests will say which
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within 60 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        self.build_database()
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError("chromium is not on PATH (Debian package 'chromium'; .ci/run installs it)")
    return path
