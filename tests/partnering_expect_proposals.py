"""Authorization expectations for the Invitation to Partner: proposals.

`build(h)` gets tests/test_authorization.py as `h` (its Who, page, action, api, fixed,
targeted …) and returns entries for its EXPECTATIONS, keyed by URL name.

In the access world (tests/partnering_access.py) the vendor user has a proposal from
publication on: a draft while the challenge is "open", submitted and eligible from
"evaluation" on. Proposals are sealed before the close, so on "open" only the vendor reads
theirs; from "evaluation" on the owners, the steward and the declared evaluator do too.
The world has no challenge with submissions closed and not yet in evaluation, the one
state in which proposals are screened, so screening is refused to everyone here (its
success is tested in tests/partnering/test_proposals_*.py).
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from tests import partnering_access as p

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


def build(h) -> dict:
    Who = h.Who
    vendor_open = Who("the vendor, while submissions are open", lambda r, t: r == "vendor" and t == "open")
    vendor_submitted = Who("the vendor, once submitted", lambda r, t: r == "vendor" and t in UNSEALED)
    readers = Who("the vendor, and once unsealed the owners, steward and declared evaluator", reader)
    panel = Who("the challenge's panel", p.panel)
    targeted = h.targeted(slug, p.ALL)
    with_proposal = h.targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": proposal_of(w, t).pk}, WITH_PROPOSALS)
    with_attachment = h.targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": attachment_of(w, t).pk}, WITH_PROPOSALS)

    def screening(world, target, method):
        challenge = world.challenge(target)
        return {f"criterion_{c.pk}": "pass" for c in challenge.eligibility_criteria.all()}

    def eligibility_body(world, target, method):
        challenge = world.challenge(target)
        return {"decisions": [{"criterion_id": c.pk, "passed": True} for c in challenge.eligibility_criteria.all()]}

    api_proposal = h.targeted(lambda w, t: {"slug": w.challenge(t).slug, "proposal_id": proposal_of(w, t).pk}, WITH_PROPOSALS)
    api_attachment = h.targeted(
        lambda w, t: {"slug": w.challenge(t).slug, "attachment_id": attachment_of(w, t).pk}, WITH_PROPOSALS
    )
    # Attaching through the API is a multipart upload, which the matrix does not send: on
    # "open", where the vendor may attach, its JSON request would be a 400 (no file), so the
    # matrix checks the refusals on the other challenges (tests/partnering/test_proposals_api.py
    # checks the upload itself). Likewise re-confirming, which needs a material addendum.
    not_open = h.targeted(slug, tuple(t for t in p.ALL if t != "open"))
    return {
        # The applicant's pages: a vendor user, on a published challenge.
        "partnering:my_proposal": h.page(
            Who("vendor users, on a published challenge", lambda r, t: r == "vendor" and t in p.PUBLISHED),
            write=vendor_open, **targeted, data=lambda w, t, m: form(w, t),
        ),
        "partnering:proposal_submit": h.action(vendor_open, **targeted),
        "partnering:proposal_withdraw": h.action(vendor_open, **targeted),
        # Nothing to re-confirm on "open": the page says so and comes back (303).
        "partnering:proposal_reconfirm": h.action(vendor_open, **targeted),
        # Without a file the page comes back with "Choose a file to attach" (303).
        "partnering:attachment_add": h.action(vendor_open, **targeted),
        "partnering:attachment_remove": h.action(vendor_open, **with_attachment),
        "partnering:proposal_receipt": h.page(vendor_submitted, **targeted),
        "partnering:proposal_receipt_download": h.page(vendor_submitted, **targeted),
        # The panel's pages: the count for the panel, proposals only once unsealed.
        "partnering:proposals": h.page(panel, **targeted),
        "partnering:proposal_detail": h.page(readers, **with_proposal),
        # No challenge of the world is in "submissions closed", where screening happens: after
        # it the owners and the steward read the decisions, and nobody changes them.
        "partnering:proposal_screen": h.page(
            Who("owners and steward, once unsealed", lambda r, t: t in UNSEALED and (p.owner(r, t) or p.steward(r, t))),
            write=h.NOBODY, **with_proposal, data=screening,
        ),
        "partnering:attachment_download": h.page(readers, **with_attachment),
        # The API: the same rules.
        "api:challenge_my_proposal": h.api(
            Who("the vendor, once they have a proposal", lambda r, t: r == "vendor" and t in WITH_PROPOSALS)
        )(**targeted),
        "api:challenge_my_proposal_save": h.api(None, put=vendor_open)(
            **targeted, data=lambda w, t, m: {k: v for k, v in form(w, t).items() if k != "version"}
        ),
        "api:challenge_proposal_submit": h.api(None, post=vendor_open)(**targeted),
        "api:challenge_proposal_withdraw": h.api(None, post=vendor_open)(**targeted),
        "api:challenge_proposal_reconfirm": h.api(None, post=h.NOBODY)(**not_open),
        "api:challenge_proposal_receipt": h.api(vendor_submitted)(**targeted),
        "api:challenge_attachment_add": h.api(None, post=h.NOBODY)(**not_open),
        "api:challenge_attachment_remove": h.api(None, delete=vendor_open)(**api_attachment),
        "api:challenge_proposals": h.api(panel)(**targeted),
        "api:challenge_proposal": h.api(readers)(**api_proposal),
        "api:challenge_proposal_eligibility": h.api(None, put=h.NOBODY)(**api_proposal, data=eligibility_body),
    }
