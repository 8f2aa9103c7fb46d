"""The only code that writes joint procurement initiatives. Pages, the API and commands call
these with the acting person and their Viewer; a DomainError names the field at fault and
nothing is written. Changes to an initiative's plan or outcome name the version they were
based on (a stale one is refused)."""

import datetime

from django.db import transaction
from django.utils import timezone

from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.core.money import parse_money
from citytools.core.prose import mid_sentence
from citytools.directory.models import Organisation
from citytools.inventory.models import ServiceArea, System
from citytools.opportunities import rules
from citytools.opportunities.models import Answer, Initiative, InitiativeStatus, Invitation, Note
from citytools.partnering.services import authoring

MAX_TEXT = 10000


def _networks(viewer, organisations) -> frozenset[int]:
    return frozenset().union(*(viewer.networks_of(o) for o in organisations)) if organisations else frozenset()


def may_start(viewer, organisations: set[int]) -> bool:
    """May this person start an initiative among these organisations?"""
    return rules.can_start(viewer.grants, organisations=organisations, networks=_networks(viewer, organisations))


def invited_organisations(initiative: Initiative) -> set[int]:
    return set(initiative.invitations.values_list("organisation_id", flat=True))


def visible_initiatives(viewer):
    """Initiatives this person may see."""
    grants = viewer.grants
    initiatives = Initiative.objects.select_related("service_area", "lead")
    if grants.is_admin:
        return initiatives
    reach = set(grants.staff_organisations) | viewer.coordinated_organisations()
    return initiatives.filter(invitations__organisation__in=reach).distinct()


def readable_initiative(viewer, pk) -> Initiative:
    found = visible_initiatives(viewer).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("No such initiative.")
    return found


def require_run(initiative: Initiative, viewer) -> None:
    if not rules.can_run(viewer.grants, lead=initiative.lead_id, networks=viewer.networks_of(initiative.lead_id)):
        raise Forbidden("Only the lead organisation's staff and the network's coordinators run this initiative.")


def start_initiative(
    *, actor, viewer, area: ServiceArea, contracts, window_start: datetime.date, window_end: datetime.date,
    title: str = "", product=None, supplier=None, now=None,
) -> Initiative:
    """Turn an opportunity (its contracts in one service area) into an initiative, inviting
    every organisation whose contract is in it; the starter's organisation leads."""
    try:
        ids = {int(c.pk if isinstance(c, Contract) else c) for c in contracts}
    except (TypeError, ValueError):
        raise DomainError("Name the contracts by their numbers.", field="contracts") from None
    if any(not 1 <= pk < 2**63 for pk in ids):
        raise DomainError("Some of these contracts do not exist or are not yours to see.", field="contracts")
    found = list(Contract.objects.visible_to(viewer).filter(pk__in=ids).select_related("organisation"))
    if len(found) != len(ids):
        raise DomainError("Some of these contracts do not exist or are not yours to see.", field="contracts")
    organisations = {c.organisation_id for c in found}
    if not may_start(viewer, organisations):
        raise Forbidden("Only staff of the organisations in the opportunity, and their coordinators, start an initiative.")
    areas = [area.pk] if not area.is_group else list(area.children.values_list("pk", flat=True))
    in_area = set(
        Contract.systems.through.objects.filter(
            contract_id__in=ids, system__in=System.objects.visible_to(viewer), system__service_areas__in=areas
        ).values_list("contract_id", flat=True)
    )
    if in_area != ids:
        raise DomainError(f"Every contract must cover a system in {area.name}.", field="contracts", code="other_area")
    if len(organisations) < rules.MINIMUM_ORGANISATIONS:
        raise DomainError("A joint procurement needs at least two organisations.", field="contracts", code="too_few")
    if window_end < window_start:
        raise DomainError("The window must end after it starts.", field="window_end")
    title = (title or "").strip() or f"Joint procurement: {area.name}, {window_start:%B %Y} to {window_end:%B %Y}"
    if len(title) > 200:
        raise DomainError("Keep the title to 200 characters.", field="title")
    mine = [o for o in organisations if o in viewer.grants.staff_organisations]
    lead_id = min(mine) if mine else min(organisations, key=lambda o: (min(c.end_date for c in found if c.organisation_id == o), o))
    now = now or timezone.now()
    with transaction.atomic():
        initiative = Initiative.objects.create(
            title=title, service_area=area, product=product, supplier=supplier, lead_id=lead_id,
            window_start=window_start, window_end=window_end, created_by=actor,
        )
        initiative.contracts.set(found)
        Invitation.objects.bulk_create(
            Invitation(
                initiative=initiative, organisation_id=o,
                answer=Answer.INTERESTED if o == lead_id and mine else Answer.PENDING,
                answered_by=actor if o == lead_id and mine else None, answered_at=now if o == lead_id and mine else None,
            )
            for o in sorted(organisations)
        )
    return initiative


def require_open(initiative: Initiative) -> None:
    if initiative.status != InitiativeStatus.OPEN:
        raise DomainError("This initiative is closed: its outcome is recorded.", code="closed")


def invitable_organisations(initiative: Initiative, viewer):
    """Organisations of the lead organisation's networks not yet invited: a joint
    procurement is among peers of one network, whose coordinators run it."""
    networks = viewer.networks_of(initiative.lead_id)
    return (
        Organisation.objects.filter(memberships__network__in=networks)
        .exclude(pk__in=invited_organisations(initiative))
        .distinct()
        .order_by("name")
    )


