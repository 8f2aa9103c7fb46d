"""Authorization expectations for the Invitation to Partner: proposals.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.

In the access world (tests/partnering/access.py) the vendor user has a proposal from
publication on: a draft while the challenge is "open", submitted and eligible from
"evaluation" on. Proposals are sealed before the close, so on "open" only the vendor reads
theirs; from "evaluation" on the owners, the steward and the declared evaluator do too.
The world has no challenge with submissions closed and not yet in evaluation, the one
state in which proposals are screened, so screening is refused to everyone here (its
success is tested in tests/partnering/test_proposals_*.py).
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.expect import NOBODY, Expect, Who, action, api, page, targeted
from tests.partnering import access as p

WITH_PROPOSALS = ("open", "evaluation", "selection", "partnered")
UNSEALED = ("evaluation", "selection", "partnered")
LOCKED = ("selection", "partnered")
PDF = b"%PDF-1.4\n%%EOF\n"


def _vendor_supplier(world):
    from citytools.directory.models import Supplier

    return Supplier.objects.get(slug="vendor-company")


def proposal_of(world, target):
    from citytools.partnering.models import Proposal

    return Proposal.objects.get(challenge=world.challenge(target), supplier=_vendor_supplier(world))


def attachment_of(world, target):
    """The vendor's proposal's one attachment, stored for real so that it can be downloaded."""
    from citytools.partnering.models import Attachment

    proposal = proposal_of(world, target)
    attachment = proposal.attachments.first()
    if attachment is None:
        attachment = Attachment(
            proposal=proposal, name="plan.pdf", content_type="application/pdf", size=len(PDF),
            sha256="0" * 64, uploaded_at=timezone.now(),
        )
        attachment.file.save(f"matrix-{proposal.pk}.pdf", ContentFile(PDF), save=False)
        attachment.save()
    return attachment


def slug(world, target):
    return {"slug": world.challenge(target).slug}


def reader(role, target) -> bool:
    """Reads the vendor's proposal: the vendor always; the panel once unsealed."""
    return role == "vendor" or (target in UNSEALED and (p.owner(role, target) or p.steward(role, target) or p.evaluator(role, target)))


def form(world, target):
    return {
        "scale": "small", "summary": "Changed in the authorization matrix.", "approach": "Weekly sessions.",
        "team": "Two designers.", "plan": "", "price": "45000", "version": "",
    }


vendor_open = Who("the vendor, while submissions are open", lambda r, t: r == "vendor" and t == "open")
vendor_submitted = Who("the vendor, once submitted", lambda r, t: r == "vendor" and t in UNSEALED)
readers = Who("the vendor, and once unsealed the owners, steward and declared evaluator", reader)
panel = Who("the challenge's panel", p.panel)
on_challenges = targeted(slug, p.ALL)
with_proposal = targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": proposal_of(w, t).pk}, WITH_PROPOSALS)
with_attachment = targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": attachment_of(w, t).pk}, WITH_PROPOSALS)

def screening(world, target, method):
    challenge = world.challenge(target)
    return {f"criterion_{c.pk}": "pass" for c in challenge.eligibility_criteria.all()}

def eligibility_body(world, target, method):
    challenge = world.challenge(target)
    return {"decisions": [{"criterion_id": c.pk, "passed": True} for c in challenge.eligibility_criteria.all()]}

api_proposal = targeted(lambda w, t: {"slug": w.challenge(t).slug, "proposal_id": proposal_of(w, t).pk}, WITH_PROPOSALS)
api_attachment = targeted(
    lambda w, t: {"slug": w.challenge(t).slug, "attachment_id": attachment_of(w, t).pk}, WITH_PROPOSALS
)
# Attaching through the API is a multipart upload, which the matrix does not send: on
# "open", where the vendor may attach, its JSON request would be a 400 (no file), so the
# matrix checks the refusals on the other challenges (tests/partnering/test_proposals_api.py
# checks the upload itself). Likewise re-confirming, which needs a material addendum.
not_open = targeted(slug, tuple(t for t in p.ALL if t != "open"))

EXPECTATIONS: dict[str, Expect] = {
    # The applicant's pages: a vendor user, on a published challenge.
    "partnering:my_proposal": page(
        Who("vendor users, on a published challenge", lambda r, t: r == "vendor" and t in p.PUBLISHED),
        write=vendor_open, **on_challenges, data=lambda w, t, m: form(w, t),
    ),
    "partnering:proposal_submit": action(vendor_open, **on_challenges),
    "partnering:proposal_withdraw": action(vendor_open, **on_challenges),
    # Nothing to re-confirm on "open": the page says so and comes back (303).
    "partnering:proposal_reconfirm": action(vendor_open, **on_challenges),
    # Without a file the page comes back with "Choose a file to attach" (303).
    "partnering:attachment_add": action(vendor_open, **on_challenges),
    "partnering:attachment_remove": action(vendor_open, **with_attachment),
    "partnering:proposal_receipt": page(vendor_submitted, **on_challenges),
    "partnering:proposal_receipt_download": page(vendor_submitted, **on_challenges),
    # The panel's pages: the count for the panel, proposals only once unsealed.
    "partnering:proposals": page(panel, **on_challenges),
    "partnering:proposal_detail": page(readers, **with_proposal),
    # No challenge of the world is in "submissions closed", where screening happens: after
    # it the owners and the steward read the decisions, and nobody changes them.
    "partnering:proposal_screen": page(
        Who("owners and steward, once unsealed", lambda r, t: t in UNSEALED and (p.owner(r, t) or p.steward(r, t))),
        write=NOBODY, **with_proposal, data=screening,
    ),
    "partnering:attachment_download": page(readers, **with_attachment),
    # The API: the same rules.
    "api:challenge_my_proposal": api(
        Who("the vendor, once they have a proposal", lambda r, t: r == "vendor" and t in WITH_PROPOSALS)
    )(**on_challenges),
    "api:challenge_my_proposal_save": api(None, put=vendor_open)(
        **on_challenges, data=lambda w, t, m: {k: v for k, v in form(w, t).items() if k != "version"}
    ),
    "api:challenge_proposal_submit": api(None, post=vendor_open)(**on_challenges),
    "api:challenge_proposal_withdraw": api(None, post=vendor_open)(**on_challenges),
    "api:challenge_proposal_reconfirm": api(None, post=NOBODY)(**not_open),
    "api:challenge_proposal_receipt": api(vendor_submitted)(**on_challenges),
    "api:challenge_attachment_add": api(None, post=NOBODY)(**not_open),
    "api:challenge_attachment_remove": api(None, delete=vendor_open)(**api_attachment),
    "api:challenge_proposals": api(panel)(**on_challenges),
    "api:challenge_proposal": api(readers)(**api_proposal),
    "api:challenge_proposal_eligibility": api(None, put=NOBODY)(**api_proposal, data=eligibility_body),
}
