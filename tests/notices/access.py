"""Public notices in the access tests' world, and who is what to them.

`build_notices` has an admin import, through citytools.notices.services as `citytools
import_ocds` would, one awarded IT contract for each organisation (own, peer, stranger),
named by its buyer name, so each has a new-contract suggestion waiting for review, and one
buyer name that looks like a council's and is none on the map; then has an admin start an
import from the web for each network (north, south), which stays queued (nothing runs the
worker here). Suggestions are reviewed by the organisation's editors, its networks'
coordinators and admins; buyer names by any coordinator and admins; a network's imports and
trusted sources by its coordinators and admins.
"""

from citytools.notices import services
from citytools.notices.models import Buyer, Suggestion
from tests.expect import organisation_of
from tests.factories import ServiceAreaFactory, ServiceAreaGroupFactory
from tests.notices.ocds import CONTRACTS_FINDER, imported, package_bytes, release

ORGANISATIONS = ("own", "peer", "stranger")
UNKNOWN_BUYER = "Borough Council of Nowhere"


def ocid(name: str) -> str:
    return f"{CONTRACTS_FINDER}-access-{name}"


def build_notices(cast) -> dict:
    admin = cast.user("admin")
    ServiceAreaFactory(slug="parking-enforcement", name="Parking enforcement", parent=ServiceAreaGroupFactory(slug="transport", name="Transport"))
    releases = [release(ocid=ocid(name), buyer=getattr(cast, name).name, title=f"Parking permit system of {name}") for name in ORGANISATIONS]
    imported(*releases, release(ocid=ocid("nowhere"), buyer=UNKNOWN_BUYER), actor=admin)
    suggestions = {name: Suggestion.objects.get(notice__ocid=ocid(name)) for name in ORGANISATIONS}
    content = package_bytes(release(ocid=ocid("uploaded"), buyer=cast.own.name))
    imports = {
        network.slug: services.start_import(network, actor=admin, filename="notices.json", content=content)
        for network in (cast.north, cast.south)
    }
    return {"suggestions": suggestions, "buyer": Buyer.objects.get(name=UNKNOWN_BUYER), "notice_imports": imports}


def suggestion(world, target) -> Suggestion:
    return world.extra["suggestions"][organisation_of(target)]


def notice_import(world, target):
    return world.extra["notice_imports"][world.network(target).slug]


def links(role, target) -> bool:
    """Buyer names: any network's coordinator, and admins."""
    return role in {"coordinator", "other_coordinator", "admin"}


def accept_form(world, target, method) -> dict:
    """A valid answer to the accept form of the target's suggestion: its contract as the
    notice offers it, with the notice's company added to the catalogue."""
    facts = suggestion(world, target).facts
    return {
        "supplier": "new", "title": facts["title"], "total_value": facts["total_value"], "currency": facts["currency"],
        "start_date": facts["start_date"], "end_date": facts["end_date"], "route": facts["route"],
    }
