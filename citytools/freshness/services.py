"""Writes of freshness: confirming records, naming who answers for them, the review period,
and attestation campaigns (create, launch, close) with their reminders.

Confirming never bumps a record's version nor writes a history row (it changes nothing the
record says); it is guarded by the version the person saw, so nobody confirms a version they
never looked at. Every confirmation leaves an Attestation row.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone

from citytools.accounts.queries import organisation_editors
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.directory.models import Network, Organisation
from citytools.freshness import queries, rules
from citytools.freshness.access import (  # noqa: F401  (the doors ask services who may)
    everything,
    may_read_quality,
    may_run,
    require_read_quality,
    require_run,
)
from citytools.freshness.models import Attestation, Campaign, Participant, Reminder
from citytools.freshness.rules import CampaignStatus
from citytools.inventory.models import ServiceArea, System

MODELS = {"system": System, "contract": Contract}
logger = logging.getLogger(__name__)
MAX_KEYS = 5000


def require_campaign_organisation(viewer, campaign: Campaign, organisation: Organisation) -> None:
    """An organisation's page of a campaign: only for an organisation it asks (otherwise it
    does not exist), and only for those who may see all that organisation's records."""
    if not campaign.participants.filter(organisation=organisation).exists():
        raise NotFound("This organisation is not part of the campaign.")
    require_read_quality(viewer, organisation.pk)


def readable_campaign(viewer, pk) -> Campaign:
    campaign = queries.campaigns_visible_to(viewer).filter(pk=pk).select_related("network").first()
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


# Confirming ---------------------------------------------------------------------------


def parse_keys(values) -> list[tuple[str, int, int]]:
    """Record keys as forms and the API send them: "system:12:3" (kind, id, version seen)."""
    keys = []
    for value in values or []:
        if isinstance(value, (tuple, list)):
            parts = list(value)
        else:
            parts = str(value).split(":")
        try:
            kind, pk, version = parts
            keys.append((str(kind), int(pk), int(version)))
        except (TypeError, ValueError):
            raise DomainError(f"Not a record to confirm: {value!r}.", code="invalid", field="records") from None
        if kind not in MODELS:
            raise DomainError(f"Not a kind of record: {kind!r}.", code="invalid", field="records")
    if not keys:
        raise DomainError("Choose at least one record to confirm.", code="required", field="records")
    if len(keys) > MAX_KEYS:
        raise DomainError(f"Confirm at most {MAX_KEYS} records at a time.", code="invalid", field="records")
    return keys


@dataclass
class Confirmed:
    confirmed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # titles of records changed since the page was opened

    @property
    def message(self) -> str:
        n = len(self.confirmed)
        text = f"{n} record{'s' if n != 1 else ''} confirmed."
        if self.skipped:
            text += (
                f" {len(self.skipped)} changed since you opened the page and {'were' if len(self.skipped) != 1 else 'was'}"
                f" not confirmed: {', '.join(self.skipped)}. Check {'them' if len(self.skipped) != 1 else 'it'} again."
            )
        return text


def _require_edit(actor, organisation_id: int) -> Viewer:
    viewer = Viewer.for_user(actor)
    if not viewer.can_edit(organisation_id):
        raise Forbidden("Only the organisation's own editors can confirm its records.")
    return viewer


def _running_participant(campaign: Campaign, organisation_id: int) -> None:
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("This campaign is not running: confirmations are no longer counted in it.", code="invalid_state")
    if not campaign.participants.filter(organisation_id=organisation_id).exists():
        raise DomainError("This organisation is not part of the campaign.", code="invalid", field="organisation")


@transaction.atomic
def confirm_records(
    *, organisation: Organisation, keys, actor, campaign: Campaign | None = None, now: datetime.datetime | None = None
) -> Confirmed:
    """Confirm that each record (kind, id, version seen) is true as it stands. A record that
    has moved on since that version is skipped and named, never confirmed unseen."""
    viewer = _require_edit(actor, organisation.pk)
    if campaign is not None:
        _running_participant(campaign, organisation.pk)
    now = now or timezone.now()
    keys = parse_keys(keys)
    result = Confirmed()
    attestations = []
    for kind, pk, version in keys:
        model = MODELS[kind]
        record = model.objects.visible_to(viewer).filter(pk=pk, organisation=organisation).first()
        if record is None:
            raise DomainError(f"This organisation has no current {kind} {pk}.", code="not_found", field="records")
        title = str(record.product) if kind == "system" else record.title
        claimed = model.objects.filter(pk=pk, version=version, retired_at__isnull=True).update(
            confirmed_at=now, confirmed_by=actor, changed_by_other=False
        )
        if not claimed:
            result.skipped.append(title)
            continue
        changed = bool(campaign and campaign.launched_at and record.updated_at > campaign.launched_at)
        attestations.append(
            Attestation(
                campaign=campaign, organisation=organisation, version=version, actor=actor, at=now,
                outcome=rules.outcome(changed_since_launch=changed), **{kind: record},
            )
        )
        result.confirmed.append(title)
    Attestation.objects.bulk_create(attestations)
    return result


