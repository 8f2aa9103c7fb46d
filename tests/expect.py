"""The language of the authorization matrix (tests/test_authorization.py): who may (`Who` and
the predicates built from it), what one URL expects (`Expect`, made with `page`, `action` and
`api`) and how its parameters are filled for a target (`targeted`, `fixed` …).

The matrix's own table and each app's (tests/<app>/expect*.py, each a plain EXPECTATIONS
dict) are written in it. A target names whose record a request is aimed at: "own", "peer",
"stranger", with "_confidential" for the confidential record, or None for a URL about no
one record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from citytools.accounts.rules import DEFAULTS

if TYPE_CHECKING:  # only for annotations: tests.access builds the world from these helpers' modules
    from tests.access import World


def organisation_of(target: str) -> str:
    return target.removesuffix("_confidential")


def is_confidential(target: str) -> bool:
    return target.endswith("_confidential")


# Who may ------------------------------------------------------------------------------------
# Each is a predicate of (role, target). A target names whose record the request is aimed at
# ("own", "peer", "stranger", "…_confidential"), or is None for a URL about no one record.

# The organisations each role works in, as staff (member or editor), as editor, and as a
# coordinator of their network (tests/people.py: "north" holds own and peer, "south" stranger).
STAFF = {"member": {"own"}, "editor": {"own"}, "peer_member": {"peer"}, "other_editor": {"stranger"}}
EDITS = {"editor": {"own"}, "other_editor": {"stranger"}}
COORDINATES = {"coordinator": {"own", "peer"}, "other_coordinator": {"stranger"}}


@dataclass(frozen=True)
class Who:
    label: str
    test: Callable[[str, str | None], bool]

    def __call__(self, role: str, target: str | None) -> bool:
        return self.test(role, target)

    def __or__(self, other: "Who") -> "Who":
        return Who(f"{self.label} or {other.label}", lambda r, t: self(r, t) or other(r, t))


def _in(table: dict[str, set[str]]):
    return lambda role, target: role == "admin" or (
        target is not None and organisation_of(target) in table.get(role, set())
    )


EVERYONE = Who("everyone", lambda role, target: True)
NOBODY = Who("nobody", lambda role, target: False)
SIGNED_IN = Who("anyone signed in", lambda role, target: role != "public")
EDITOR = Who("the target organisation's editors and admins", _in(EDITS))
STAFF_OF = Who("the target organisation's staff and admins", _in(STAFF))
COORDINATOR = Who("coordinators of the target's network and admins", _in(COORDINATES))
# citytools.accounts.rules.can_restore and citytools.accounts.invitations.may_manage.
EDITOR_OR_COORDINATOR = EDITOR | COORDINATOR
# A confidential record is seen by its organisation's staff, its networks' coordinators and
# admins; any other record by everyone.
SEES = Who(
    "everyone, or for a confidential record its staff, coordinators and admins",
    lambda role, target: not is_confidential(target) or STAFF_OF(role, target) or COORDINATOR(role, target),
)


# What each URL expects ----------------------------------------------------------------------

ORGANISATIONS = ("own", "stranger")
# Every kind of information at its default level: a valid answer to a visibility form.
DEFAULT_POLICY = {kind.value: level.value for kind, level in DEFAULTS.items()}
WITH_CONFIDENTIAL = ("own", "stranger", "own_confidential", "stranger_confidential")

Args = Callable[["World", str | None], dict]


class Multipart(dict):
    """A body sent as multipart/form-data, as a browser sends a form with a file (an upload),
    rather than as a form's fields or as JSON: `data` returns one for a door that takes a file."""


@dataclass(frozen=True)
class Expect:
    """Who may use each method of one URL. A method not named is not offered (the matrix
    checks that it is refused: see tests/test_authorization.py)."""

    allow: dict[str, Who]
    args: Args | None = None  # fills the URL's parameters for a target
    targets: tuple = (None,)
    data: Callable[["World", str | None, str], dict] | None = None  # (world, target, method) → body
    headers: Callable[["World", str | None, str], dict] | None = None
    # For names that share a path (tests.test_authorization.merged): the parameters each method's own name fills,
    # when they aim at different records (a campaign's GET at a running one, its PUT at a draft).
    method_args: Callable[[str], Args | None] | None = None
    # (world, target, method) → the query string's parameters, for a door that names its record
    # there rather than in the path (a DELETE, which has no body).
    query: Callable[["World", str | None, str], dict] | None = None

    def url(self, name: str, world: "World", target: str | None, method: str) -> str:
        args = self.method_args(method) if self.method_args else self.args
        url = reverse(name, kwargs=args(world, target) if args else None)
        query = self.query(world, target, method) if self.query else None
        return f"{url}?{urlencode(query)}" if query else url

    def may(self, method: str, role: str, target: str | None) -> bool:
        who = self.allow.get(method)
        return bool(who and who(role, target))

    def may_use(self, role: str, target: str | None) -> bool:
        return any(who(role, target) for who in self.allow.values())


def page(read: Who | None = EVERYONE, *, write: Who | None = None, methods=("POST",), **options) -> Expect:
    """An HTML page: GET for `read`; `methods` (POST by default) for `write`."""
    allow = {"GET": read} if read is not None else {}
    if write is not None:
        allow.update(dict.fromkeys(methods, write))
    return Expect(allow=allow, **options)


def action(who: Who, *, methods=("POST",), **options) -> Expect:
    """A page that only acts (a form's target): `methods` for `who`, nothing to GET."""
    return Expect(allow=dict.fromkeys(methods, who), **options)


def api(get: Who | None = EVERYONE, **methods: Who) -> Callable[..., Expect]:
    """An API path: GET for `get`, and e.g. put=EDITOR for other methods.

    django-ninja answers only the methods a path declares (HEAD and OPTIONS are 405)."""
    allow = {"GET": get} if get is not None else {}
    allow.update({method.upper(): who for method, who in methods.items()})

    def build(**options) -> Expect:
        return Expect(allow=allow, **options)

    return build


def targeted(fill: Callable[["World", str], dict], targets=ORGANISATIONS) -> dict:
    return {"args": fill, "targets": targets}


def fixed(fill: Callable[["World"], dict]) -> dict:
    return {"args": lambda world, target: fill(world)}


def organisation_slug(world, target):
    return {"slug": world.organisation(target).slug}


def network_slug(world, target):
    return {"slug": world.network(target).slug}


def contract_pk(name="pk"):
    return lambda world, target: {name: world.contract(target).pk}


def system_pk(name="pk"):
    return lambda world, target: {name: world.system(target).pk}
