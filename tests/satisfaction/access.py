"""Ratings and shared pain points in the access tests' world, and who is what to each of them.

`build_satisfaction(cast, records, maker)` adds to tests.access.build_world:

    ratings      every system of the world (own's, peer's and stranger's, public and
                 confidential) has a current rating, so that there is one to read and change
    pain points  by the organisation that raised them:
                 "own"      raised by own about Vendor Company, and shared by peer ("we have
                            this too", with a note): two organisations, so a joint Invitation
                            to Partner can start from it
                 "peer"     raised by peer about Vendor Company; nobody shares it
                 "stranger" raised by stranger (network "south") about Maker Software's product
    systems      each organisation also runs Vendor Company's Civic Desk, as only
                 organisations that use what a pain point is about raise it or say "we
                 have this too"

The predicates below take (role, target) like those of tests/test_authorization.py; wrap
them in its Who. For ratings a target names a system as tests.access does ("own",
"stranger_confidential" …); for pain points it names one of the pain points above, except
for saying "we have this too", where it names the organisation that says so (SHARES).
"""

from citytools.accounts.viewer import Viewer
from citytools.satisfaction import services
from citytools.satisfaction.models import Rating
from tests.expect import is_confidential, organisation_of
from tests.factories import ProductFactory, SystemFactory

NORTH = frozenset({"own", "peer"})
SOUTH = frozenset({"stranger"})
# The organisation each role is staff of (member or editor), edits, or coordinates the network of.
STAFF = {"member": "own", "editor": "own", "peer_member": "peer", "other_editor": "stranger"}
EDITS = {"editor": "own", "other_editor": "stranger"}
COORDINATES = {"coordinator": NORTH, "other_coordinator": SOUTH}


def _network(organisation: str) -> frozenset[str]:
    return NORTH if organisation in NORTH else SOUTH


def _coordinates(role: str, organisations) -> bool:
    return bool(COORDINATES.get(role, frozenset()) & set(organisations))


def in_network(role: str, organisation: str) -> bool:
    """Staff of an organisation in the same network, or a coordinator of that network."""
    if role in STAFF:
        return STAFF[role] in _network(organisation)
    return _coordinates(role, {organisation})


# Ratings -------------------------------------------------------------------------------------


def reads_ratings(role, target) -> bool:
    """One organisation's ratings: members of its networks and their coordinators, admins
    (citytools.satisfaction.rules.sees_individual_ratings), of systems they may see."""
    organisation = organisation_of(target)
    if role == "admin":
        return True
    if is_confidential(target):
        return STAFF.get(role) == organisation or _coordinates(role, {organisation})
    return in_network(role, organisation)


def rates(role, target) -> bool:
    """The organisation's own staff (members and editors) and admins."""
    return role == "admin" or STAFF.get(role) == organisation_of(target)


def rating(world, target) -> Rating:
    return Rating.objects.get(system=world.system(target))


# Pain points ---------------------------------------------------------------------------------

# Raised by, affected organisations, and the supplier it is about ("vendor": Vendor Company).
POINTS = {
    "own": ("own", {"own", "peer"}, "vendor"),
    "peer": ("peer", {"peer"}, "vendor"),
    "stranger": ("stranger", {"stranger"}, "maker"),
}
# Saying "we have this too": the target is the organisation that says so, and this is the
# pain point it says it of (one its staff may read and that it does not have yet, where there
# is one; stranger's staff may read none of north's, so only an admin may speak for it).
SHARES = {"own": "peer", "peer": "own", "stranger": "own"}


def pain_point(world, target):
    return world.extra["pain_points"][target]


def reads_point(role, target) -> bool:
    """Members of the raiser's networks and their coordinators, the supplier's vendor users,
    admins (citytools.accounts.viewer.Viewer.pain_points_q)."""
    raiser, _, supplier = POINTS[target]
    return role == "admin" or in_network(role, raiser) or (role == "vendor" and supplier == "vendor")


def moves_point(role, target) -> bool:
    """Staff of an affected organisation, their networks' coordinators, admins."""
    _, affected, _ = POINTS[target]
    return role == "admin" or STAFF.get(role) in affected or _coordinates(role, affected)


def replies_to_point(role, target) -> bool:
    """Vendor users of the supplier it is about, and nobody else (not even an admin)."""
    return role == "vendor" and POINTS[target][2] == "vendor"


def starts_joint_itp(role, target) -> bool:
    """With at least two organisations: editors and coordinators who may open a challenge for
    one of them (citytools.partnering.services.authoring.may_create_for), admins."""
    _, affected, _ = POINTS[target]
    if len(affected) < 2 or not reads_point(role, target):
        return False
    return role == "admin" or EDITS.get(role) in affected or _coordinates(role, affected)


def shares_point(role, target) -> bool:
    """Staff of the organisation `target` (or an admin) who may read SHARES[target]'s pain
    point, when that organisation does not have it yet."""
    point = SHARES[target]
    _, affected, _ = POINTS[point]
    speaks = role == "admin" or STAFF.get(role) == target
    return speaks and target not in affected and reads_point(role, point)


def raises_for(role, target) -> bool:
    """Raising a pain point for the organisation `target`: its staff and admins."""
    return role == "admin" or STAFF.get(role) == organisation_of(target)


def speaks_for_someone(role, target) -> bool:
    """The new pain point form: anyone who is staff of some organisation, and admins."""
    return role == "admin" or role in STAFF


# The world -----------------------------------------------------------------------------------


def build_satisfaction(cast, records, maker) -> dict:
    """Ratings of every system and the pain points above, made through the services."""
    admin = cast.user("admin")
    as_admin = Viewer.for_user(admin)
    for name, record in records.items():
        for system in (record.system, record.confidential_system):
            services.rate_system(
                system, actor=admin, viewer=as_admin, overall=3, dimensions={"support": 2},
                comment=f"Rated for {name} in the access world.",
            )

    civic_desk = ProductFactory(slug="civic-desk", name="Civic Desk", manufacturer=cast.vendor_company)
    for organisation in (cast.own, cast.peer, cast.stranger):
        SystemFactory(organisation=organisation, product=civic_desk)

    def raised(role, **fields):
        user = cast.user(role)
        return services.raise_pain_point(
            actor=user, viewer=Viewer.for_user(user), description="It fails at month end.", severity=3, **fields
        )

    points = {
        "own": raised("member", supplier=cast.vendor_company, title="Month-end outages", tags=["outages"]),
        "peer": raised("peer_member", supplier=cast.vendor_company, title="Upgrades cost extra"),
        "stranger": raised("other_editor", supplier=maker, product="binsight", title="No data export"),
    }
    peer_member = cast.user("peer_member")
    services.share_pain_point(
        points["own"], actor=peer_member, viewer=Viewer.for_user(peer_member), note="We lose a day each month."
    )
    return {"pain_points": points}