def record_by_key(viewer, organisation: Organisation, key: str):
    """The organisation's current record a form or the API names as "system:12" (or with the
    version seen, "system:12:3"), if this person may see it."""
    kind, _, rest = str(key or "").partition(":")
    pk = rest.split(":")[0]
    if kind not in MODELS or not pk.isdigit():
        raise DomainError('Name the record as "system:12" or "contract:7".', code="invalid", field="record")
    record = MODELS[kind].objects.visible_to(viewer).filter(pk=int(pk), organisation=organisation).first()
    if record is None:
        raise NotFound("No such record.")
    return record


def editor_named(organisation_id: int, value):
    """The editor a form (by id) or the API (by e-mail address) names, or None for nobody."""
    value = str(value or "").strip()
    if not value:
        return None
    editors = organisation_editors(organisation_id)
    user = editors.filter(pk=int(value)).first() if value.isdigit() else editors.filter(email__iexact=value).first()
    if user is None:
        raise DomainError("Only an editor of the organisation can answer for its records.", code="invalid", field="responsible")
    return user


@transaction.atomic
def set_responsible(record, *, user, actor):
    """Name the editor who answers for a record (None: nobody). Only the organisation's
    editors may, and only one of them can be named."""
    _require_edit(actor, record.organisation_id)
    if user is not None and not organisation_editors(record.organisation_id).filter(pk=user.pk).exists():
        raise DomainError("Only an editor of the organisation can answer for its records.", code="invalid", field="responsible")
    type(record).objects.filter(pk=record.pk).update(responsible=user)
    record.responsible = user
    return record


@transaction.atomic
def set_review_period(network: Network, *, months, actor) -> Network:
    """How often the network's records must be confirmed. Its coordinators and admins may."""
    require_run(Viewer.for_user(actor), network.pk)
    network.review_months = rules.check_review_months(months)
    network._history_user = actor
    network.save(update_fields=["review_months", "updated_at"])
    return network


# Campaigns ------------------------------------------------------------------------------


STALE_CAMPAIGN = (
    "Someone else changed this campaign since you opened it, or launched or deleted it. Nothing was saved. "
    "Open the current version, then make your change again."
)


def _require_coordinate(actor, network_id: int) -> Viewer:
    viewer = Viewer.for_user(actor)
    require_run(viewer, network_id)
    return viewer


def _areas(values) -> list[ServiceArea]:
    values = [v for v in values or [] if v not in (None, "")]
    if not values:
        return []
    areas = []
    for value in values:
        area = value if isinstance(value, ServiceArea) else ServiceArea.objects.filter(slug=str(value)).first()
        if area is None:
            raise DomainError(f"No such service area: {value}.", code="invalid", field="service_areas")
        areas.append(area)
    return areas


@dataclass
class CampaignFields:
    """What a draft campaign says, checked: its own fields, its areas and whom it asks."""

    fields: dict
    areas: list[ServiceArea]
    organisations: list[Organisation]


def _campaign_fields(
    network: Network, *, title, deadline, message, kinds, service_areas, organisations, reminder_days, today
) -> CampaignFields:
    """Check what a coordinator wrote for a draft, whether new or changed; the first problem
    is refused, naming its field."""
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter a title.", code="required", field="title")
    if len(title) > 200:
        raise DomainError("The title must be 200 characters or fewer.", code="invalid", field="title")
    if kinds not in Campaign.Kinds.values:
        raise DomainError("Choose systems, contracts or both.", code="invalid", field="kinds")
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            raise DomainError("Enter a real date, like 2027-03-31.", code="invalid", field="deadline") from None
    deadline = rules.check_deadline(deadline, today)
    days = rules.parse_reminder_days(reminder_days)
    areas = _areas(service_areas)
    members = Organisation.objects.current().in_network(network)
    if organisations:
        slugs = [o.slug if isinstance(o, Organisation) else str(o) for o in organisations]
        chosen = list(members.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {o.slug for o in chosen})
        if unknown:
            raise DomainError(f"Not in this network: {', '.join(unknown)}.", code="invalid", field="organisations")
    else:
        chosen = list(members)
    if not chosen:
        raise DomainError("The network has no organisations to ask.", code="invalid", field="organisations")
    fields = {"title": title, "message": (message or "").strip(), "kinds": kinds, "deadline": deadline, "reminder_days": days}
    return CampaignFields(fields, areas, chosen)


