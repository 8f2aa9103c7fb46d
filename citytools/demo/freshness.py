"""The demo's data quality: when each record was last confirmed, a few changed by someone
other than their responsible editor, a running attestation campaign on the London network
in which some boroughs have already answered, and a draft of the next one (to change, launch
or delete), so every freshness page has something to show.

Each organisation gets its own diligence (a share of its records confirmed recently), drawn
from a seeded random generator, so the network's table spreads from stale to fresh. Camden,
the demo editor's borough, has answered nothing yet: signing in as the demo editor, one can
run the campaign's whole flow. Only records nobody has confirmed are touched, and each
campaign is made once (found by its status and message, which ends with the demo marker), so
a rerun keeps a visitor's confirmations.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from citytools.accounts.models import User
from citytools.contracts.models import Contract
from citytools.demo import catalogue as cat
from citytools.demo.people import DEMO_ORGANISATION_GSS, DOMAIN
from citytools.directory.models import Network, Organisation
from citytools.freshness import services
from citytools.freshness.models import Attestation, Campaign, Reminder
from citytools.inventory.models import System

CAMPAIGN_TITLE = "Winter check of systems and contracts"
DRAFT_TITLE = "Spring check of contracts"


def _moment(as_of: datetime.date, days_ago: int, rng: random.Random) -> datetime.datetime:
    day = as_of - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60))))


@transaction.atomic
def build_freshness(*, as_of: datetime.date, seed: int = cat.DEFAULT_SEED) -> int:
    """Confirmation dates for the demo's unconfirmed records and the campaign; returns how
    many records were given a confirmation."""
    organisations = list(Organisation.objects.filter(memberships__network__slug=cat.NETWORK_SLUG).order_by("identifier"))
    camden_editor = User.objects.filter(email=f"editor@{DOMAIN}").first()
    touched = 0
    for organisation in organisations:
        diligence = random.Random(f"{seed}:{organisation.identifier}").uniform(0.2, 0.95)
        for model in (System, Contract):
            rows = list(_typed(model).filter(organisation=organisation, confirmed_at__isnull=True, retired_at__isnull=True).order_by("pk"))
            for record in rows:
                # Drawn from the record itself, so a rerun decides the same for records left unconfirmed.
                rng = random.Random(f"{seed}:{model.__name__}:{record.pk}")
                draw = rng.random()
                if draw < 0.07:
                    continue  # never confirmed
                days = rng.randrange(5, 170) if draw < diligence else rng.randrange(190, 560)
                record.confirmed_at = _moment(as_of, days, rng)
                record.changed_by_other = rng.random() < 0.05
                if organisation.identifier == DEMO_ORGANISATION_GSS and camden_editor is not None:
                    record.responsible = camden_editor
                    record.confirmed_by = camden_editor
            model.objects.bulk_update(rows, ["confirmed_at", "changed_by_other", "responsible", "confirmed_by"], batch_size=500)
            touched += sum(1 for r in rows if r.confirmed_at)
    _build_campaign(as_of=as_of, rng=random.Random(seed))
    _build_draft()
    return touched


def _build_draft() -> None:
    """The coordinator's next campaign, not launched: contracts only, due in two months."""
    if Campaign.objects.filter(status="draft", message__endswith=cat.DEMO_MARKER).exists():
        return
    network = Network.objects.filter(slug=cat.NETWORK_SLUG).first()
    coordinator = User.objects.filter(email=f"coordinator@{DOMAIN}").first()
    if network is None or coordinator is None:
        return
    today = timezone.localdate()
    services.create_campaign(
        network=network, title=DRAFT_TITLE, deadline=today + datetime.timedelta(days=60), actor=coordinator,
        kinds=Campaign.Kinds.CONTRACTS, reminder_days=(14, 3), today=today,
        message="Please check each contract's end date, extension options and value before the spring renewals. "
        + cat.DEMO_MARKER,
    )


def _build_campaign(*, as_of: datetime.date, rng: random.Random) -> None:
    if Campaign.objects.exclude(status="draft").filter(message__endswith=cat.DEMO_MARKER).exists():
        return
    network = Network.objects.filter(slug=cat.NETWORK_SLUG).first()
    coordinator = User.objects.filter(email=f"coordinator@{DOMAIN}").first()
    if network is None or coordinator is None:
        return
    # Running whenever the demo is built: launched ten days ago, three weeks left.
    today = timezone.localdate()
    campaign = services.create_campaign(
        network=network, title=CAMPAIGN_TITLE, deadline=today + datetime.timedelta(days=21), actor=coordinator,
        message="Please confirm your systems and contracts, or correct them, before the new year. " + cat.DEMO_MARKER,
        today=today,
    )
    launched = _moment(today, 10, rng)
    # The demo's records were written just now; as far as the campaign is concerned they were
    # last changed before it started, so a confirmation counts as "unchanged".
    for model in (System, Contract):
        model.objects.filter(organisation__in=[p.organisation_id for p in campaign.participants.all()], updated_at__gt=launched).update(
            updated_at=launched - datetime.timedelta(days=1)
        )
    campaign = services.launch_campaign(campaign, actor=coordinator, now=launched)
    participants = list(campaign.participants.select_related("organisation"))
    # The launch e-mails went out then.
    Reminder.objects.bulk_create(
        [Reminder(campaign=campaign, organisation=p.organisation, days_before=-1, sent_at=launched) for p in participants]
    )
    # About half the boroughs (never Camden) have answered some or all of their records since.
    for participant in participants:
        organisation = participant.organisation
        if organisation.identifier == DEMO_ORGANISATION_GSS or rng.random() < 0.45:
            continue
        share = rng.choice([0.4, 0.7, 1.0, 1.0])
        for model, kind in ((System, "system"), (Contract, "contract")):
            rows = list(_typed(model).filter(organisation=organisation, retired_at__isnull=True).order_by("pk"))
            chosen = [r for r in rows if rng.random() < share]
            attestations = []
            for record in chosen:
                at = launched + datetime.timedelta(days=rng.randrange(1, 9), hours=rng.randrange(8))
                record.confirmed_at = at
                record.changed_by_other = False
                attestations.append(
                    Attestation(campaign=campaign, organisation=organisation, version=record.version, outcome="unchanged", at=at, **{kind: record})
                )
            model.objects.bulk_update(chosen, ["confirmed_at", "changed_by_other"], batch_size=500)
            Attestation.objects.bulk_create(attestations)


def _typed(model):
    """The demo's own records: those a public source put on the map (a register's library
    systems) are real facts, which the demo never pretends anyone confirmed."""
    return model.objects.exclude(provenance__has_key="label")
