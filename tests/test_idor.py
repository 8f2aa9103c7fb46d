"""Insecure direct object references: an editor of `own` who puts another organisation's ids
in a URL or a request body gets a refusal (403 or 404) and changes nothing, and a confidential
record of another organisation answers 404, as if it did not exist.

The doors come from the authorization table (tests/test_authorization.py): every page POST
and API POST, PUT, PATCH or DELETE aimed at an organisation's record (systems, contracts,
their history and restores, invitations, role assignments, people pages, network visibility)
is tried against the records of `peer` (same network) and `stranger` (another network), with
valid bodies, so only the ownership check can stop it. Ids mixed within one request (own
record, another's version or system) are probed separately below.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.access import UNSAFE, routes, writes
from tests.expect import EVERYONE, is_confidential
from tests.test_authorization import (  # noqa: F401  (world is a fixture)
    EXPECTATIONS,
    client_for,
    contract_body,
    contract_form,
    first_version,
    send,
    world,
)

OTHERS = ("peer", "stranger")


def organisation_doors() -> list[tuple[str, str]]:
    """(URL name, method) of every state-changing door aimed at one organisation's record.

    An invitation link is left out: its secret token, not the person's roles, is what lets
    them answer it, so it is open to everyone by design (and its tests are the accounts')."""
    return sorted(
        (name, method)
        for name, expect in EXPECTATIONS.items()
        if "own" in expect.targets
        for method, who in expect.allow.items()
        if method in UNSAFE and who is not EVERYONE
    )


def confidential_reads() -> list[str]:
    return sorted(
        name for name, expect in EXPECTATIONS.items() if "GET" in expect.allow and "own_confidential" in expect.targets
    )


def others_targets(expect) -> list[str]:
    targets = list(OTHERS)
    if any(is_confidential(target) for target in expect.targets):
        targets += [f"{other}_confidential" for other in OTHERS]
    return targets


def probe(client, *, api: bool, method: str, url: str, data=None, headers=None):
    """Send in a savepoint that is rolled back: the response and the tables it wrote to.

    The witness is tests.access.writes, the authorization matrix's: a refused request must not
    even try to write, so a write it later rolled back is reported too."""
    with transaction.atomic(), writes() as changed:
        response = send(client, api=api, method=method, url=url, data=data, headers=headers)
        transaction.set_rollback(True)
    return response, changed


DOORS = organisation_doors()


@pytest.mark.parametrize(("name", "method"), DOORS, ids=[f"{n} {m}" for n, m in DOORS])
def test_editor_cannot_act_on_another_organisations_records(name, method, world, db):
    expect = EXPECTATIONS[name]
    client = client_for(world, "editor")
    problems = []
    for target in others_targets(expect):
        url = reverse(name, kwargs=expect.args(world, target) if expect.args else None)
        data = expect.data(world, target, method) if expect.data else None
        headers = expect.headers(world, target, method) if expect.headers else None
        response, changed = probe(client, api=routes()[name].is_api, method=method, url=url, data=data, headers=headers)
        if response.status_code not in (403, 404):
            problems.append(f"{method} {url} ({target}'s record): {response.status_code}, not 403 or 404")
        if changed:
            problems.append(f"{method} {url} ({target}'s record) changed {', '.join(changed)}")
    assert not problems, "\n".join(problems)


def test_the_probe_sees_an_allowed_change(world, db):
    """So that the probes can fail: the same door on the editor's own record goes through
    and changes the tables."""
    expect = EXPECTATIONS["api:system_patch"]
    client = client_for(world, "editor")
    url = reverse("api:system_patch", kwargs=expect.args(world, "own"))
    response, changed = probe(
        client, api=True, method="PATCH", url=url, data=expect.data(world, "own", "PATCH"),
        headers=expect.headers(world, "own", "PATCH"),
    )
    assert response.status_code == 200
    assert "inventory_system" in changed


READS = confidential_reads()


OUTSIDERS = [
    ("editor", "peer_confidential"),  # same network, another organisation
    ("editor", "stranger_confidential"),
    ("peer_member", "own_confidential"),
    ("vendor", "own_confidential"),
]


@pytest.mark.parametrize("name", READS)
@pytest.mark.parametrize(("role", "target"), OUTSIDERS)
def test_another_organisations_confidential_record_is_not_found(name, role, target, world, db):
    expect = EXPECTATIONS[name]
    url = reverse(name, kwargs=expect.args(world, target))
    response = client_for(world, role).get(url)
    assert response.status_code == 404, f"GET {url} as {role}: {response.status_code}"


# Ids mixed within one request ------------------------------------------------------------------


def test_restoring_own_system_to_another_systems_version_is_refused(world, db):
    own, other = world.system("own"), world.system("stranger")
    client = client_for(world, "editor")
    doors = [
        (False, reverse("inventory:system_restore", args=[own.pk, first_version(other)]), {"version": own.version}, None),
        (True, reverse("api:system_restore", args=[own.pk, first_version(other)]), None, {"If-Match": f'"{own.version}"'}),
    ]
    for api, url, data, headers in doors:
        response, changed = probe(client, api=api, method="POST", url=url, data=data, headers=headers)
        assert response.status_code == 404, f"POST {url}: {response.status_code}"
        assert not changed


def test_restoring_own_contract_to_another_contracts_version_is_refused(world, db):
    own, other = world.contract("own"), world.contract("peer")
    client = client_for(world, "editor")
    doors = [
        (False, reverse("contracts:contract_restore", args=[own.pk, first_version(other)]), {"version": own.version}, None),
        (True, reverse("api:contract_restore", args=[own.pk, first_version(other)]), None, {"If-Match": f'"{own.version}"'}),
    ]
    for api, url, data, headers in doors:
        response, changed = probe(client, api=api, method="POST", url=url, data=data, headers=headers)
        assert response.status_code == 404, f"POST {url}: {response.status_code}"
        assert not changed


@pytest.mark.parametrize("other", OTHERS)
def test_own_contract_cannot_cover_another_organisations_system(other, world, db):
    """A contract of `own` naming a system of another organisation is refused, through the
    form (where that system is no choice) and the API, and nothing is saved."""
    client = client_for(world, "editor")
    own = world.contract("own")
    foreign = world.system(other).pk
    form = {**contract_form(world, "own", own), "systems": [str(foreign)]}
    body = {**contract_body(world, "own"), "systems": [foreign]}
    if_match = {"If-Match": f'"{own.version}"'}
    doors = [
        (False, "POST", reverse("contracts:contract_edit", args=[own.pk]), form, None),
        (False, "POST", reverse("contracts:contract_add", args=[world.people.own.slug]), {**form, "version": ""}, None),
        (True, "PUT", reverse("api:contract_replace", args=[own.pk]), body, if_match),
        (True, "PATCH", reverse("api:contract_patch", args=[own.pk]), {"systems": [foreign]}, if_match),
        (True, "POST", reverse("api:contract_create", args=[world.people.own.slug]), body, None),
    ]
    for api, method, url, data, headers in doors:
        response, changed = probe(client, api=api, method=method, url=url, data=data, headers=headers)
        assert 400 <= response.status_code < 500, f"{method} {url}: {response.status_code}"
        assert not changed, f"{method} {url} changed {changed}"


@pytest.mark.parametrize("other", OTHERS)
def test_editor_cannot_invite_into_another_organisation_through_the_body(other, world, db):
    client = client_for(world, "editor")
    body = {"email": "newcomer@example.org", "kind": "editor", "organisation": world.organisation(other).slug}
    response, changed = probe(client, api=True, method="POST", url=reverse("api:create_invitation"), data=body)
    assert response.status_code in (403, 404), response.content
    assert not changed


def test_editor_cannot_invite_a_coordinator_of_their_network(world, db):
    client = client_for(world, "editor")
    body = {"email": "newcomer@example.org", "kind": "coordinator", "network": world.people.north.slug}
    response, changed = probe(client, api=True, method="POST", url=reverse("api:create_invitation"), data=body)
    assert response.status_code in (403, 404), response.content
    assert not changed


# Campaigns: a network's draft is its coordinators' alone ------------------------------------------


def _draft_doors(world):
    draft = world.extra["draft_campaign"]
    if_match = {"If-Match": f'"{draft.version}"'}
    form = {"title": "Taken over", "deadline": draft.deadline.isoformat(), "kinds": "both", "version": draft.version}
    return [
        (False, "POST", reverse("freshness:campaign_edit", args=[draft.pk]), form, None),
        (False, "POST", reverse("freshness:campaign_delete", args=[draft.pk]), {"version": draft.version}, None),
        (True, "PUT", reverse("api:campaign_replace", args=[draft.pk]), {"title": "Taken over", "deadline": draft.deadline.isoformat()}, if_match),
        (True, "PATCH", reverse("api:campaign_patch", args=[draft.pk]), {"title": "Taken over"}, if_match),
        (True, "DELETE", reverse("api:campaign_delete", args=[draft.pk]), None, if_match),
    ]


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "peer_member"])
def test_no_one_else_changes_or_deletes_a_networks_draft_campaign(role, world, db):
    client = client_for(world, role)
    for api, method, url, data, headers in _draft_doors(world):
        response, changed = probe(client, api=api, method=method, url=url, data=data, headers=headers)
        assert response.status_code in (403, 404), f"{method} {url} as {role}: {response.status_code}"
        assert not changed, f"{method} {url} as {role} changed {changed}"


