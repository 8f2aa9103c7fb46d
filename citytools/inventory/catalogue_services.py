"""Writes to the catalogue of suppliers and products: proposals and their review.

An editor whose organisation uses a supplier or product the catalogue lacks proposes it. The
proposed entry exists at once, provisional for that organisation (citytools.directory.models
CatalogueQuerySet): its editors use it in their systems and contracts, and nobody else sees
it, nor those records, until a coordinator of one of the organisation's networks or a
platform admin accepts it, merges it into an entry already in the catalogue (every record
moves to that entry), or rejects it with a reason. The proposer is told by e-mail.

A name is compared by its normalised form (citytools.inventory.rules.normalise_name) with the
catalogue and with the proposals waiting: one that matches offers the existing entry instead.
Pages, the API and `citytools catalogue` all come here.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.directory import matching
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import CatalogueProposal, Product
from citytools.inventory.rules import check_proposed_name, normalise_name

Kind = CatalogueProposal.Kind
Status = CatalogueProposal.Status


class AlreadyThere(DomainError):
    """The name matches an entry the person may use already: offer it (`entry`) instead."""

    def __init__(self, entry, *, pending: bool):
        where = "proposed by your organisation" if pending else "in the catalogue"
        super().__init__(
            f"{entry.name} is already {where}: choose it instead of proposing it again.",
            code="already_listed",
            field="name",
        )
        self.entry = entry
        self.extra = {"existing": {"slug": entry.slug, "name": entry.name}}

    status = 409


def _model(kind: str):
    return Product if kind == Kind.PRODUCT else Supplier


def may_propose(viewer: Viewer, organisation_id: int) -> bool:
    """An organisation's editors (and platform admins) propose entries for it."""
    return viewer.can_edit(organisation_id)


def may_review(viewer: Viewer, proposal: CatalogueProposal) -> bool:
    """Platform admins, and coordinators of a network the proposing organisation is in."""
    return viewer.is_admin or bool(viewer.networks_of(proposal.organisation_id) & viewer.grants.coordinator_networks)


def may_read(viewer: Viewer, proposal: CatalogueProposal) -> bool:
    """The proposing organisation's members and its reviewers; nobody else, ever."""
    return proposal.organisation_id in viewer.grants.staff_organisations or may_review(viewer, proposal)


def proposals_visible_to(viewer: Viewer):
    """The proposals this person may read, newest first."""
    proposals = CatalogueProposal.objects.select_related("organisation", "supplier", "product", "proposed_by")
    if viewer.is_admin:
        return proposals
    reviewed = viewer.coordinated_organisations()
    return proposals.filter(organisation_id__in=set(viewer.grants.staff_organisations) | reviewed)


def review_queue(viewer: Viewer):
    """The proposals waiting for this person's decision."""
    pending = proposals_visible_to(viewer).filter(status=Status.PENDING)
    return pending if viewer.is_admin else pending.filter(organisation_id__in=viewer.coordinated_organisations())


def readable_proposal(viewer: Viewer, pk) -> CatalogueProposal:
    """One proposal by its number, or NotFound for anyone who may not read it (no hint it exists)."""
    proposal = proposals_visible_to(viewer).filter(pk=pk).first() if str(pk).isdigit() else None
    if proposal is None or not may_read(viewer, proposal):
        raise NotFound("No such proposal.")
    return proposal


def match(kind: str, name: str, *, organisation_id: int | None = None):
    """The entry whose name normalises like `name`, if any: the catalogue's, or one the
    organisation (if given) proposed itself. Returns (entry, whether it is a proposed one)."""
    wanted = normalise_name(name)
    if not wanted:
        return None, False
    model = _model(kind)
    entries = model.entries.usable_by(organisation_id) if organisation_id else model.objects.all()
    for entry in entries.only("pk", "name", "slug", "provisional_for"):
        if normalise_name(entry.name) == wanted:
            return entry, entry.provisional_for_id is not None
    return None, False


def _unique_slug(model, name: str) -> str:
    base = slugify(name)[:90] or "entry"
    slug, number = base, 1
    while model.entries.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _manufacturer(value, organisation_id: int) -> Supplier:
    """A product's maker: in the catalogue, or proposed by the same organisation."""
    found = Supplier.entries.usable_entry(value, organisation_id)
    if isinstance(value, Supplier):
        value = value.slug
    if found is None:
        raise DomainError(
            "Choose the product's maker, or propose it first." if not value else f"No such supplier: {value}.",
            code="required" if not value else "invalid",
            field="manufacturer",
        )
    return found


