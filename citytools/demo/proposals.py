"""The demo's catalogue proposals: the demo editor's borough (Camden) proposed a supplier and
its product that the catalogue lacks, both waiting in the London coordinator's review queue,
and a supplier the coordinator rejected as already listed. Every name is invented; each
proposal is made once (found by its note, which ends with the demo marker), through the
services, so a rerun changes nothing."""

from citytools.accounts.models import User
from citytools.demo import catalogue as cat
from citytools.demo.people import DEMO_ORGANISATION_GSS, DOMAIN
from citytools.directory.models import Organisation
from citytools.inventory import catalogue_services
from citytools.inventory.models import CatalogueProposal

SUPPLIER = "Kerbside Permit Systems Ltd"
PRODUCT = "Kerbside Permit Desk"
REJECTED = "Kerbside Permits Limited (UK)"


def build_proposals() -> int:
    """Make the demo's proposals if they are not there; returns how many were made."""
    if CatalogueProposal.objects.filter(note__endswith=cat.DEMO_MARKER).exists():
        return 0
    camden = Organisation.objects.filter(identifier=DEMO_ORGANISATION_GSS).first()
    editor = User.objects.filter(email=f"editor@{DOMAIN}").first()
    coordinator = User.objects.filter(email=f"coordinator@{DOMAIN}").first()
    if camden is None or editor is None or coordinator is None:
        return 0
    supplier = catalogue_services.propose(
        organisation=camden, kind="supplier", name=SUPPLIER, actor=editor,
        note=f"Runs our resident parking permits since the spring. {cat.DEMO_MARKER}",
    )
    catalogue_services.propose(
        organisation=camden, kind="product", name=PRODUCT, manufacturer=supplier.supplier, actor=editor,
        note=f"The permit back office of {SUPPLIER}. {cat.DEMO_MARKER}",
    )
    rejected = catalogue_services.propose(
        organisation=camden, kind="supplier", name=REJECTED, actor=editor,
        note=f"The name on our latest invoice. {cat.DEMO_MARKER}",
    )
    catalogue_services.reject(
        rejected, actor=coordinator,
        reason=f"The same company as {SUPPLIER}, already proposed: choose that one and this proposal can go.",
    )
    return 3