@transaction.atomic
def create_campaign(
    *,
    network: Network,
    title: str,
    deadline,
    actor,
    message: str = "",
    kinds: str = Campaign.Kinds.BOTH,
    service_areas=(),
    organisations=None,
    reminder_days=(7, 1),
    today: datetime.date | None = None,
) -> Campaign:
    """A draft campaign for the network's organisations (or those named), ready to launch."""
    _require_coordinate(actor, network.pk)
    checked = _campaign_fields(
        network, title=title, deadline=deadline, message=message, kinds=kinds, service_areas=service_areas,
        organisations=organisations, reminder_days=reminder_days, today=today or timezone.localdate(),
    )
    campaign = Campaign.objects.create(network=network, created_by=actor, **checked.fields)
    campaign.service_areas.set(checked.areas)
    Participant.objects.bulk_create([Participant(campaign=campaign, organisation=o) for o in checked.organisations])
    return campaign


def _version(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("The version must be a whole number.", code="invalid", field="version") from None


@transaction.atomic
def update_campaign(
    campaign: Campaign,
    *,
    version,
    title: str,
    deadline,
    actor,
    message: str = "",
    kinds: str = Campaign.Kinds.BOTH,
    service_areas=(),
    organisations=None,
    reminder_days=(7, 1),
    today: datetime.date | None = None,
) -> Campaign:
    """Replace what a draft says and whom it asks, if it is still at `version` (the one the
    person read): only a draft, by those who run the network's campaigns. Nothing is written
    unless all of it is."""
    _require_coordinate(actor, campaign.network_id)
    rules.check_draft(campaign.status)
    checked = _campaign_fields(
        campaign.network, title=title, deadline=deadline, message=message, kinds=kinds, service_areas=service_areas,
        organisations=organisations, reminder_days=reminder_days, today=today or timezone.localdate(),
    )
    current = Campaign.objects.filter(pk=campaign.pk, version=_version(version), status=CampaignStatus.DRAFT).first()
    if (
        current is not None
        and history.unchanged(current, checked.fields, {"service_areas": checked.areas})
        and {o.pk for o in checked.organisations} == set(current.participants.values_list("organisation_id", flat=True))
    ):
        return current  # Saved unchanged: no new version.
    # The status is in the WHERE too: a launch that got there first makes this stale.
    claimed = Campaign.objects.filter(pk=campaign.pk, version=_version(version), status=CampaignStatus.DRAFT).update(
        **checked.fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise Conflict(STALE_CAMPAIGN, code="stale_version")
    campaign = Campaign.objects.get(pk=campaign.pk)
    campaign.service_areas.set(checked.areas)
    wanted = {o.pk for o in checked.organisations}
    campaign.participants.exclude(organisation__in=wanted).delete()
    present = set(campaign.participants.values_list("organisation_id", flat=True))
    Participant.objects.bulk_create(
        [Participant(campaign=campaign, organisation=o) for o in checked.organisations if o.pk not in present]
    )
    return campaign


@transaction.atomic
def delete_campaign(campaign: Campaign, *, version, actor) -> None:
    """Delete a draft, if it is still at `version`: only a draft (nobody has been told of it
    yet), by those who run the network's campaigns. Whom it asked goes with it."""
    _require_coordinate(actor, campaign.network_id)
    rules.check_draft(campaign.status)
    deleted, _ = Campaign.objects.filter(pk=campaign.pk, version=_version(version), status=CampaignStatus.DRAFT).delete()
    if not deleted:
        raise Conflict(STALE_CAMPAIGN, code="stale_version")


def _move(campaign: Campaign, after: str, **fields) -> Campaign:
    """Move a campaign on, if nobody moved it first (the status is in the WHERE)."""
    rules.check_move(campaign.status, after)
    moved = Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(
        status=after, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise DomainError("Someone else changed this campaign's status just now. Reload the page.", code="stale_status")
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def launch_campaign(campaign: Campaign, *, actor, now: datetime.datetime | None = None) -> Campaign:
    """Start the campaign: each organisation's freshness now is kept for the report, and its
    editors are told (by the worker's reminder run, straight after)."""
    _require_coordinate(actor, campaign.network_id)
    now = now or timezone.now()
    rules.check_deadline(campaign.deadline, timezone.localdate(now))
    campaign = _move(campaign, CampaignStatus.RUNNING, launched_at=now)
    participants = list(campaign.participants.select_related("organisation"))
    found = queries.scores(everything(), [p.organisation for p in participants], now=now)
    for participant in participants:
        participant.freshness_at_launch = found[participant.organisation_id].freshness
    Participant.objects.bulk_update(participants, ["freshness_at_launch"])
    transaction.on_commit(lambda: _queue_reminders())
    return campaign


# Sent once a campaign's launch commits. citytools.freshness.tasks answers it by queueing
# the reminder task, so the first e-mails go now rather than at the worker's next round
# (the task runs these services, so they cannot import it).
campaign_launched = Signal()


def _queue_reminders():
    campaign_launched.send(sender=Campaign)


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor, now: datetime.datetime | None = None) -> Campaign:
    """End the campaign and keep its report: each organisation's figures at this moment.
    `actor` None is the worker closing it after its deadline."""
    if actor is not None:
        _require_coordinate(actor, campaign.network_id)
    now = now or timezone.now()
    progress = queries.campaign_progress(campaign, now=now)
    report = [row.as_report() for row in progress.organisations]
    return _move(campaign, CampaignStatus.CLOSED, closed_at=now, report=report)


# Reminders ------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    sent: int = 0
    failed: int = 0
    recipients: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)


def _send_reminder(campaign, row, *, days_before: int, now) -> list[str]:
    """One organisation's e-mail, recorded once. The record and the sending are one
    transaction: if the mail server refuses, no reminder is recorded, and the next run tries
    again."""
    editors = [u.email for u in organisation_editors(row.organisation.pk) if u.email]
    days_left = (campaign.deadline - timezone.localdate(now)).days
    context = {
        "campaign": campaign, "row": row, "days_before": days_before, "days_left": days_left, "site_url": settings.SITE_URL,
        "link": settings.SITE_URL + campaign.get_absolute_url() + f"organisations/{row.organisation.slug}/",
    }
    subject = render_to_string("freshness/email/reminder_subject.txt", context).strip()
    body = render_to_string("freshness/email/reminder.txt", context)
    try:
        with transaction.atomic():
            Reminder.objects.create(
                campaign=campaign, organisation=row.organisation, days_before=days_before, recipients=len(editors), sent_at=now
            )
            for email in editors:
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]).send()
    except IntegrityError:  # another worker sent this one
        return []
    return editors


