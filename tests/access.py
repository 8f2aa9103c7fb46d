"""What the access tests (authorization matrix, IDOR probes, CSRF) share: one world with
records in several organisations, every URL of the site from the resolver, and a fingerprint
of every table so that a refused request can be shown to have changed nothing.

The world extends tests.people.people(): each of `own`, `peer` and `stranger` gets a public
system and contract, a confidential system and contract, a pending invitation and a member
whose role can be revoked; `extra` holds what each app's part of the world adds
(tests/<app>/access.py: Invitations to Partner, ratings and pain points, an initiative,
campaigns, catalogue proposals, public notices' suggestions, a buyer name and imports, network
surveys).
Targets name whose records a request is aimed at: "own", "peer", "stranger", with
"_confidential" for the confidential record.
"""

import contextlib
import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from citytools.contracts.services import create_contract, update_contract
from citytools.inventory.services import create_system, update_system
from tests.expect import is_confidential, organisation_of
from tests.factories import (
    ProductFactory,
    RoleFactory,
    ServiceAreaFactory,
    SupplierFactory,
    UserFactory,
)
from tests.freshness.access import build_campaigns
from tests.inventory.catalogue_access import build_catalogue_proposals
from tests.notices.access import build_notices
from tests.opportunities.access import build_initiative
from tests.partnering.access import build_challenges
from tests.people import ROLES, People, people
from tests.registers.access import build_surveys
from tests.satisfaction.access import build_satisfaction

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
ORGANISATIONS = ("own", "peer", "stranger")

# The API's own documentation: the interactive page and the schema describe every
# operation and carry no data of anyone's; tests/test_api_schema.py checks them.
EXCLUDED = {"api:openapi-view", "api:openapi-json"}

# Tables left out of the fingerprint because every request may touch them without changing
# any record: the session (saved now and then to slide its idle timeout) and the login
# throttle's log.
UNFINGERPRINTED_APPS = {"sessions", "axes", "admin", "contenttypes", "auth"}


# The site's URLs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # the full pattern, for messages
    callback: object

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def routes(urlconf: str | None = None) -> dict[str, Route]:
    """Every named URL of the site (or of `urlconf`), the JSON API's included, except EXCLUDED."""
    return _routes(urlconf or settings.ROOT_URLCONF)


@functools.cache
def _routes(urlconf: str) -> dict[str, Route]:
    found: dict[str, Route] = {}

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                if entry.name is None:
                    raise AssertionError(f"URL pattern {prefix}{entry.pattern} has no name, so no test can find it")
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                if name not in EXCLUDED:
                    found.setdefault(name, Route(name, "/" + prefix + str(entry.pattern), entry.callback))

    walk(get_resolver(urlconf).url_patterns, None, "")
    return found


def route_names() -> list[str]:
    return sorted(routes())


def route_groups() -> list[tuple[str, ...]]:
    """URL names grouped by the path they share. django-ninja names each operation, so one
    API path (GET, PUT, PATCH and DELETE of a record) has one name per method."""
    groups: dict[str, list[str]] = {}
    for name, route in sorted(routes().items()):
        groups.setdefault(route.pattern, []).append(name)
    return [tuple(names) for names in groups.values()]


def login_path() -> str:
    try:
        return reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        return "/accounts/login/"


# The world -----------------------------------------------------------------------------------


@dataclass
class Records:
    """One organisation's records in the world."""

    system: object
    contract: object
    confidential_system: object
    confidential_contract: object
    invitation: object
    invitation_token: str
    member_role: object  # a role held by someone else, which a manager may revoke


@dataclass
class World:
    people: People
    records: dict[str, Records]
    product: object
    service_area: object
    supplier: object
    extra: dict = field(default_factory=dict)

    def organisation(self, target: str):
        return getattr(self.people, organisation_of(target))

    def network(self, target: str):
        return self.people.south if organisation_of(target) == "stranger" else self.people.north

    def of(self, target: str) -> Records:
        return self.records[organisation_of(target)]

    def system(self, target: str):
        records = self.of(target)
        return records.confidential_system if is_confidential(target) else records.system

    def contract(self, target: str):
        records = self.of(target)
        return records.confidential_contract if is_confidential(target) else records.contract

    def user(self, role: str):
        return self.people.user(role)

    def challenge(self, target: str):
        """A challenge of tests/partnering/access.py by its target name."""
        return self.extra["challenges"][target]


