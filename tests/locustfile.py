"""The load scenario of issue 18, for locust: public readers, members, editors and importers.

    locust -f tests/locustfile.py --headless -u 50 -r 10 -t 120s --host http://127.0.0.1:PORT

tests/bench_locust.py runs it (as its own process, against gunicorn on loopback) and reads
its CSV statistics; it can also be run by hand against any server whose database holds the
people and records it names. Those come from a JSON file, named by the environment variable
CITYTOOLS_LOCUST_WORLD, that `python -m tests.bench_locust --world` writes in the server's
environment (tests.bench_locust.world): the session keys of signed-in people (one per
simulated user), the records each editor edits, the pages and API reads of each kind of
user, and one contract row of the organisation to import copies of.

Four kinds of user, in the proportions of their weights (4:3:2:1, so 20, 15, 10 and 5 of 50):

- a public reader, not signed in, reads public pages and API lists;
- a member of the organisation, signed in, reads members-only pages and API reads too;
- an editor of the organisation reads one record of their own through the API and saves it
  with If-Match and the CSRF header, as the pages' scripts do; a 412 (someone saved it first:
  two editors share a record when there are fewer records than editors) is the answer the
  API promises, so it counts as a success, not an error;
- an importer (the same organisation's editor) uploads a small CSV of new contracts through
  the API, reads its preview, and imports it.

Each waits between CITYTOOLS_LOCUST_WAIT seconds ("1,5" by default: a person reading a page
before the next) between two tasks. Every request is named by its kind ("public page",
"editor save"...), so the statistics are per kind; with CITYTOOLS_LOCUST_LOG set, each
request's kind, path, time and outcome is also appended to that file (tab-separated), so
that the slowest pages can be named.
"""

import base64
import csv
import io
import itertools
import json
import os
import random
import secrets
import uuid
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

WORLD_PATH = os.environ.get("CITYTOOLS_LOCUST_WORLD", "")
WAIT = tuple(float(part) for part in os.environ.get("CITYTOOLS_LOCUST_WAIT", "1,5").split(","))
# Rows of each small import: new contracts, previewed and imported in the request (the
# worker takes files of more than 500).
IMPORT_ROWS = 5


def _world() -> dict:
    if not WORLD_PATH:
        return {}
    with open(WORLD_PATH, encoding="utf-8") as file:
        return json.load(file)


WORLD = _world()
# Each simulated user of a kind takes the next session of that kind (locust runs every user
# of this process in one thread, as greenlets, so a plain counter is enough).
TURNS = {kind: itertools.count() for kind in ("member", "editor", "importer")}

# Line-buffered: locust's process may end without flushing what is still buffered.
_log = open(os.environ["CITYTOOLS_LOCUST_LOG"], "a", buffering=1, encoding="utf-8") if os.environ.get("CITYTOOLS_LOCUST_LOG") else None  # noqa: SIM115 - open while locust runs


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, response=None, exception=None, context=None, **kwargs):
    if _log is None:
        return
    path = getattr(getattr(response, "request", None), "path_url", "") or ""
    status = getattr(response, "status_code", 0) or 0
    _log.write(f"{name}\t{request_type} {path.split('?')[0]}\t{response_time:.1f}\t{status}\t{'error' if exception else 'ok'}\n")


def _signed_in(user: HttpUser, kind: str) -> int:
    """Give the user's browser the next session of `kind` and a CSRF cookie its writes echo;
    which turn it took."""
    sessions = WORLD["sessions"][kind]
    turn = next(TURNS[kind])
    key = sessions[turn % len(sessions)]
    token = secrets.token_hex(16)
    host = urlsplit(user.host).hostname  # the server --host names, as a browser keeps its cookies
    user.client.cookies.set(WORLD["cookies"]["session"], key, domain=host)
    user.client.cookies.set(WORLD["cookies"]["csrf"], token, domain=host)
    user.client.headers["X-CSRFToken"] = token
    return turn


def _read(user: "_Person", kind: str, paths: list[str]) -> None:
    user.client.get(user.random.choice(paths), name=kind)


class _Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def on_start(self):
        # Each user's own sequence, so that users do not read the same page in lockstep.
        self.random = random.Random()


class PublicReader(_Person):
    """Not signed in: the overview, lists, an organisation's page, the public API lists."""

    weight = 4

    @task(3)
    def page(self):
        _read(self, "public page", WORLD["pages"]["public"])

    @task(2)
    def api(self):
        _read(self, "public API", WORLD["api"]["public"])


class Member(_Person):
    """Signed in as a member of the organisation: members-only pages and API reads."""

    weight = 3

    def on_start(self):
        super().on_start()
        _signed_in(self, "member")

    @task(3)
    def page(self):
        _read(self, "member page", WORLD["pages"]["member"])

    @task(2)
    def api(self):
        _read(self, "member API", WORLD["api"]["member"])


class Editor(_Person):
    """Signed in as an editor: reads a record of their own and saves it with If-Match."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.number = _signed_in(self, "editor")
        kind, pk = WORLD["records"][self.number % len(WORLD["records"])]
        self.address = f"/api/v1/{kind}/{pk}"
        self.field = "title" if kind == "contracts" else "notes"
        self.edits = 0

    @task
    def edit(self):
        answer = self.client.get(self.address, name="editor read")
        etag = answer.headers.get("ETag") if answer.ok else None
        if not etag:
            return
        self.edits += 1
        body = {self.field: f"Load test: editor {self.number}, edit {self.edits}"}
        with self.client.patch(self.address, json=body, headers={"If-Match": etag}, name="editor save", catch_response=True) as saved:
            if saved.status_code == 412:
                saved.success()  # another editor saved it first: the API's promised answer


class Importer(_Person):
    """Signed in as an editor: uploads a small CSV of new contracts, previews and imports it."""

    weight = 1

    def on_start(self):
        super().on_start()
        _signed_in(self, "importer")

    def csv_file(self) -> bytes:
        template = WORLD["import"]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=template["header"])
        writer.writeheader()
        batch = uuid.uuid4().hex[:12]
        for n in range(IMPORT_ROWS):
            writer.writerow(dict(template["row"], reference=f"LOAD-{batch}-{n}", title=f"Load test contract {batch} {n}"))
        return out.getvalue().encode()

    @task
    def import_contracts(self):
        payload = {"kind": "contracts", "filename": "load.csv", "content_base64": base64.b64encode(self.csv_file()).decode()}
        with self.client.post(f"/api/v1/organisations/{WORLD['organisation']}/imports", json=payload, name="import upload",
                              catch_response=True) as answer:
            if answer.status_code != 201:
                answer.failure(f"upload answered {answer.status_code}: {answer.text[:200]}")
                return
            upload = answer.json()
            if not upload["can_commit"]:
                answer.failure(f"preview cannot be imported: {upload['counts']}")
                return
        self.client.get(f"/imports/{upload['id']}/", name="import preview page")
        with self.client.post(f"/api/v1/imports/{upload['id']}/commit", name="import commit", catch_response=True) as answer:
            if answer.status_code != 200 or answer.json().get("created") != IMPORT_ROWS:
                answer.failure(f"commit answered {answer.status_code}: {answer.text[:200]}")