def test_a_draft_cannot_ask_another_networks_organisation(world, db):
    """North's coordinator names south's organisation in a draft of north: refused, nothing
    written, through the form and the API."""
    draft = world.extra["draft_campaign"]
    client = client_for(world, "coordinator")
    stranger = world.people.stranger.slug
    form = {"title": "Wider", "deadline": draft.deadline.isoformat(), "kinds": "both", "organisations": [stranger], "version": draft.version}
    body = {"title": "Wider", "deadline": draft.deadline.isoformat(), "organisations": [stranger]}
    doors = [
        (False, "POST", reverse("freshness:campaign_edit", args=[draft.pk]), form, None),
        (True, "PUT", reverse("api:campaign_replace", args=[draft.pk]), body, {"If-Match": f'"{draft.version}"'}),
    ]
    for api, method, url, data, headers in doors:
        response, changed = probe(client, api=api, method=method, url=url, data=data, headers=headers)
        assert response.status_code == 400, f"{method} {url}: {response.status_code}"
        assert not changed, f"{method} {url} changed {changed}"


# Public notices' service-area hints: one mapping for the whole site ---------------------------------


def _hint_doors():
    """Every door that changes the hints, from the matrix, with its valid body or query."""
    names = ("notices:hints", "notices:hint_remove", "api:notice_hint_create", "api:notice_hint_delete")
    return [(name, method) for name in names for method in EXPECTATIONS[name].allow if method in UNSAFE]


