"""One person for every role, in a small world of two networks, for access tests.

`people()` builds: network "north" with organisations `own` and `peer`; network "south"
with `stranger`; a supplier `vendor_company`; and a user per role:

    public      no user at all (None)
    vendor      vendor user of `vendor_company`
    member      member of `own`
    editor      editor of `own`
    peer_member member of `peer` (same network as `own`)
    other_editor editor of `stranger` (another network)
    coordinator coordinator of "north"
    other_coordinator coordinator of "south"
    admin       platform admin
"""

from dataclasses import dataclass

from tests.factories import (
    NetworkFactory,
    OrganisationFactory,
    RoleFactory,
    SupplierFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"


@dataclass
class People:
    north: object
    south: object
    own: object
    peer: object
    stranger: object
    vendor_company: object
    users: dict  # role name -> User or None

    def user(self, role):
        return self.users[role]


ROLES = [
    "public",
    "vendor",
    "member",
    "editor",
    "peer_member",
    "other_editor",
    "coordinator",
    "other_coordinator",
    "admin",
]


def people() -> People:
    north = NetworkFactory(slug="north", name="North network")
    south = NetworkFactory(slug="south", name="South network")
    own = OrganisationFactory(slug="own", short_name="Own", networks=[north])
    peer = OrganisationFactory(slug="peer", short_name="Peer", networks=[north])
    stranger = OrganisationFactory(slug="stranger", short_name="Stranger", networks=[south])
    vendor_company = SupplierFactory(slug="vendor-company", name="Vendor Company")
    users = {"public": None}
    specs = {
        "vendor": {"kind": "vendor", "supplier": vendor_company},
        "member": {"kind": "member", "organisation": own},
        "editor": {"kind": "editor", "organisation": own},
        "peer_member": {"kind": "member", "organisation": peer},
        "other_editor": {"kind": "editor", "organisation": stranger},
        "coordinator": {"kind": "coordinator", "network": north},
        "other_coordinator": {"kind": "coordinator", "network": south},
        "admin": {"kind": "admin"},
    }
    for name, spec in specs.items():
        user = UserFactory(email=f"{name}@example.org", full_name=name.replace("_", " ").title())
        RoleFactory(user=user, **spec)
        users[name] = user
    return People(north, south, own, peer, stranger, vendor_company, users)
