"""Alert digests: what is new for one subscriber, as an e-mail, and the run that sends every
due one (citytools.opportunities.tasks.send_digests and `citytools send_digests`).

A digest is worked out as its reader: with `Viewer.for_user(user)`, exactly as the site
would show them the same contracts and opportunities on the day it is sent. A contract they
may not see is not in it; a value they may not see is not in it (the value's column is read
through `values_visible`, never from the row). It has up to three sections:

- their organisations' contracts ending within the subscription's horizon;
- other organisations' contracts ending within the horizon in the service areas they chose
  (through the systems they may see in those areas);
- the opportunities the finder sees for each organisation they are staff of
  (`find_opportunities(viewer, organisation=...)`).

"New" means not in an earlier digest: the subscription keeps the keys of what the last digest
could list (`Subscription.sent_keys`). A contract's key holds its end date, so a contract is
announced once when it comes within the horizon and again if its end date moves; an
opportunity's key is its service area and its contracts, so it is announced again when its
contracts change (another organisation's contract joins it, say). With nothing new there is
no digest and no e-mail.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, F, Q, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from citytools.accounts.viewer import Viewer, values_visible
from citytools.contracts.models import Contract
from citytools.directory.models import Organisation
from citytools.inventory.models import System
from citytools.opportunities import alert_rules, alerts
from citytools.opportunities.models import Frequency, Subscription
from citytools.opportunities.queries import find_opportunities

logger = logging.getLogger("citytools.alerts")

# The most lines of each section an e-mail lists; the rest are counted, with a link.
MAX_LINES = 50


@dataclass(frozen=True)
class ContractLine:
    key: str
    organisation: str
    title: str
    supplier: str
    end_date: datetime.date
    extension_end_date: datetime.date | None
    annual_value: Decimal | None  # None when unknown or not visible to the reader
    currency: str
    areas: str
    url: str


@dataclass(frozen=True)
class OpportunityLine:
    key: str
    area: str
    start: datetime.date
    end: datetime.date
    act_by: datetime.date
    months_left: int
    organisations: list[str]
    contracts: int
    url: str


@dataclass
class Digest:
    user: object
    subscription: Subscription
    today: datetime.date
    own: list[ContractLine] = field(default_factory=list)
    peers: list[ContractLine] = field(default_factory=list)
    opportunities: list[OpportunityLine] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # everything current, new or already sent

    @property
    def count(self) -> int:
        return len(self.own) + len(self.peers) + len(self.opportunities)

    @property
    def subject(self) -> str:
        parts = []
        if self.own:
            parts.append(_plural(len(self.own), "of your contracts ending", "of your contracts ending"))
        if self.peers:
            parts.append(_plural(len(self.peers), "other contract ending", "other contracts ending"))
        if self.opportunities:
            parts.append(_plural(len(self.opportunities), "new opportunity", "new opportunities"))
        return "City Tools alerts: " + ", ".join(parts)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def contract_key(pk: int, end: datetime.date) -> str:
    return f"contract:{pk}:{end.isoformat()}"


def opportunity_key(group, members) -> str:
    return f"opportunity:{group}:{','.join(str(m) for m in sorted(members))}"


# Working a digest out ---------------------------------------------------------------------------


def _contract_lines(contracts, viewer, *, areas: list | None) -> list[ContractLine]:
    """Lines for `contracts` (a queryset the reader may see), with the service areas of the
    systems they may see (only those in `areas` when given)."""
    rows = list(
        contracts.annotate(shown=Case(When(values_visible(viewer), then=F("annual_value"))))
        .select_related("organisation", "supplier")
        .order_by("end_date", "organisation__name", "pk")
    )
    links = Contract.systems.through.objects.filter(
        contract__in=[c.pk for c in rows], system__in=System.objects.visible_to(viewer)
    )
    if areas is not None:
        links = links.filter(system__service_areas__in=areas)
    names: dict[int, set[str]] = defaultdict(set)
    for contract, area in links.values_list("contract_id", "system__service_areas__name"):
        if area:
            names[contract].add(area)
    contract_url = reverse("contracts:contract", args=[0]).removesuffix("0/")
    return [
        ContractLine(
            key=contract_key(c.pk, c.end_date), organisation=c.organisation.name, title=c.title, supplier=c.supplier.name,
            end_date=c.end_date, extension_end_date=c.extension_end_date, annual_value=c.shown, currency=c.currency,
            areas=", ".join(sorted(names[c.pk])), url=_absolute(f"{contract_url}{c.pk}/"),
        )
        for c in rows
    ]


def _opportunity_lines(viewer, organisations, *, today) -> list[OpportunityLine]:
    finder_url = reverse("opportunities:finder")
    lines: dict[str, OpportunityLine] = {}
    for organisation in organisations:
        for found in find_opportunities(viewer, organisation=organisation, today=today):
            o = found.opportunity
            # The same contracts found in several areas are one opportunity: keyed by the first
            # of its areas in a fixed order, not by whichever scores best this time.
            key = opportunity_key(o.groups[0], o.members)
            if key in lines:  # it includes two organisations of the reader
                continue
            lines[key] = OpportunityLine(
                key=key, area=found.area_names, start=o.start, end=o.end, act_by=o.act_by, months_left=o.months_left,
                organisations=[org.name for org in found.organisations], contracts=len(found.members),
                url=_absolute(f"{finder_url}?area={found.area.slug}"),
            )
    return sorted(lines.values(), key=lambda line: (line.act_by, line.area, line.key))


def build_digest(user, *, now: datetime.datetime) -> "Digest | None":
    """What is new for `user` at `now`, or None when nothing is (or they have no alerts, or
    may no longer have them). Reads only: the caller records what was sent."""
    subscription = alerts.subscription_of(user)
    if subscription is None or not user.is_active or not user.email:
        return None
    viewer = Viewer.for_user(user)
    if not alert_rules.may_subscribe(viewer.grants):
        return None  # they lost the role that let them subscribe
    today = timezone.localdate(now)
    until = today + datetime.timedelta(days=subscription.horizon_days)
    staff = sorted(viewer.grants.staff_organisations)
    ending = Contract.objects.visible_to(viewer).filter(end_date__gte=today, end_date__lte=until)
    digest = Digest(user=user, subscription=subscription, today=today)
    own, peers, opportunities = [], [], []
    if subscription.own_contracts and staff:
        own = _contract_lines(ending.filter(organisation_id__in=staff), viewer, areas=None)
    areas = list(subscription.peer_areas.all())
    if areas:
        in_areas = System.objects.visible_to(viewer).filter(service_areas__in=areas).values("pk")
        peer_contracts = ending.exclude(organisation_id__in=staff).filter(
            pk__in=Contract.systems.through.objects.filter(system__in=in_areas).values("contract_id")
        )
        peers = _contract_lines(peer_contracts, viewer, areas=areas)
    if subscription.opportunities and staff:
        organisations = Organisation.objects.filter(pk__in=staff).order_by("name")
        opportunities = _opportunity_lines(viewer, organisations, today=today)
    sent = set(subscription.sent_keys or [])
    digest.own = [line for line in own if line.key not in sent]
    digest.peers = [line for line in peers if line.key not in sent]
    digest.opportunities = [line for line in opportunities if line.key not in sent]
    digest.keys = [line.key for line in (*own, *peers, *opportunities)]
    return digest if digest.count else None


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """The e-mail's subject, text and HTML."""
    context = {
        "digest": digest, "max_lines": MAX_LINES, "site_url": settings.SITE_URL,
        "alerts_url": _absolute(reverse("alerts:subscription")),
        "contracts_url": _absolute(reverse("contracts:contracts")),
        "finder_url": _absolute(reverse("opportunities:finder")),
        "own": digest.own[:MAX_LINES], "peers": digest.peers[:MAX_LINES], "opportunities": digest.opportunities[:MAX_LINES],
        "more_own": max(0, len(digest.own) - MAX_LINES), "more_peers": max(0, len(digest.peers) - MAX_LINES),
        "more_opportunities": max(0, len(digest.opportunities) - MAX_LINES),
    }
    text = render_to_string("opportunities/email/digest.txt", context)
    html = render_to_string("opportunities/email/digest.html", context)
    return digest.subject, text, html


