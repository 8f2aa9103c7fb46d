"""Who may run a network's campaigns and read an organisation's data quality. Questions put
to a Viewer only, so the reads (queries) and the writes (services) ask the same ones."""

from citytools.accounts.rules import Grants, Kind
from citytools.accounts.viewer import Viewer
from citytools.core.errors import Forbidden


def everything() -> Viewer:
    """A Viewer that sees every record: for counts that go only to the records' own editors
    (reminders) or to those who run a campaign, never to a page as such."""
    return Viewer(Grants(is_admin=True))


# Who may ------------------------------------------------------------------------------


def may_run(viewer, network_id: int) -> bool:
    """Run a network's campaigns and see its data quality: its coordinators and admins."""
    return viewer.is_admin or viewer.can_coordinate(network_id)


def require_run(viewer, network_id: int) -> None:
    if not may_run(viewer, network_id):
        raise Forbidden("Only the network's coordinators can see its data quality and run its campaigns.")


def may_read_quality(viewer, organisation_id: int) -> bool:
    """See an organisation's data quality, record by record: those who may see all its
    records (its staff, its networks' coordinators, admins)."""
    return viewer.can_see(Kind.USAGE, organisation_id, confidential=True)


def require_read_quality(viewer, organisation_id: int) -> None:
    if not may_read_quality(viewer, organisation_id):
        raise Forbidden("Only the organisation's staff and its networks' coordinators can see its data quality.")
