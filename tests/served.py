"""A real server on a database of its own, for what only many requests at once can show.

Django's test client answers one request at a time in the test's own process and, on SQLite,
from an in-memory database: neither shows what happens when people write at the same moment.
`serve()` starts gunicorn (the production server, docs/configuration.md) with several worker
processes and the real settings, as an operator runs it, on a database made for it: a file on
SQLite, a fresh database on the PostgreSQL server the suite uses. The concurrency tests
(tests/test_concurrent_writes.py) and the load test of `make bench` (tests/bench_load.py)
start their servers here.

Run as a module, inside the server's environment, it prepares what the clients need and
prints it as JSON on its last line:

    python -m tests.served race-world EDITORS       tests/test_concurrent_writes.py's world
    python -m tests.served load-world EDITORS READERS    the load test's people, records and pages
    python -m tests.served import-world             tests/notices/test_concurrent_imports.py's people
"""

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
CITYTOOLS = Path(sys.executable).with_name("citytools")
# How long gunicorn may take to start answering.
READY_SECONDS = 60


def environment(data_dir: str, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a server process: the real settings (never the test settings), the
    embedded SQLite database in `data_dir` unless `database_url` names another."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CITYTOOLS_TESTING"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="citytools.settings",
        CITYTOOLS_DATA_DIR=data_dir,
        CITYTOOLS_STATIC_ROOT=data_dir,
        CITYTOOLS_SECRET_KEY=secrets.token_urlsafe(50),
        CITYTOOLS_DEBUG="0",
        CITYTOOLS_ALLOWED_HOSTS="127.0.0.1,testserver",
        # No hashed manifest: these servers measure views and writes, not collectstatic.
        CITYTOOLS_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        **extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    """Run a command in a server's environment, from the project folder; its output, or an
    error naming the command with everything it printed."""
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:] if args[0] == str(CITYTOOLS) else args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], command: str, *args: str):
    """Run one of this module's commands in the server's environment; the JSON it printed."""
    output = run([sys.executable, "-m", "tests.served", command, *args], env)
    return json.loads(output.strip().splitlines()[-1])


@contextlib.contextmanager
def postgres_database(server_url: str, name: str):
    """A fresh database called `name` on the server of `server_url`, dropped afterwards;
    yields its URL."""
    import psycopg

    admin = server_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def migrated(data_dir: str, label: str):
    """A server's environment on the test run's kind of database, migrated: SQLite in
    `data_dir`, or on PostgreSQL a fresh database named after the run's, `label` and the xdist
    worker, dropped afterwards. Yields the environment."""
    from django.conf import settings
    from django.db import connection

    with contextlib.ExitStack() as stack:
        if connection.vendor == "sqlite":
            env = environment(data_dir)
        else:
            own = settings.DATABASES["default"]
            name = f"{own['NAME']}_{label}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            password = quote(own["PASSWORD"] or "", safe="")
            admin = f"postgres://{own['USER']}:{password}@{own['HOST'] or 'localhost'}:{own['PORT'] or 5432}/postgres"
            env = environment(data_dir, stack.enter_context(postgres_database(admin, name)))
        run([sys.executable, "-m", "citytools.cli", "migrate", "--no-input"], env)
        yield env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, url: str, log: Path):
        self.url = url
        self.log = log
        self.seen = 0

    def mark(self) -> None:
        """Forget the log so far: errors() tells what came after."""
        self.seen = self.log.stat().st_size

    def errors(self) -> str:
        """The server's log since mark(), from its first traceback on, to explain a 500."""
        with self.log.open("rb") as log:
            log.seek(self.seen)
            text = log.read().decode(errors="replace")
        start = text.find("Traceback")
        return text[start:][:6000] if start >= 0 else ""