@transaction.atomic
def supplier_from_public_record(*, name: str, company_number: str = "", actor) -> Supplier:
    """A company named in a public notice or register, added to the catalogue as a fact of
    that record (its name and Companies House number, nothing else), or the supplier already
    there under that number or name."""
    name = check_proposed_name(name, what=Kind.SUPPLIER)
    number = matching.company_number(company_number)
    found = matching.supplier_matcher_for_the_map().match(name, number)
    if found.matched:
        return Supplier.objects.get(pk=found.pk)
    return Supplier.objects.create(name=name, slug=_unique_slug(Supplier, name), company_number=number[:20])


@transaction.atomic
def product_from_public_record(*, name: str, manufacturer: Supplier, actor) -> Product:
    """A product named in a public register, added to the catalogue as a fact of that record
    (its name and maker, nothing else), or the catalogue's product of that name (compared
    normalised, so "Spydus" and "spydus " are one). A product of that name made by another
    company is refused rather than taken for this one: a person decides which it is."""
    name = check_proposed_name(name, what=Kind.PRODUCT)
    found, _ = match(Kind.PRODUCT, name)
    if found is not None:
        found = Product.objects.select_related("manufacturer").get(pk=found.pk)
        if found.manufacturer_id != manufacturer.pk:
            raise DomainError(
                f"The catalogue's {found.name} is made by {found.manufacturer.name}, not {manufacturer.name}: "
                "correct the catalogue, or the register, first.",
                code="maker_differs",
            )
        return found
    return Product.objects.create(name=name, slug=_unique_slug(Product, name), manufacturer=manufacturer)


