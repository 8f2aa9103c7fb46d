"""The authorization matrix: every URL of the site (pages and the JSON API, from the URL
resolver) × every HTTP method × every role in tests.people × records of the person's own
organisation and of others.

What each role may do is written down once, keyed by URL name: in EXPECTATIONS below for the
core apps' URLs (accounts, directory, systems, contracts, the market's pages, search, the
inbox) and in tests/<app>/expect*.py for each feature app's, all written with tests/expect.py
and gathered into EXPECTATIONS here. A URL that is not listed fails with "URL <name> has no
authorization expectation", so a new page or endpoint cannot ship without someone deciding
who may use it.

For each combination the answer must fall in the expected class:

- allowed: a 2xx answer, or a redirect anywhere but the sign-in page;
- refused: 401, 403, 404 or 405, or a redirect to the sign-in page. A refused POST, PUT,
  PATCH or DELETE must also send no INSERT, UPDATE or DELETE to any table a record lives in
  (tests.access.writes: sessions and the sign-in throttle's log are left out).

Any other answer (400, 409, 422, a 5xx) is neither, and fails: the payloads below are
valid, so only authorization may stop them. HEAD may be answered wherever GET is allowed
and OPTIONS wherever any method is (so they are not sent there); both must be refused
elsewhere. A method the table does not offer at all must be refused to every role that may
not use the URL, and must change nothing for anyone; test_unoffered_methods_are_refused then
asks that it be refused even to an admin, so that a page is not a form by accident. Whether
a URL offers a method is decided before anyone's role is looked at (the view's allowed
methods, django-ninja's routing), so OPTIONS and the methods not offered are sent as the
public and as an admin, the weakest and the strongest, and not again for every other role.

CSRF is not enforced here (tests/test_csrf.py checks it); each request runs in a savepoint
that is rolled back, so an allowed write does not disturb the next request.
"""

import copy
import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.access import (
    METHODS,
    UNSAFE,
    World,
    build_world,
    login_path,
    route_groups,
    route_names,
    routes,
    writes,
)
from tests.core import expect as core
from tests.expect import (
    COORDINATOR,
    DEFAULT_POLICY,
    EDITOR,
    EDITOR_OR_COORDINATOR,
    EVERYONE,
    NOBODY,
    ORGANISATIONS,
    SEES,
    SIGNED_IN,
    WITH_CONFIDENTIAL,
    Expect,
    Multipart,
    Who,
    action,
    api,
    contract_pk,
    fixed,
    network_slug,
    organisation_slug,
    page,
    system_pk,
    targeted,
)
from tests.freshness import expect as freshness
from tests.inventory import expect_catalogue as catalogue
from tests.notices import expect as notices
from tests.opportunities import expect as opportunities
from tests.opportunities import expect_alerts as alerts
from tests.partnering import expect_authoring, expect_evaluation, expect_outcome, expect_proposals
from tests.people import ROLES
from tests.registers import expect as registers
from tests.satisfaction import expect as satisfaction
from tests.spreadsheets import expect as spreadsheets
from tests.worlds import rolled_back_at_the_end

# The core tables' helpers ------------------------------------------------------------------


def system_form(world, system) -> dict:
    """A valid answer to the system form: a new system, or `system` with a new status."""
    return {
        "product": world.product.slug,
        "service_areas": [world.service_area.slug],
        "status": "being_replaced",
        "hosting": "saas",
        "notes": "Changed in the authorization matrix.",
        "version": system.version if system else "",
    }


def contract_form(world, target, contract) -> dict:
    """A valid answer to the contract form: a new contract, or `contract` with a new title."""
    return {
        "title": "Waste collection, renewed",
        "supplier": world.supplier.slug,
        "systems": [str(world.system(target).pk)],
        "start_date": "2024-04-01",
        "end_date": "2028-03-31",
        "annual_value": "120000",
        "total_value": "480000",
        "currency": "GBP",
        "route": "unknown",
        "source": "organisation",
        "version": contract.version if contract else "",
    }


def system_body(world) -> dict:
    return {"product": world.product.slug, "service_areas": [world.service_area.slug], "status": "being_replaced"}


def contract_body(world, target) -> dict:
    form = contract_form(world, target, None)
    body = {key: form[key] for key in ("title", "supplier", "start_date", "end_date", "currency")}
    return {**body, "systems": [world.system(target).pk]}


