"""Many people writing at the same moment, through a real multi-process server.

The editors' and invitees' requests go to gunicorn with several worker processes on a database
of its own (tests/served.py): a file on SQLite, with the production settings, and a fresh
database on PostgreSQL when the suite runs there. Each person is a thread with their own
session, as a browser would be. Whatever the database, no write may fail with a server error:
writes to different records all succeed, writes to the same version leave one winner and
clear 412s, and nothing is lost (each record's version and history count every accepted write).
"""

import contextlib
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

from tests import served

# Its server reaches the suite's database server: run in both passes (tests/conftest.py).
pytestmark = pytest.mark.database

EDITORS = 20
ROUNDS = 5
INVITEES = 10
WORKERS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("served"))
    with contextlib.ExitStack() as stack:
        # Each xdist worker that runs a test of this module starts its own server.
        env = stack.enter_context(served.migrated(data_dir, "served"))
        world = served.prepare(env, "race-world", str(EDITORS))
        running = stack.enter_context(served.serve(env, workers=WORKERS))
        running.world = world
        yield running


@pytest.fixture(autouse=True)
def fresh_log(server):
    server.mark()


def browser(server, session_key=None) -> requests.Session:
    """A person's browser: their session cookie, and a CSRF cookie the API's writes echo."""
    person = requests.Session()
    token = secrets.token_hex(16)
    person.cookies.set(settings.CSRF_COOKIE_NAME, token, domain="127.0.0.1")
    person.headers["X-CSRFToken"] = token
    if session_key:
        person.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain="127.0.0.1")
    return person


def together(jobs):
    """Run each job in its own thread, all released at the same moment; their results."""
    barrier = threading.Barrier(len(jobs))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(lambda job: job(barrier), jobs))


def contract_url(server, contract_id, suffix=""):
    return f"{server.url}/api/v1/contracts/{contract_id}{suffix}"


def read(person, server, contract_id):
    answer = person.get(contract_url(server, contract_id), timeout=60)
    assert answer.status_code == 200, answer.text
    return answer


def version(answer) -> int:
    return int(answer.headers["ETag"].strip('"'))


def assert_no_server_error(server, statuses):
    failed = [status for status in statuses if status >= 500]
    assert not failed, f"{len(failed)} server errors of {len(statuses)}:\n{server.errors()}"


def test_editors_saving_different_contracts_at_once_all_succeed(server):
    world = server.world

    def edit(n):
        def job(barrier):
            person = browser(server, world["sessions"][n])
            barrier.wait()
            statuses = []
            for round_ in range(ROUNDS):
                etag = read(person, server, world["contracts"][n]).headers["ETag"]
                answer = person.patch(
                    contract_url(server, world["contracts"][n]),
                    json={"title": f"Contract {n}, round {round_}"},
                    headers={"If-Match": etag},
                    timeout=60,
                )
                statuses.append(answer.status_code)
            return statuses

        return job

    statuses = [status for person in together([edit(n) for n in range(EDITORS)]) for status in person]
    assert_no_server_error(server, statuses)
    assert statuses == [200] * EDITORS * ROUNDS
    for n, contract_id in enumerate(world["contracts"]):
        person = browser(server, world["sessions"][n])
        contract = read(person, server, contract_id)
        assert (contract.json()["title"], version(contract)) == (f"Contract {n}, round {ROUNDS - 1}", 1 + ROUNDS)
        versions = [entry["version"] for entry in person.get(contract_url(server, contract_id, "/history")).json()]
        assert sorted(versions) == list(range(1, 2 + ROUNDS))


def test_editors_saving_the_same_version_at_once_leave_one_winner(server):
    world = server.world
    contract_id = world["contracts"][0]
    people = [browser(server, key) for key in world["sessions"]]
    start = version(read(people[0], server, contract_id))

    def edit(n):
        def job(barrier):
            etag = read(people[n], server, contract_id).headers["ETag"]
            barrier.wait()
            answer = people[n].patch(
                contract_url(server, contract_id), json={"title": f"Editor {n} won"}, headers={"If-Match": etag}, timeout=60
            )
            return answer.status_code, n

        return job

    results = together([edit(n) for n in range(EDITORS)])
    statuses = [status for status, _ in results]
    assert_no_server_error(server, statuses)
    assert sorted(statuses) == [200] + [412] * (EDITORS - 1)
    winner = next(n for status, n in results if status == 200)
    contract = read(people[0], server, contract_id)
    assert (contract.json()["title"], version(contract)) == (f"Editor {winner} won", start + 1)
    versions = [entry["version"] for entry in people[0].get(contract_url(server, contract_id, "/history")).json()]
    assert sorted(versions) == list(range(1, start + 2))


def test_people_accepting_one_invitation_at_once_make_one_account(server):
    page = f"{server.url}/accounts/invitations/{server.world['invitation']}/"
    password = "a long enough passphrase for the race"

    def accept(n):
        def job(barrier):
            person = requests.Session()
            form = person.get(page, timeout=60)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            barrier.wait()
            answer = person.post(
                page,
                data={"csrfmiddlewaretoken": token, "full_name": f"Newcomer {n}", "password1": password, "password2": password},
                allow_redirects=False,
                timeout=60,
            )
            return answer.status_code, person

        return job

    results = together([accept(n) for n in range(INVITEES)])
    statuses = [status for status, _ in results]
    assert_no_server_error(server, statuses)
    assert sorted(statuses) == [200] * (INVITEES - 1) + [302]
    winner = next(person for status, person in results if status == 302)
    me = winner.get(f"{server.url}/api/v1/me", timeout=60).json()
    assert me["email"] == "newcomer@example.org"
    assert [(role["kind"], role["organisation"]) for role in me["roles"]] == [("editor", "own")]


def test_one_person_changing_and_stopping_their_alerts_in_several_tabs_at_once(server):
    """Each request reads the subscription and then writes it: schemathesis's parallel
    workers once met 'database is locked' here on SQLite."""
    address = f"{server.url}/api/v1/alerts"
    tabs = [browser(server, server.world["sessions"][1]) for _ in range(INVITEES)]

    def change(n):
        def job(barrier):
            barrier.wait()
            if n % 2:
                return tabs[n].delete(address, timeout=60).status_code
            return tabs[n].put(address, json={"frequency": "daily", "horizon_days": 90 + n}, timeout=60).status_code

        return job

    statuses = together([change(n) for n in range(INVITEES)])
    assert_no_server_error(server, statuses)
    assert set(statuses) <= {200, 201, 204}, statuses
    after = tabs[0].put(address, json={"frequency": "weekly", "horizon_days": 120}, timeout=60)
    assert after.status_code in {200, 201} and after.json()["horizon_days"] == 120


def test_editors_setting_up_their_organisations_calendar_at_once(server):
    """The first address is made by whichever request comes first, and the others replace it."""
    address = f"{server.url}/organisations/own/calendar/"
    people = [browser(server, key) for key in server.world["sessions"][:INVITEES]]

    def set_up(n):
        def job(barrier):
            barrier.wait()
            return people[n].post(address, allow_redirects=False, timeout=60).status_code

        return job

    statuses = together([set_up(n) for n in range(INVITEES)])
    assert_no_server_error(server, statuses)
    assert statuses == [303] * INVITEES
    assert people[0].get(address, timeout=60).text.count(".ics") >= 1