@transaction.atomic
def propose(
    *,
    organisation: Organisation,
    kind: str,
    name: str,
    manufacturer=None,
    website: str = "",
    note: str = "",
    actor,
) -> CatalogueProposal:
    """Propose a supplier or (with its maker, in the catalogue or proposed) a product, for
    `organisation`, whose editors may use it at once. Refused when the name matches an entry
    the person may use (AlreadyThere names it) or one another organisation proposed."""
    viewer = Viewer.for_user(actor)
    if not may_propose(viewer, organisation.pk):
        raise Forbidden("Only the organisation's own editors can propose entries for it.")
    if kind not in Kind.values:
        raise DomainError("Propose a supplier or a product.", code="invalid", field="kind")
    name = check_proposed_name(name, what=kind)
    website = (website or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(website) if website else None
    except ValidationError:
        raise DomainError("Give the website as a web address, like https://example.com.", code="invalid", field="website") from None
    maker = _manufacturer(manufacturer, organisation.pk) if kind == Kind.PRODUCT else None
    entry, pending = match(kind, name, organisation_id=organisation.pk)
    if entry is not None:
        raise AlreadyThere(entry, pending=pending)
    wanted = normalise_name(name)
    if CatalogueProposal.objects.filter(kind=kind, normalised_name=wanted, status=Status.PENDING).exists():
        raise DomainError(
            f"A {kind} of this name is already proposed and waiting for review; once accepted it is in the catalogue.",
            code="already_proposed",
            field="name",
        )
    model = _model(kind)
    fields = {"name": name, "slug": _unique_slug(model, name), "website": website or "", "provisional_for": organisation}
    if maker is not None:
        fields["manufacturer"] = maker
    entry = model.entries.create(**fields)
    proposal = CatalogueProposal(
        kind=kind,
        name=name,
        normalised_name=wanted,
        organisation=organisation,
        proposed_by=actor if getattr(actor, "pk", None) else None,
        website=website or "",
        note=(note or "").strip(),
        **{kind: entry},
    )
    proposal._history_user = proposal.proposed_by
    proposal.save()
    return proposal


def _require_review(actor, proposal: CatalogueProposal) -> None:
    if not may_review(Viewer.for_user(actor), proposal):
        raise Forbidden("Only a coordinator of the organisation's network or a platform admin reviews proposals.")
    if proposal.status != Status.PENDING:
        raise DomainError(f"This proposal was already decided: {proposal.get_status_display().lower()}.", code="decided")


def _decide(proposal: CatalogueProposal, *, status: str, actor, reason: str = "", entry=None) -> CatalogueProposal:
    proposal.status = status
    proposal.reason = reason
    proposal.decided_by = actor if getattr(actor, "pk", None) else None
    proposal.decided_at = timezone.now()
    if entry is not None:
        setattr(proposal, proposal.kind, entry)
    proposal._history_user = proposal.decided_by
    proposal.save()
    transaction.on_commit(lambda: _tell_proposer(proposal))
    return proposal


@transaction.atomic
def accept(proposal: CatalogueProposal, *, actor) -> CatalogueProposal:
    """Put the proposed entry in the catalogue, for everyone. A product's proposed maker is
    accepted with it."""
    _require_review(actor, proposal)
    entry = proposal.entry
    if proposal.kind == Kind.PRODUCT and entry.manufacturer.provisional_for_id is not None:
        maker_proposal = CatalogueProposal.objects.filter(
            kind=Kind.SUPPLIER, supplier=entry.manufacturer, status=Status.PENDING
        ).first()
        if maker_proposal is None:
            raise DomainError(
                f"The product's maker, {entry.manufacturer.name}, was not accepted into the catalogue: "
                "merge the product into an entry of the catalogue, or reject it.",
                code="maker_not_accepted",
            )
        accept(maker_proposal, actor=actor)
    clash, _ = match(proposal.kind, entry.name)
    if clash is not None:
        raise DomainError(
            f"{clash.name} is in the catalogue now: merge the proposal into it instead.", code="already_listed"
        )
    type(entry).entries.filter(pk=entry.pk).update(provisional_for=None, updated_at=timezone.now())
    entry.refresh_from_db()
    return _decide(proposal, status=Status.ACCEPTED, actor=actor, entry=entry)


def _move_references(old, new) -> None:
    """Point every record (and every history row) at `new` instead of `old`."""
    model = type(old)
    for other in apps.get_models():
        for field in other._meta.concrete_fields:
            if field.is_relation and field.many_to_one and field.related_model is model:
                other._base_manager.filter(**{field.attname: old.pk}).update(**{field.attname: new.pk})


@transaction.atomic
def merge(proposal: CatalogueProposal, *, into, actor) -> CatalogueProposal:
    """The proposed entry is one the catalogue has: the organisation's records move to it
    (`into`, an entry or its slug) and the provisional entry goes."""
    _require_review(actor, proposal)
    model = _model(proposal.kind)
    slug = into.slug if isinstance(into, model) else into
    target = model.objects.filter(slug=slug).first() if slug else None
    if target is None:
        raise DomainError(f"Choose the {proposal.kind} in the catalogue to merge into.", code="invalid", field="into")
    old = proposal.entry
    _move_references(old, target)
    model.entries.filter(pk=old.pk).delete()
    return _decide(proposal, status=Status.MERGED, actor=actor, entry=target)


@transaction.atomic
def reject(proposal: CatalogueProposal, *, reason: str, actor) -> CatalogueProposal:
    """Refuse the entry, saying why. It stays the organisation's own (its records keep it)
    and never reaches the catalogue."""
    _require_review(actor, proposal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the proposal is rejected: the proposer is told.", code="required", field="reason")
    return _decide(proposal, status=Status.REJECTED, actor=actor, reason=reason)


def _tell_proposer(proposal: CatalogueProposal) -> None:
    user = proposal.proposed_by
    if user is None or not user.email:
        return
    entry = proposal.entry
    outcome = {
        Status.ACCEPTED: f"was accepted: {proposal.name} is in the catalogue for everyone.",
        Status.MERGED: f"was merged into {entry.name if entry else 'an entry'} already in the catalogue; your records now use it.",
        Status.REJECTED: f"was rejected: {proposal.reason}\nIt stays your organisation's own and is not shown to others.",
    }[proposal.status]
    send_mail(
        f"Your proposed {proposal.kind} {proposal.name}: {proposal.get_status_display().lower()}",
        f"The {proposal.kind} {proposal.name} that you proposed for {proposal.organisation} {outcome}\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=True,
    )