def if_match(kind: str):
    """The If-Match header naming the record's current version, as a client that just read it sends."""
    return lambda world, target, method: {"If-Match": f'"{getattr(world, kind)(target).version}"'}


def first_version(record) -> int:
    return record.history.order_by("history_id").values_list("history_id", flat=True)[0]


EXPECTATIONS: dict[str, Expect] = {
    # Public reading: every role sees these pages, with member-only figures left out for
    # those who may not see them (tests/test_leaks.py and each app's tests check which).
    "market:overview": page(),
    "directory:organisations": page(),
    "directory:organisation": page(**targeted(organisation_slug)),
    "directory:suppliers": page(),
    "directory:supplier": page(**fixed(lambda w: {"slug": w.supplier.slug})),
    "inventory:matrix": page(),
    "inventory:matrix_csv": page(),
    "inventory:products": page(),
    "inventory:product": page(**fixed(lambda w: {"slug": w.product.slug})),
    "inventory:service_areas": page(),
    "inventory:service_area": page(**fixed(lambda w: {"slug": w.service_area.slug})),
    "contracts:contracts": page(),
    "contracts:timeline": page(),
    "market:pipeline": page(),
    "api:pipeline": api()(),
    "contracts:contract": page(SEES, **targeted(contract_pk(), WITH_CONFIDENTIAL)),
    "search:search": page(),
    # The API reads through the same queries as the pages.
    "api:networks": api()(),
    "api:organisations": api()(),
    "api:organisation": api()(**targeted(organisation_slug)),
    "api:suppliers": api()(),
    "api:supplier": api()(**fixed(lambda w: {"slug": w.supplier.slug})),
    "api:products": api()(),
    "api:product": api()(**fixed(lambda w: {"slug": w.product.slug})),
    "api:service_areas": api()(),
    "api:service_area": api()(**fixed(lambda w: {"slug": w.service_area.slug})),
    "api:systems": api()(),
    "api:matrix": api()(),
    "api:contracts": api()(),
    "api:contract": api(SEES)(**targeted(contract_pk("contract_id"), WITH_CONFIDENTIAL)),
    "api:overview": api()(),
    "api:search_all": api()(),
    # django-ninja's root only lets it work out the API's base path; it answers 404 to all.
    "api:api-root": Expect(allow={}),
    # Networks: anyone reads a network's page; its coordinators (and admins) set who sees
    # what about its members.
    "directory:network": page(**targeted(network_slug)),
    "directory:network_visibility": page(
        COORDINATOR, write=COORDINATOR, **targeted(network_slug), data=lambda w, t, m: DEFAULT_POLICY
    ),
    "api:network": api()(**targeted(network_slug)),
    "api:network_visibility": api(None, put=COORDINATOR)(**targeted(network_slug), data=lambda w, t, m: DEFAULT_POLICY),
    "api:network_visibility_patch": api(None, patch=COORDINATOR)(
        **targeted(network_slug), data=lambda w, t, m: DEFAULT_POLICY
    ),
    # Accounts. Signing in, out and resetting a password are for everyone; a wrong password
    # is an answer (the form again), not a refusal.
    "accounts:login": page(
        write=EVERYONE, data=lambda w, t, m: {"username": "nobody@example.org", "password": "not the password"}
    ),
    "accounts:logout": action(EVERYONE),
    "accounts:me": page(SIGNED_IN),
    "accounts:password_change": page(SIGNED_IN, write=SIGNED_IN),
    "accounts:password_reset": page(write=EVERYONE, data=lambda w, t, m: {"email": "nobody@example.org"}),
    "accounts:password_reset_done": page(),
    "accounts:password_reset_confirm": page(write=EVERYONE, **fixed(lambda w: {"uidb64": "MQ", "token": "no-such-token"})),
    "accounts:password_reset_complete": page(),
    # The link's token is the credential: whoever holds it may open it and answer it.
    "accounts:invitation": page(write=EVERYONE, **targeted(lambda w, t: {"token": w.of(t).invitation_token})),
    # Whoever may invite someone to a role may withdraw the invitation or revoke the role:
    # the organisation's editors and its networks' coordinators (accounts.invitations).
    "accounts:revoke_invitation": action(EDITOR_OR_COORDINATOR, **targeted(lambda w, t: {"pk": w.of(t).invitation.pk})),
    "accounts:revoke_role": action(EDITOR_OR_COORDINATOR, **targeted(lambda w, t: {"pk": w.of(t).member_role.pk})),
    "accounts:network_people": page(COORDINATOR, write=COORDINATOR, **targeted(network_slug)),
    "accounts:organisation_people": page(EDITOR_OR_COORDINATOR, write=EDITOR_OR_COORDINATOR, **targeted(organisation_slug)),
    "api:me": api(SIGNED_IN)(),
    # The inbox lists only the signed-in person's own tasks: anyone signed in opens their own,
    # and no address names anyone else's (tests/inbox/test_inbox.py checks whose tasks appear).
    "inbox:inbox": page(SIGNED_IN),
    "api:inbox": api(SIGNED_IN)(),
    "api:create_invitation": api(None, post=EDITOR_OR_COORDINATOR)(
        targets=ORGANISATIONS,
        data=lambda w, t, m: {"email": "newcomer@example.org", "kind": "member", "organisation": w.organisation(t).slug},
    ),
    # Systems: anyone sees a system they may see (a confidential one only its staff, its
    # networks' coordinators and admins); only its organisation's editors change or retire it;
    # its editors and coordinators restore an earlier version.
    "inventory:system": page(SEES, **targeted(system_pk(), WITH_CONFIDENTIAL)),
    "inventory:system_history": page(SEES, **targeted(system_pk(), WITH_CONFIDENTIAL)),
    "inventory:system_add": page(EDITOR, write=EDITOR, **targeted(organisation_slug), data=lambda w, t, m: system_form(w, None)),
    "inventory:system_edit": page(
        EDITOR, write=EDITOR, **targeted(system_pk(), WITH_CONFIDENTIAL), data=lambda w, t, m: system_form(w, w.system(t))
    ),
    "inventory:system_retire": page(
        EDITOR, write=EDITOR, **targeted(system_pk(), WITH_CONFIDENTIAL), data=lambda w, t, m: {"version": w.system(t).version}
    ),
    "inventory:system_restore": page(
        EDITOR_OR_COORDINATOR,
        write=EDITOR_OR_COORDINATOR,
        **targeted(lambda w, t: {"pk": w.system(t).pk, "history_id": first_version(w.system(t))}, WITH_CONFIDENTIAL),
        data=lambda w, t, m: {"version": w.system(t).version},
    ),
    # Contracts: as systems.
    "contracts:contract_history": page(SEES, **targeted(contract_pk(), WITH_CONFIDENTIAL)),
    "contracts:contract_add": page(
        EDITOR, write=EDITOR, **targeted(organisation_slug), data=lambda w, t, m: contract_form(w, t, None)
    ),
    "contracts:contract_edit": page(
        EDITOR,
        write=EDITOR,
        **targeted(contract_pk(), WITH_CONFIDENTIAL),
        data=lambda w, t, m: contract_form(w, t, w.contract(t)),
    ),
    "contracts:contract_retire": page(
        EDITOR,
        write=EDITOR,
        **targeted(contract_pk(), WITH_CONFIDENTIAL),
        data=lambda w, t, m: {"version": w.contract(t).version},
    ),
    "contracts:contract_restore": page(
        EDITOR_OR_COORDINATOR,
        write=EDITOR_OR_COORDINATOR,
        **targeted(lambda w, t: {"pk": w.contract(t).pk, "history_id": first_version(w.contract(t))}, WITH_CONFIDENTIAL),
        data=lambda w, t, m: {"version": w.contract(t).version},
    ),
    # The editing API: the same rules as the pages. Every change names the version it is
    # based on (If-Match), so that only authorization can stop it here.
    "api:system": api(SEES)(**targeted(system_pk("system_id"), WITH_CONFIDENTIAL)),
    "api:system_replace": api(None, put=EDITOR)(
        **targeted(system_pk("system_id"), WITH_CONFIDENTIAL), data=lambda w, t, m: system_body(w), headers=if_match("system")
    ),
    "api:system_patch": api(None, patch=EDITOR)(
        **targeted(system_pk("system_id"), WITH_CONFIDENTIAL),
        data=lambda w, t, m: {"status": "being_replaced"},
        headers=if_match("system"),
    ),
    "api:system_retire": api(None, delete=EDITOR)(
        **targeted(system_pk("system_id"), WITH_CONFIDENTIAL), headers=if_match("system")
    ),
    "api:system_create": api(None, post=EDITOR)(**targeted(organisation_slug), data=lambda w, t, m: system_body(w)),
    "api:system_history": api(SEES)(**targeted(system_pk("system_id"), WITH_CONFIDENTIAL)),
    "api:system_restore": api(None, post=EDITOR_OR_COORDINATOR)(
        **targeted(lambda w, t: {"system_id": w.system(t).pk, "history_id": first_version(w.system(t))}, WITH_CONFIDENTIAL),
        headers=if_match("system"),
    ),
    "api:contract_replace": api(None, put=EDITOR)(
        **targeted(contract_pk("contract_id"), WITH_CONFIDENTIAL),
        data=lambda w, t, m: contract_body(w, t),
        headers=if_match("contract"),
    ),
    "api:contract_patch": api(None, patch=EDITOR)(
        **targeted(contract_pk("contract_id"), WITH_CONFIDENTIAL),
        data=lambda w, t, m: {"title": "Waste collection, renamed"},
        headers=if_match("contract"),
    ),
    "api:contract_retire": api(None, delete=EDITOR)(
        **targeted(contract_pk("contract_id"), WITH_CONFIDENTIAL), headers=if_match("contract")
    ),
    "api:contract_create": api(None, post=EDITOR)(**targeted(organisation_slug), data=lambda w, t, m: contract_body(w, t)),
    "api:contract_history": api(SEES)(**targeted(contract_pk("contract_id"), WITH_CONFIDENTIAL)),
    "api:contract_restore": api(None, post=EDITOR_OR_COORDINATOR)(
        **targeted(lambda w, t: {"contract_id": w.contract(t).pk, "history_id": first_version(w.contract(t))}, WITH_CONFIDENTIAL),
        headers=if_match("contract"),
    ),
    "api:delete_invitation": api(None, delete=EDITOR_OR_COORDINATOR)(
        **targeted(lambda w, t: {"invitation_id": w.of(t).invitation.pk})
    ),
}