@contextlib.contextmanager
def serve(env: dict[str, str], *, workers: int):
    """gunicorn with `workers` sync worker processes on a free local port, until the block ends."""
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="citytools-gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "citytools.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
                # Longer than SQLite's busy timeout (30 s), so that a request waiting for the
                # write lock is answered by Django, not killed by gunicorn.
                "--timeout", "60", "--graceful-timeout", "5",
            ],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                with urlopen(f"{url}/api/v1/openapi.json", timeout=10) as answer:
                    answer.read()
                break
            except (URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text(errors='replace')}") from None
                time.sleep(0.2)
        yield Server(url, log_path)
    finally:
        stop(process)
        log_path.unlink(missing_ok=True)


def stop(process: subprocess.Popen) -> None:
    """End a server or worker process: asked to stop, killed if it has not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Run in the server's environment ----------------------------------------------------------


def signed_in_sessions(user, count: int) -> list[str]:
    """Session keys of `count` separate sign-ins of `user`, as a browser's cookie carries them."""
    from django.conf import settings
    from django.test import Client

    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def race_world(editors: str) -> dict:
    """The contracts world of the editing tests, with one contract per editor (each editor of
    the same organisation, each signed in), and an invitation for a new account."""
    import datetime
    from decimal import Decimal

    from citytools.accounts import services as accounts
    from citytools.contracts import services
    from tests.factories import RoleFactory, UserFactory
    from tests.inventory.test_editing_services import editing_world

    world = editing_world()
    people = []
    contracts = []
    for n in range(int(editors)):
        person = UserFactory(email=f"editor{n}@example.org", full_name=f"Editor {n}")
        RoleFactory(user=person, kind="editor", organisation=world.own)
        contract = services.create_contract(
            organisation=world.own, supplier="maker", systems=[world.system], title=f"Contract {n}",
            annual_value=Decimal("1000"), start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2028, 3, 31),
            actor=person,
        )
        people.append(signed_in_sessions(person, 1)[0])
        contracts.append(contract.pk)
    _, token = accounts.invite(
        email="newcomer@example.org", kind="editor", organisation=world.own, actor=world.user("editor")
    )
    return {"sessions": people, "contracts": contracts, "invitation": token}


def load_world(editors: str, readers: str) -> dict:
    """For the load test, on the demo: `editors` sessions of Camden's demo editor, each with a
    record of its own to edit (Camden's contracts, then its systems), `readers` sessions of
    Camden's demo member, and the pages and API reads they ask for."""
    from django.conf import settings
    from django.urls import reverse

    from citytools.accounts.models import User
    from citytools.contracts.models import Contract
    from citytools.directory.models import Organisation
    from citytools.inventory.models import System

    editor = User.objects.get(email="editor@demo.citytools.invalid")
    member = User.objects.get(email="member@demo.citytools.invalid")
    camden = Organisation.objects.get(slug="camden")
    records = [("contracts", pk) for pk in Contract.objects.active().filter(organisation=camden).order_by("pk").values_list("pk", flat=True)]
    records += [("systems", pk) for pk in System.objects.active().filter(organisation=camden).order_by("pk").values_list("pk", flat=True)]
    if len(records) < int(editors):
        raise RuntimeError(f"Camden has {len(records)} records to edit, fewer than {editors} editors")
    contract = records[0][1]
    pages = [
        reverse("market:overview"),
        reverse("directory:organisation", args=["camden"]),
        reverse("contracts:contracts"),
        reverse("contracts:contract", args=[contract]),
        f"/api/v1/contracts/{contract}",
        "/api/v1/organisations/camden",
    ]
    return {
        "editors": signed_in_sessions(editor, int(editors)),
        "records": records[: int(editors)],
        "readers": signed_in_sessions(member, int(readers)),
        "pages": pages,
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
    }


def import_world() -> dict:
    """For the concurrent imports of public notices: the access tests' people, with the names
    of the organisations their notices name."""
    from tests.people import people

    world = people()
    return {"coordinator": world.user("coordinator").email, "buyers": [world.own.name, world.peer.name]}


COMMANDS = {"race-world": race_world, "load-world": load_world, "import-world": import_world}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    result = COMMANDS[argv[0]](*argv[1:])
    # Last, on a line of its own: the console e-mail backend may have printed before it.
    print("\n" + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
