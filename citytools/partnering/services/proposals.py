"""Proposals: drafting, attachments, submitting, withdrawing, receipts, eligibility screening.

A proposal is **sealed** until submissions close: before then only the users of the supplier
that wrote it read it, whatever else they are (admins and the challenge's own staff see a
count). Every read of another supplier's proposal goes through `readable_proposal` or
`panel_proposals`, which ask citytools.partnering.rules.can_read_proposal.

Writing is open while the challenge accepts submissions AND the server clock is before the
submission deadline: at the deadline's own instant it is closed, whether or not the clock
has moved the challenge on yet. A change to a submitted proposal takes it back to a draft
(it must be submitted again before the deadline), so what was submitted is always exactly
what the receipt's hash covers.
"""

import hashlib
import json
import uuid
from decimal import Decimal
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from citytools.core import history
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.core.money import parse_money
from citytools.directory.models import Supplier
from citytools.partnering import rules
from citytools.partnering.access import roles_for
from citytools.partnering.models import (
    Attachment,
    Challenge,
    EligibilityCriterion,
    EligibilityDecision,
    Proposal,
    Scale,
    State,
)

Status = Proposal.Status


# Reading ----------------------------------------------------------------------------------


def visible_challenge(viewer, challenge: Challenge):
    """The person's roles, or NotFound when they may not even see the challenge."""
    roles = roles_for(viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise NotFound("No such challenge.")
    return roles


def is_unsealed(challenge: Challenge) -> bool:
    return rules.is_unsealed(State(challenge.state), submissions_closed=challenge.submissions_closed_at is not None)


def submitted_count(challenge: Challenge) -> int:
    """How many proposals are submitted: the only thing anyone learns before the close."""
    return challenge.proposals.filter(status=Status.SUBMITTED).count()


def may_read(roles, challenge: Challenge, proposal: Proposal) -> bool:
    """The supplier reads its own proposal in any status; the panel only submitted ones, and
    only once submissions closed."""
    if not rules.can_read_proposal(
        roles,
        supplier=proposal.supplier_id,
        state=State(challenge.state),
        submissions_closed=challenge.submissions_closed_at is not None,
    ):
        return False
    return proposal.supplier_id in roles.suppliers or proposal.status == Status.SUBMITTED


def may_list(roles, challenge: Challenge) -> bool:
    """May this person see the list of submitted proposals (not just the count)?"""
    return is_unsealed(challenge) and roles.judges


def readable_proposal(viewer, challenge: Challenge, pk: int) -> Proposal:
    """One proposal this person may read, or NotFound (a sealed proposal does not exist for them)."""
    roles = visible_challenge(viewer, challenge)
    proposal = (
        Proposal.objects.filter(challenge=challenge, pk=pk)
        .select_related("supplier", "challenge")
        .prefetch_related("attachments", "eligibility")
        .first()
    )
    if proposal is None or not may_read(roles, challenge, proposal):
        raise NotFound("No such proposal.")
    return proposal


def panel_proposals(viewer, challenge: Challenge) -> list[Proposal] | None:
    """The submitted proposals, for the panel once submissions closed; None when the person
    may only know the count."""
    roles = visible_challenge(viewer, challenge)
    if not may_list(roles, challenge):
        return None
    return list(
        challenge.proposals.filter(status=Status.SUBMITTED)
        .select_related("supplier")
        .prefetch_related("attachments")
        .order_by("pk")
    )


def read_proposal(*, proposal: Proposal, viewer) -> Proposal:
    return readable_proposal(viewer, proposal.challenge, proposal.pk)


def readable_attachment(viewer, pk: int) -> Attachment:
    attachment = Attachment.objects.filter(pk=pk).select_related("proposal__challenge", "proposal__supplier").first()
    if attachment is None:
        raise NotFound("No such file.")
    challenge = attachment.proposal.challenge
    roles = visible_challenge(viewer, challenge)
    if not may_read(roles, challenge, attachment.proposal):
        raise NotFound("No such file.")
    return attachment


# Applying ---------------------------------------------------------------------------------


def submissions_open(challenge: Challenge, now=None) -> bool:
    """Does the challenge accept proposals now? Strictly before the deadline."""
    now = now or timezone.now()
    return (
        challenge.state in rules.OPEN_FOR_SUBMISSIONS
        and challenge.submission_deadline is not None
        and now < challenge.submission_deadline
    )


def _require_open(challenge: Challenge, now) -> None:
    if not submissions_open(challenge, now):
        raise Forbidden("Submissions are closed: nothing can be drafted, submitted or withdrawn any more.")


def applicant_suppliers(viewer, challenge: Challenge) -> list[Supplier]:
    """The suppliers this person may apply for (empty when they may not apply)."""
    roles = visible_challenge(viewer, challenge)
    if not rules.can_apply(roles):
        return []
    return list(Supplier.objects.filter(pk__in=roles.suppliers).order_by("name"))


def _supplier_for(viewer, challenge: Challenge, supplier=None) -> int:
    """The supplier id this person applies for; `supplier` (id, slug or Supplier) chooses
    when they are the vendor user of several."""
    roles = visible_challenge(viewer, challenge)
    if not rules.can_apply(roles):
        raise Forbidden("Only vendor users apply, for their own supplier, and never on a challenge they help run.")
    if supplier is not None and supplier != "":
        if isinstance(supplier, Supplier):
            supplier_id = supplier.pk
        elif isinstance(supplier, int) or str(supplier).isdigit():
            supplier_id = int(supplier)
        else:
            supplier_id = Supplier.objects.filter(slug=supplier).values_list("pk", flat=True).first()
        if supplier_id not in roles.suppliers:
            raise Forbidden("You may only apply for a supplier you are a vendor user of.")
        return supplier_id
    if len(roles.suppliers) > 1:
        raise DomainError("You are a vendor user of several suppliers: choose which one applies.", field="supplier")
    return next(iter(roles.suppliers))


def my_proposal(challenge: Challenge, *, viewer, supplier=None) -> Proposal | None:
    """This applicant's proposal for the challenge, if they started one."""
    supplier_id = _supplier_for(viewer, challenge, supplier)
    return (
        Proposal.objects.filter(challenge=challenge, supplier_id=supplier_id)
        .select_related("supplier", "challenge")
        .prefetch_related("attachments")
        .first()
    )


def _own(proposal: Proposal, viewer) -> None:
    challenge = proposal.challenge
    roles = visible_challenge(viewer, challenge)
    if not rules.can_apply(roles) or proposal.supplier_id not in roles.suppliers:
        raise NotFound("No such proposal.")


def _price(value) -> Decimal | None:
    return parse_money(value, label="The price", field="price", limit=Decimal("1e10"))


def _check_price(challenge: Challenge, price: Decimal | None) -> None:
    if price is not None and challenge.budget_cap is not None and price > challenge.budget_cap:
        raise DomainError(
            f"The price is above the budget cap of {challenge.currency} {challenge.budget_cap:,.2f}.", field="price"
        )


def _back_to_draft(proposal: Proposal) -> None:
    """A submitted or withdrawn proposal that changes is a draft again: its receipt covered
    what was submitted, which this no longer is."""
    if proposal.status != Status.DRAFT:
        proposal.status = Status.DRAFT
        proposal.submitted_at = None
        proposal.receipt_hash = ""


def save_proposal(
    challenge: Challenge,
    *,
    actor,
    viewer,
    version: int | None = None,
    scale: str,
    summary: str,
    approach: str,
    team: str,
    plan: str = "",
    price=None,
    supplier=None,
    proposal: Proposal | None = None,
    now=None,
) -> Proposal:
    """Create or change the applicant's draft. A draft may be incomplete; submitting checks it.
    `supplier` chooses whom a vendor user of several applies for (or `proposal`, theirs)."""
    now = now or timezone.now()
    if supplier is None and proposal is not None:
        supplier = proposal.supplier_id
    supplier_id = _supplier_for(viewer, challenge, supplier)
    if scale not in Scale.values:
        raise DomainError("Choose the size of your organisation.", field="scale")
    price = _price(price)
    _check_price(challenge, price)
    fields = {
        "scale": scale,
        "summary": (summary or "").strip(),
        "approach": (approach or "").strip(),
        "team": (team or "").strip(),
        "plan": (plan or "").strip(),
        "price": price,
    }
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        _require_open(locked, now)
        proposal = Proposal.objects.select_for_update().filter(challenge=locked, supplier_id=supplier_id).first()
        if proposal is None:
            if version not in (None, 0):
                raise Conflict("Your proposal changed since you opened it. Reload the page and try again.")
            return Proposal.objects.create(challenge=locked, supplier_id=supplier_id, created_by=actor, **fields)
        if version is not None and version != proposal.version:
            raise Conflict("Your proposal changed since you opened it. Reload the page and try again.")
        if history.unchanged(proposal, fields):
            # Saved unchanged: a submitted proposal stays submitted, its receipt still true.
            return proposal
        for name, value in fields.items():
            setattr(proposal, name, value)
        _back_to_draft(proposal)
        proposal.version += 1
        proposal.save()
    return proposal


# Attachments -------------------------------------------------------------------------------

# What may be attached: the extension and the types the content may be sniffed as.
ALLOWED_TYPES = {
    "pdf": ("application/pdf", {"application/pdf"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    ),
    "odt": ("application/vnd.oasis.opendocument.text", {"application/vnd.oasis.opendocument.text"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"application/vnd.oasis.opendocument.spreadsheet"}),
    "odp": ("application/vnd.oasis.opendocument.presentation", {"application/vnd.oasis.opendocument.presentation"}),
    "png": ("image/png", {"image/png"}),
    "jpg": ("image/jpeg", {"image/jpeg"}),
    "jpeg": ("image/jpeg", {"image/jpeg"}),
    "txt": ("text/plain", {None}),
    "csv": ("text/csv", {None}),
}
ALLOWED_DESCRIPTION = "PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument (ODT, ODS, ODP), PNG, JPEG, plain text or CSV"

# Programs, by their first bytes: Windows (PE), Linux (ELF), macOS (Mach-O, also fat
# binaries), and scripts with an interpreter line.
EXECUTABLE_MAGIC = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"#!",
)
EXECUTABLE_MIMES = {"application/x-msdownload", "application/x-executable", "application/x-sharedlib", "application/wasm"}
ARCHIVE_MIMES = {
    "application/zip", "application/x-tar", "application/x-rar-compressed", "application/gzip", "application/x-bzip2",
    "application/x-7z-compressed", "application/x-xz", "application/zstd", "application/x-lzip", "application/x-lz4",
    "application/x-compress", "application/x-unix-archive", "application/x-deb", "application/x-rpm",
    "application/vnd.ms-cab-compressed", "application/x-lzop", "application/x-brotli",
}


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            content.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def check_upload(name: str, content: bytes) -> str:
    """The content type to store, or DomainError naming what is wrong with the file.
    The content is sniffed, and must agree with the file's extension."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if not content:
        raise DomainError("The file is empty.", field="file")
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
        raise DomainError(f"The file is too large: files may be at most {limit:g} MB.", field="file")
    sniffed = filetype.guess_mime(content)
    if content.startswith(EXECUTABLE_MAGIC) or sniffed in EXECUTABLE_MIMES:
        raise DomainError("Programs and scripts cannot be attached, whatever their name.", field="file")
    if extension not in ALLOWED_TYPES:
        raise DomainError(f"Files of this type cannot be attached. Attach {ALLOWED_DESCRIPTION}.", field="file")
    if sniffed in ARCHIVE_MIMES:
        raise DomainError("Archives (such as ZIP) cannot be attached: attach each document on its own.", field="file")
    stored_type, accepted = ALLOWED_TYPES[extension]
    if None in accepted:
        if sniffed is not None or not _is_plain_text(content):
            raise DomainError(f"The file’s content is not plain text, as its name (.{extension}) says.", field="file")
    elif sniffed not in accepted:
        raise DomainError(f"The file’s content does not match its name (.{extension}).", field="file")
    return stored_type


def _clean_name(name: str) -> str:
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*').strip() or "attachment"
    return base[-200:]


def add_attachment(proposal: Proposal, *, actor, viewer, upload, now=None) -> Attachment:
    """Attach a file to the applicant's own proposal (`upload`: an UploadedFile)."""
    now = now or timezone.now()
    _own(proposal, viewer)
    _require_open(proposal.challenge, now)
    if upload is None:
        raise DomainError("Choose a file to attach.", field="file")
    content = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    name = _clean_name(upload.name)
    content_type = check_upload(name, content)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        _require_open(challenge, now)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.attachments.count() >= settings.ATTACHMENTS_PER_PROPOSAL:
            raise DomainError(
                f"A proposal may have at most {settings.ATTACHMENTS_PER_PROPOSAL} attachments: remove one first.",
                field="file",
            )
        extension = PurePath(name).suffix.lower()
        attachment = Attachment(
            proposal=locked,
            name=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=now,
        )
        # Stored under a random name: the person's file name is kept only as data.
        attachment.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
        attachment.save()
        _back_to_draft(locked)
        locked.version += 1
        locked.save()
    return attachment


def remove_attachment(attachment: Attachment, *, actor, viewer, now=None) -> None:
    now = now or timezone.now()
    proposal = attachment.proposal
    _own(proposal, viewer)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        _require_open(challenge, now)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        stored = attachment.file.name
        attachment.delete()
        _back_to_draft(locked)
        locked.version += 1
        locked.save()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def own_attachment(proposal: Proposal, pk: int, *, viewer) -> Attachment:
    _own(proposal, viewer)
    attachment = proposal.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound("No such file.")
    return attachment


# Submitting and receipts -------------------------------------------------------------------


def receipt_document(proposal: Proposal) -> dict:
    """What a receipt's hash covers: the submitted answers, each attachment's SHA-256, and
    the addenda the applicant had seen (so a re-confirmation gets a receipt of its own)."""
    challenge = proposal.challenge
    return {
        "challenge": challenge.reference,
        "supplier": proposal.supplier.name,
        "scale": proposal.scale,
        "summary": proposal.summary,
        "approach": proposal.approach,
        "team": proposal.team,
        "plan": proposal.plan,
        "price": None if proposal.price is None else f"{proposal.price:.2f}",
        "currency": challenge.currency,
        "attachments": [
            {"name": a.name, "size": a.size, "sha256": a.sha256} for a in proposal.attachments.order_by("pk")
        ],
        "addenda_seen": challenge.addenda.count(),
        "submitted_at": proposal.submitted_at.isoformat() if proposal.submitted_at else None,
    }


def canonical_json(document: dict) -> bytes:
    """The one serialisation a receipt hash is taken of: keys sorted, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def receipt_hash(document: dict) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def receipt(proposal: Proposal, *, viewer) -> dict:
    """The applicant's receipt: the document and its hash; anyone can recompute the hash as
    SHA-256 of the document serialised with sorted keys and no spaces."""
    _own(proposal, viewer)
    if proposal.status != Status.SUBMITTED or not proposal.receipt_hash:
        raise NotFound("There is no receipt: the proposal is not submitted.")
    return {
        "document": receipt_document(proposal),
        "sha256": proposal.receipt_hash,
        "how_to_check": "SHA-256 of the document as JSON with sorted keys, no spaces, UTF-8.",
    }


def _missing(proposal: Proposal) -> list[tuple[str, str]]:
    missing = []
    for field, label in (("summary", "your idea"), ("approach", "your approach"), ("team", "your team")):
        if not getattr(proposal, field).strip():
            missing.append((field, label))
    if proposal.price is None:
        missing.append(("price", "your price"))
    return missing


def submit_proposal(proposal: Proposal, *, actor, viewer, now=None) -> Proposal:
    now = now or timezone.now()
    _own(proposal, viewer)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        _require_open(challenge, now)
        locked = Proposal.objects.select_for_update().select_related("supplier", "challenge").get(pk=proposal.pk)
        if locked.status == Status.SUBMITTED:
            raise DomainError("The proposal is already submitted.", code="already_submitted")
        missing = _missing(locked)
        if missing:
            raise DomainError(
                "Before submitting, add " + ", ".join(label for _, label in missing) + ".", field=missing[0][0]
            )
        _check_price(challenge, locked.price)
        locked.status = Status.SUBMITTED
        locked.submitted_at = now
        locked.needs_reconfirmation = False
        locked.receipt_hash = receipt_hash(receipt_document(locked))
        locked.version += 1
        locked.save()
    return locked


def withdraw_proposal(proposal: Proposal, *, actor, viewer, now=None) -> Proposal:
    """Withdraw before the deadline; it can be edited and submitted again until then."""
    now = now or timezone.now()
    _own(proposal, viewer)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        _require_open(challenge, now)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status == Status.WITHDRAWN:
            raise DomainError("The proposal is already withdrawn.", code="already_withdrawn")
        locked.status = Status.WITHDRAWN
        locked.submitted_at = None
        locked.receipt_hash = ""
        locked.version += 1
        locked.save()
    return locked


def reconfirm_proposal(proposal: Proposal, *, actor, viewer, now=None) -> Proposal:
    """After a material addendum: the applicant confirms the submitted proposal stands, and
    gets a new receipt (it covers the addenda seen)."""
    now = now or timezone.now()
    _own(proposal, viewer)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        _require_open(challenge, now)
        locked = Proposal.objects.select_for_update().select_related("supplier", "challenge").get(pk=proposal.pk)
        if locked.status != Status.SUBMITTED or not locked.needs_reconfirmation:
            raise DomainError("Nothing to re-confirm: the proposal does not need it.", code="no_reconfirmation")
        locked.needs_reconfirmation = False
        locked.receipt_hash = receipt_hash(receipt_document(locked))
        locked.version += 1
        locked.save()
    return locked


# Screening ---------------------------------------------------------------------------------


def screen_proposal(proposal: Proposal, *, actor, viewer, decisions: dict, now=None) -> Proposal:
    """Record pass/fail on every eligibility criterion; eligible when all passed.
    `decisions` maps an EligibilityCriterion id to (passed, note); a fail needs a note,
    which the applicant's debrief quotes."""
    now = now or timezone.now()
    challenge = proposal.challenge
    roles = visible_challenge(viewer, challenge)
    if not may_read(roles, challenge, proposal) or proposal.status != Status.SUBMITTED:
        raise NotFound("No such proposal.")
    if not rules.can_screen(roles, state=State(challenge.state)):
        raise Forbidden("Eligibility is decided by the owners or the steward, after submissions close and before evaluation.")
    criteria = list(EligibilityCriterion.objects.filter(challenge=challenge))
    known = {c.pk for c in criteria}
    decisions = {int(key): value for key, value in (decisions or {}).items()}
    unknown = set(decisions) - known
    if unknown:
        raise DomainError("Decide only on this challenge’s eligibility criteria.", field="decisions")
    missing = [c for c in criteria if c.pk not in decisions]
    if missing:
        raise DomainError(f"Decide on every eligibility criterion; missing: {missing[0].text}", field=f"criterion_{missing[0].pk}")
    for criterion in criteria:
        passed, note = decisions[criterion.pk]
        if not passed and not (note or "").strip():
            raise DomainError(f"Say why it fails “{criterion.text}”: the applicant is told.", field=f"criterion_{criterion.pk}")
    if proposal.needs_reconfirmation and all(bool(decisions[c.pk][0]) for c in criteria):
        # A material addendum changed what was asked; a proposal its writer never re-confirmed
        # answers the old challenge, so it cannot pass as it stands.
        raise DomainError(
            "This proposal was not re-confirmed after a material addendum, so it cannot be eligible: fail the "
            "criterion the addendum changed, and say so.",
            code="not_reconfirmed",
        )
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if not rules.can_screen(roles, state=State(locked.state)):
            raise Forbidden("Eligibility can no longer be changed.")
        for criterion in criteria:
            passed, note = decisions[criterion.pk]
            EligibilityDecision.objects.update_or_create(
                proposal=proposal,
                criterion=criterion,
                defaults={"passed": bool(passed), "note": (note or "").strip(), "decided_by": actor, "decided_at": now},
            )
        proposal.eligible = all(bool(decisions[c.pk][0]) for c in criteria)
        proposal.save(update_fields=["eligible", "updated_at"])
    return proposal
