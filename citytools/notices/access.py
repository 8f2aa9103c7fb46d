"""Who may do what with public notices, asked alike by the reads (citytools.notices.queries)
and the writes (citytools.notices.services): review an organisation's suggestions, decide on
buyer names, edit how notices suggest service areas, import for a network, see where the
harvests of the publishers' APIs stand. The rules
themselves are the accounts app's (citytools.accounts.rules, through the Viewer)."""

from citytools.accounts.viewer import Viewer
from citytools.directory.models import Network


def may_review(viewer: Viewer, organisation_id: int) -> bool:
    """The review queue is the organisation's editors' and its networks' coordinators'."""
    return viewer.can_restore(organisation_id)


def may_link(viewer: Viewer) -> bool:
    """Buyer names nobody recognised: every network coordinator, and admins."""
    return viewer.is_admin or bool(viewer.grants.coordinator_networks)


def may_edit_hints(viewer: Viewer) -> bool:
    """How notices suggest a service area (one mapping for the whole site): every network
    coordinator, and admins. Reading it is theirs too. The mapping holds nothing members-only
    (it ships with the project, and each suggestion shows its reason to those who review it),
    but it is a tool for those who tune it rather than something the public or an
    organisation's staff act on, and one rule for reading and editing keeps the page and the
    API alike."""
    return viewer.is_admin or bool(viewer.grants.coordinator_networks)


def may_import(viewer: Viewer, network: Network) -> bool:
    """A network's imports and trusted sources: its coordinators, and admins."""
    return viewer.can_coordinate(network.pk)


def may_see_harvests(viewer: Viewer) -> bool:
    """Where each publisher's harvest stands (one for the whole site, not one a network): every
    network coordinator, who may start one for their network, and admins."""
    return viewer.is_admin or bool(viewer.grants.coordinator_networks)