@pytest.mark.parametrize("role", ["editor", "other_editor", "peer_member"])
def test_an_organisations_editor_cannot_change_the_hints_of_every_network(role, world, db):
    """The hints belong to no organisation, so the doors above do not probe them: an editor
    who names a service area (one their systems use, or any other) in the body or the query
    is refused, and nothing is written; the same door as a coordinator goes through."""
    problems = []
    for name, method in _hint_doors():
        expect = EXPECTATIONS[name]
        for who, allowed in ((role, False), ("other_coordinator", True)):
            url = expect.url(name, world, None, method)
            data = expect.data(world, None, method) if expect.data else None
            response, changed = probe(client_for(world, who), api=routes()[name].is_api, method=method, url=url, data=data)
            refused = response.status_code in (403, 404)
            if refused == allowed or bool(changed) != allowed:
                problems.append(f"{method} {url} as {who}: {response.status_code}, changed {changed or 'nothing'}")
    assert not problems, "\n".join(problems)


# A network's survey imports: a coordinator of another network --------------------------------------


SURVEY_DOORS = ("api:survey_import", "api:survey_import_columns", "api:survey_import_decide", "api:survey_import_commit")


@pytest.mark.parametrize("address", ["theirs", "own"])
def test_a_coordinator_cannot_reach_another_networks_survey_import(address, world, db):
    """North's coordinator names south's survey import by id, under south's address or under
    north's own: 404 for every door, as if it did not exist, and nothing is written; the same
    doors on north's own import go through."""
    problems = []
    for name in SURVEY_DOORS:
        expect = EXPECTATIONS[name]
        method = next(iter(expect.allow))
        args = expect.args(world, "stranger")
        if address == "own":
            args = {**args, "slug": world.people.north.slug}
        data = expect.data(world, "own", method) if expect.data else None
        response, changed = probe(client_for(world, "coordinator"), api=True, method=method, url=reverse(name, kwargs=args), data=data)
        if response.status_code != 404 or changed:
            problems.append(f"{method} {name} {args}: {response.status_code}, changed {changed or 'nothing'}")
        response, _ = probe(client_for(world, "coordinator"), api=True, method=method, url=reverse(name, kwargs=expect.args(world, "own")), data=data)
        if response.status_code != 200:
            problems.append(f"{method} {name} on north's own import: {response.status_code}")
    assert not problems, "\n".join(problems)