def _invitation(organisation, inviter):
    from citytools.accounts.invitations import hash_token, new_token
    from citytools.accounts.models import Invitation

    token = new_token()
    invitation = Invitation.objects.create(
        email=f"invited-to-{organisation.slug}@example.org",
        kind="member",
        organisation=organisation,
        invited_by=inviter,
        token_hash=hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    return invitation, token


def build_world() -> World:
    cast = people()
    area = ServiceAreaFactory(slug="waste", name="Waste")
    maker = SupplierFactory(slug="maker", name="Maker Software")
    product = ProductFactory(slug="binsight", name="Binsight", manufacturer=maker)
    editors = {"own": cast.user("editor"), "peer": None, "stranger": cast.user("other_editor")}
    records = {}
    admin = cast.user("admin")
    for name in ORGANISATIONS:
        organisation = getattr(cast, name)
        # Made and then changed once through the services, as an editor would, so each record
        # has a complete history with an earlier version to restore.
        system, secret_system = (
            create_system(
                organisation=organisation, product=product, service_areas=[area], hosting="saas",
                notes=f"{label}notes of {name}", confidential=bool(label), actor=admin,
            )
            for label in ("", "confidential ")
        )
        contract, secret_contract = (
            create_contract(
                organisation=organisation, supplier=maker, systems=[record], title=f"{label}Waste at {name}",
                annual_value=Decimal("100000"), total_value=Decimal("300000"), currency="GBP",
                start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2027, 3, 31),
                confidential=bool(label), actor=admin,
            )
            for label, record in (("", system), ("Confidential ", secret_system))
        )
        for record in (system, secret_system):
            update_system(record, version=record.version, changes={"notes": f"{record.notes}, revised"}, actor=admin)
        for record in (contract, secret_contract):
            update_contract(record, version=record.version, changes={"title": f"{record.title}, revised"}, actor=admin)
        for record in (system, secret_system, contract, secret_contract):
            record.refresh_from_db()
        invitation, token = _invitation(organisation, editors[name])
        colleague = UserFactory(email=f"colleague-at-{name}@example.org")
        role = RoleFactory(user=colleague, kind="member", organisation=organisation)
        records[name] = Records(system, contract, secret_system, secret_contract, invitation, token, role)
    return World(
        people=cast, records=records, product=product, service_area=area, supplier=maker,
        extra={
            "challenges": build_challenges(cast), **build_satisfaction(cast, records, maker),
            "initiative": build_initiative(cast, records, area), **build_campaigns(cast),
            **build_catalogue_proposals(cast), **build_notices(cast), **build_surveys(cast),
        },
    )


# Fingerprints ------------------------------------------------------------------------------


def _fingerprinted_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in UNFINGERPRINTED_APPS and not model._meta.proxy
    ]


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table a request could change, table by table."""
    digests = {}
    with connection.cursor() as cursor:
        for model in _fingerprinted_models():
            table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            digests[model._meta.db_table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


# Writes ---------------------------------------------------------------------------------------
# A cheaper and stricter witness than two fingerprints, for the thousands of refused requests
# of the authorization matrix: every INSERT, UPDATE or DELETE sent to a fingerprinted table is
# recorded as it is sent, so a refused request must not even try to write (a write it later
# rolled back is reported too).

WRITE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)


@functools.cache
def _watched_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in _fingerprinted_models())


@contextlib.contextmanager
def writes():
    """Yields a list that fills with the fingerprinted tables written to inside the block."""
    written: list[str] = []
    watched = _watched_tables()

    def record(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) in watched and match.group(1) not in written:
            written.append(match.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield written


__all__ = ["METHODS", "ROLES", "UNSAFE", "World", "build_world", "changed_tables", "fingerprint", "routes", "writes"]