def send_digest(digest: Digest) -> None:
    subject, text, html = render_digest(digest)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.user.email])
    message.attach_alternative(html, "text/html")
    message.send()


# The run ---------------------------------------------------------------------------------------


def due(now: datetime.datetime):
    """Subscriptions whose digest is due at `now` (citytools.opportunities.alert_rules.is_due),
    in one query: when nothing is due, a run costs only this."""
    tz = timezone.get_current_timezone()
    daily = Q(frequency=Frequency.DAILY, last_checked_at__lt=alert_rules.due_before(Frequency.DAILY, now, tz))
    weekly = Q(frequency=Frequency.WEEKLY, last_checked_at__lt=alert_rules.due_before(Frequency.WEEKLY, now, tz))
    return (
        Subscription.objects.filter(Q(last_checked_at__isnull=True) | daily | weekly)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )


@dataclass
class Run:
    checked: int = 0
    sent: int = 0
    failed: int = 0
    recipients: list[str] = field(default_factory=list)


def send_due(now: datetime.datetime | None = None, *, dry_run: bool = False) -> Run:
    """Work out and send every due digest. Each subscription is claimed before its digest is
    worked out (so two runs at once do not both send it) and counts as done for its day or
    week whether or not anything was new. With `dry_run` nothing is sent or recorded."""
    now = now or timezone.now()
    run = Run()
    for subscription in due(now):
        if not dry_run and not alerts.claim(subscription, now=now):
            continue  # another run has it
        run.checked += 1
        try:
            digest = build_digest(subscription.user, now=now)
            if digest is None:
                continue
            run.recipients.append(subscription.user.email)
            if dry_run:
                run.sent += 1
                continue
            send_digest(digest)
            alerts.record_sent(subscription, now=now, keys=digest.keys)
            run.sent += 1
        except Exception:  # one person's failure (a refused address) must not stop the others
            logger.exception("Could not send the alert digest of subscription %s.", subscription.pk)
            run.failed += 1
            if not dry_run:
                alerts.release(subscription, now=now)
    return run