# Each app's URLs are described in its own module (tests/<app>/expect*.py), in the language of
# tests/expect.py and with the predicates of the app's part of the world (tests/<app>/access.py).
APPS = (
    core,  # the health checks
    expect_authoring, expect_proposals, expect_evaluation, expect_outcome,  # the Invitation to Partner
    satisfaction,  # ratings, shared pain points and the conversation pack
    alerts,  # alerts and calendar feeds
    opportunities,  # the opportunity finder and joint procurement initiatives
    spreadsheets,  # spreadsheet import and export
    freshness,  # data quality, confirmations and attestation campaigns
    catalogue,  # catalogue proposals: suppliers and products missing from the catalogue
    notices,  # public notices: the review queue, buyer names, trusted sources, imports
    registers,  # public registers: their facts, and loading one (admins); network survey imports (coordinators)
)
for _app in APPS:
    _repeated = sorted(EXPECTATIONS.keys() & _app.EXPECTATIONS.keys())
    if _repeated:
        raise ValueError(f"{_app.__name__} describes URLs already described: {_repeated}")
    EXPECTATIONS.update(_app.EXPECTATIONS)


# The world, once per module -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back when the module ends; each test runs in a
    savepoint within it (pytest-django's `db`), so no test sees another's changes."""
    with rolled_back_at_the_end(django_db_blocker):
        yield build_world()


# Sending and judging ---------------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, *, api: bool, method: str, url: str, data: dict | None, headers: dict | None):
    headers = headers or {}
    if method not in UNSAFE:
        return client.generic(method, url, headers=headers)
    if isinstance(data, Multipart):
        return client.generic(method, url, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT, headers=headers)
    if api:
        body = json.dumps(data) if data is not None else ""
        return client.generic(method, url, body, content_type="application/json", headers=headers)
    body = urlencode(data or {}, doseq=True)
    return client.generic(method, url, body, content_type="application/x-www-form-urlencoded", headers=headers)


def outcome(response) -> str:
    status = response.status_code
    if status in (401, 403, 404, 405):
        return "refused"
    if 300 <= status < 400:
        location = urlsplit(response.headers.get("Location", "")).path
        return "refused" if location == login_path() else "allowed"
    if 200 <= status < 300:
        return "allowed"
    return f"neither ({status})"


def describe(response) -> str:
    text = f"{response.status_code}"
    if 300 <= response.status_code < 400:
        text += f" → {response.headers.get('Location')}"
    elif response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/"):
        text += f" {response.content[:200].decode(errors='replace')}"
    return text


def wanted(expect: Expect, method: str, role: str, target: str | None) -> set[str]:
    if method == "HEAD":
        return {"allowed", "refused"} if expect.may("GET", role, target) else {"refused"}
    if method in expect.allow:
        return {"allowed" if expect.may(method, role, target) else "refused"}
    # OPTIONS, and methods the URL does not offer: see the module's docstring.
    return {"allowed", "refused"} if expect.may_use(role, target) else {"refused"}


# Roles sent OPTIONS and the methods a URL does not offer (see the module's docstring).
UNOFFERED_ROLES = ("public", "admin")


def exercise(world: World, name: str, role: str, expect: Expect, methods=METHODS) -> list[str]:
    """Every method × target for one URL and one role; the list of what went wrong."""
    route = routes()[name]
    client = client_for(world, role)
    problems = []
    if role not in UNOFFERED_ROLES:
        methods = [m for m in methods if m in expect.allow or m == "HEAD"]
    for target in expect.targets:
        for method in methods:
            url = expect.url(name, world, target, method)
            data = expect.data(world, target, method) if expect.data and method in UNSAFE else None
            headers = expect.headers(world, target, method) if expect.headers else None
            want = wanted(expect, method, role, target)
            if want == {"allowed", "refused"} and method not in UNSAFE:
                continue  # HEAD or OPTIONS for a role that may use the URL: any answer will do
            where = f"{method} {url} as {role}" + (f" on {target}'s record" if target else "")
            cookies = copy.deepcopy(client.cookies)
            with transaction.atomic(), writes() as written:
                try:
                    response = send(client, api=route.is_api, method=method, url=url, data=data, headers=headers)
                except Exception as error:  # the test client re-raises what a view raised
                    problems.append(f"{where}: raised {type(error).__name__}: {error}")
                    transaction.set_rollback(True)
                    continue
                got = outcome(response)
                if got not in want:
                    problems.append(f"{where}: expected {' or '.join(sorted(want))}, got {got}: {describe(response)}")
                if method in UNSAFE and want != {"allowed"} and written:
                    problems.append(f"{where}: not allowed, yet wrote to {', '.join(written)}")
                transaction.set_rollback(True)
            # Signing in or out answers with a new cookie; the next request is the role's again.
            client.cookies = cookies
    return problems


# The tests --------------------------------------------------------------------------------------


def merged(names: tuple[str, ...]) -> Expect:
    """One expectation for the URL names that share a path, each naming its own methods."""
    missing = [name for name in names if name not in EXPECTATIONS]
    if missing:
        pytest.fail(
            "\n".join(f"URL {name} has no authorization expectation: add it to EXPECTATIONS in {__name__} or its app's tests/<app>/expect*.py" for name in missing),
            pytrace=False,
        )
    entries = [EXPECTATIONS[name] for name in names]
    if len(entries) == 1:
        return entries[0]
    allow: dict[str, Who] = {}
    for name, entry in zip(names, entries):
        clash = set(allow) & set(entry.allow)
        assert not clash, f"{name} repeats {clash} for a path another name already describes"
        allow.update(entry.allow)

    def owner(method: str) -> Expect | None:
        return next((entry for entry in entries if method in entry.allow), None)

    def data(world, target, method):
        entry = owner(method)
        return entry.data(world, target, method) if entry and entry.data else None

    def headers(world, target, method):
        entry = owner(method)
        return entry.headers(world, target, method) if entry and entry.headers else None

    def query(world, target, method):
        entry = owner(method)
        return entry.query(world, target, method) if entry and entry.query else None

    first_args = next((entry.args for entry in entries if entry.args), None)

    def method_args(method):
        entry = owner(method)
        return entry.args if entry and entry.args else first_args

    return Expect(
        allow=allow,
        args=first_args,
        method_args=method_args,
        targets=tuple(dict.fromkeys(target for entry in entries for target in entry.targets)),
        data=data,
        headers=headers,
        query=query,
    )


GROUPS = route_groups()
GROUP_IDS = ["+".join(names) for names in GROUPS]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("names", GROUPS, ids=GROUP_IDS)
def test_authorization(names, role, world, db):
    problems = exercise(world, names[0], role, merged(names))
    assert not problems, "\n".join(problems)


def unoffered_problems(world, name: str, expect: Expect) -> list[str]:
    unoffered = [method for method in UNSAFE if method not in expect.allow]
    strict = Expect(
        allow={**expect.allow, **dict.fromkeys(unoffered, NOBODY)},
        **{key: getattr(expect, key) for key in ("args", "targets", "data", "headers", "method_args", "query")},
    )
    return exercise(world, name, "admin", strict, methods=unoffered)


@pytest.mark.parametrize("names", GROUPS, ids=GROUP_IDS)
def test_unoffered_methods_are_refused(names, world, db):
    """Even an admin, who may use every URL, is refused a method the URL does not offer: a
    page is a form only where the table says so."""
    problems = unoffered_problems(world, names[0], merged(names))
    assert not problems, "\n".join(problems)


# Single sign-on's URLs exist only when it is configured (citytools/urls.py), so they are
# checked with the site's URLs plus them, as tests/accounts/test_oidc.py mounts them.
OIDC_URLCONF = "tests.accounts.oidc_urls"
OIDC_EXPECTATIONS: dict[str, Expect] = {
    # Anyone may start signing in with the provider: the answer is a redirect to it.
    "oidc_authentication_init": page(),
    # Without the provider's code and state, everyone is sent back to the sign-in page.
    "oidc_authentication_callback": Expect(allow={}),
    "oidc_logout": action(EVERYONE),
}
OIDC_NAMES = sorted(set(routes(OIDC_URLCONF)) - set(routes("citytools.urls")))


@pytest.fixture
def single_sign_on(settings):
    settings.ROOT_URLCONF = OIDC_URLCONF
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "citytools"
    settings.OIDC_RP_CLIENT_SECRET = "not-a-secret"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://login.example.org/{name.lower()}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", OIDC_NAMES)
def test_single_sign_on_authorization(name, role, world, db, single_sign_on):
    if name not in OIDC_EXPECTATIONS:
        pytest.fail(f"URL {name} has no authorization expectation: add it to OIDC_EXPECTATIONS in {__name__}", pytrace=False)
    problems = exercise(world, name, role, OIDC_EXPECTATIONS[name])
    if role == "admin":
        problems += unoffered_problems(world, name, OIDC_EXPECTATIONS[name])
    assert not problems, "\n".join(problems)


def test_every_expectation_names_a_url():
    stale = sorted(set(EXPECTATIONS) - set(route_names()))
    assert not stale, f"EXPECTATIONS lists URLs the resolver does not have: {stale}"
    assert OIDC_NAMES, "single sign-on's URLs should be found in its URL configuration"
    assert not set(OIDC_EXPECTATIONS) - set(OIDC_NAMES)


def test_the_matrix_notices_a_wrong_expectation(world, db):
    """The judge can fail: claiming that the public may read another organisation's
    confidential contract, or that nobody may read the overview, is reported."""
    too_generous = page(EVERYONE, **targeted(contract_pk(), ("stranger_confidential",)))
    problems = exercise(world, "contracts:contract", "public", too_generous)
    assert any("GET" in p and "expected allowed, got refused: 404" in p for p in problems), problems
    too_strict = page(NOBODY)
    problems = exercise(world, "market:overview", "member", too_strict)
    assert "GET / as member: expected refused, got allowed: 200" in problems, problems


def test_the_matrix_notices_a_refused_request_that_writes(world, db):
    """The write witness sees an INSERT, UPDATE or DELETE to a record's table, through the ORM
    or raw SQL, and leaves out only the session and throttle tables."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from citytools.directory.models import Supplier

    with writes() as written:
        SessionStore().create()
        Supplier.objects.filter(pk=world.supplier.pk).update(name="Renamed")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Supplier._meta.db_table)} WHERE 1 = 0")
    assert written == [Supplier._meta.db_table]