def send_due_reminders(now: datetime.datetime | None = None) -> ReminderRun:
    """For every running campaign: tell each organisation's editors at launch, remind those
    with records left on the campaign's reminder days (each reminder once, and at most one
    e-mail a day to an organisation), and close the campaign the day after its deadline.
    A mail server's refusal is logged and retried on the next run; it stops nobody else's."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = ReminderRun()
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING).select_related("network"):
        if today > campaign.deadline:
            close_campaign(campaign, actor=None, now=now)
            run.closed.append(campaign.title)
            continue
        sent = set()
        sent_today = set()
        for organisation, days_before, sent_at in campaign.reminders.values_list("organisation_id", "days_before", "sent_at"):
            sent.add((organisation, days_before))
            if timezone.localdate(sent_at) == today:
                sent_today.add(organisation)
        launched = timezone.localdate(campaign.launched_at) if campaign.launched_at else None
        due = rules.reminder_due(deadline=campaign.deadline, today=today, days=campaign.reminder_days, launched=launched)
        for row in queries.campaign_progress(campaign, now=now).organisations:
            pk = row.organisation.pk
            if row.outstanding == 0 or pk in sent_today:
                continue
            if (pk, -1) not in sent:
                days_before = -1
            elif due is not None and (pk, due) not in sent:
                days_before = due
            else:
                continue
            try:
                recipients = _send_reminder(campaign, row, days_before=days_before, now=now)
            except Exception:  # the mail server's error: logged, and retried on the next run
                logger.exception("Could not send campaign %s's e-mail to %s.", campaign.pk, row.organisation)
                run.failed += 1
                continue
            run.sent += 1 if recipients else 0
            run.recipients += recipients
    return run