def invite(initiative: Initiative, *, actor, viewer, organisation: Organisation) -> Invitation:
    require_run(initiative, viewer)
    require_open(initiative)
    if Invitation.objects.filter(initiative=initiative, organisation=organisation).exists():
        raise DomainError(f"{organisation} is already invited.", field="organisation", code="already_invited")
    if not invitable_organisations(initiative, viewer).filter(pk=organisation.pk).exists():
        raise DomainError(
            f"{organisation} is in none of the lead organisation's networks.", field="organisation", code="other_network"
        )
    return Invitation.objects.create(initiative=initiative, organisation=organisation)


def answer(initiative: Initiative, *, actor, viewer, organisation: Organisation, answer: str, note: str = "", now=None) -> Invitation:
    """An invited organisation's answer: interested, not now or declined."""
    if not rules.can_answer(viewer.grants, organisation=organisation.pk):
        raise Forbidden("Only an organisation's own staff answer for it.")
    require_open(initiative)
    invitation = Invitation.objects.filter(initiative=initiative, organisation=organisation).first()
    if invitation is None:
        raise NotFound(f"{organisation} is not invited to this initiative.")
    if answer not in (Answer.INTERESTED, Answer.NOT_NOW, Answer.DECLINED):
        raise DomainError("Choose interested, not now or declined.", field="answer")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise DomainError("Keep the note shorter.", field="note")
    invitation.answer, invitation.note = answer, note
    invitation.answered_by, invitation.answered_at = actor, now or timezone.now()
    invitation.save(update_fields=["answer", "note", "answered_by", "answered_at", "updated_at"])
    return invitation


def add_note(initiative: Initiative, *, actor, viewer, body: str) -> Note:
    if not rules.can_see(viewer.grants, invited=invited_organisations(initiative), networks=_networks(viewer, invited_organisations(initiative))):
        raise Forbidden("Only those taking part add notes.")
    body = (body or "").strip()
    if not body:
        raise DomainError("Write the note.", field="body")
    if len(body) > MAX_TEXT:
        raise DomainError("Keep the note shorter.", field="body")
    return Note.objects.create(initiative=initiative, author=actor, body=body)


def _version(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("The version must be a whole number.", field="version") from None


def update_plan(initiative: Initiative, *, actor, viewer, version, decision_date=None, target_date=None) -> Initiative:
    require_run(initiative, viewer)
    for name, value in (("decision_date", decision_date), ("target_date", target_date)):
        if value is not None and not isinstance(value, datetime.date):
            raise DomainError("Enter a real date.", field=name)
    if decision_date and target_date and target_date < decision_date:
        raise DomainError("The target date must come after the decision.", field="target_date")
    return history.save_edit(
        initiative, version=_version(version), fields={"decision_date": decision_date, "target_date": target_date}, actor=actor
    )


def record_outcome(
    initiative: Initiative, *, actor, viewer, version, status: str, outcome: str = "", savings=None,
    savings_currency: str = "GBP", evidence: str = "",
) -> Initiative:
    """What came of it: procured jointly (with reported savings and evidence), or not pursued."""
    require_run(initiative, viewer)
    if status not in InitiativeStatus.values:
        raise DomainError("Choose a status from the list.", field="status")
    savings = parse_money(savings, label="The savings", field="savings")
    currency = (savings_currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError("Give the currency as a three-letter code, like GBP.", field="savings_currency")
    if status == InitiativeStatus.PROCURED and not (outcome or "").strip():
        raise DomainError("Say what was procured jointly.", field="outcome")
    if savings is not None and not (evidence or "").strip():
        raise DomainError("Say where the savings can be checked.", field="evidence")
    return history.save_edit(
        initiative, version=_version(version), actor=actor, fields={
            "status": status, "outcome": (outcome or "").strip()[:MAX_TEXT], "savings": savings,
            "savings_currency": currency, "evidence": (evidence or "").strip()[:MAX_TEXT],
        },
    )


def launch_challenge(initiative: Initiative, *, actor, viewer, now=None):
    """Open a draft joint Invitation to Partner owned by the interested organisations this
    person may open a challenge for."""
    require_run(initiative, viewer)
    require_open(initiative)
    if initiative.challenge_id:
        raise DomainError("This initiative has already launched an Invitation to Partner.", code="already_launched")
    interested = Organisation.objects.filter(
        pk__in=initiative.invitations.filter(answer=Answer.INTERESTED).values("organisation")
    ).order_by("name")
    if not interested:
        raise DomainError(
            "No organisation has said it is interested yet: record their answers first.", code="nobody_interested"
        )
    owners = authoring.owners_among(viewer, interested)
    if not owners:
        raise Forbidden("Only editors or coordinators of the interested organisations open an Invitation to Partner.")
    lead = next((o for o in owners if o.pk == initiative.lead_id), owners[0])
    # The budget starts at the most the lead's jurisdiction allows, in its currency; the
    # owners lower it.
    jurisdiction = authoring.rules_for(lead)
    with transaction.atomic():
        challenge = authoring.create_challenge(
            actor=actor, viewer=viewer, owners=[lead, *[o for o in owners if o != lead]], lead=lead, now=now,
            title=initiative.title[:200],
            currency=jurisdiction.currency,
            budget_cap=jurisdiction.max_budget,
            background=(
                f"Contracts for {mid_sentence(initiative.service_area.name)} at {', '.join(o.name for o in interested)} end between "
                f"{initiative.window_start:%B %Y} and {initiative.window_end:%B %Y}."
            ),
            affected=", ".join(o.name for o in interested),
        )
        Initiative.objects.filter(pk=initiative.pk).update(challenge=challenge)
    initiative.challenge = challenge
    return challenge
