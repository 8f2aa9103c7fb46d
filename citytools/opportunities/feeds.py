"""An organisation's private calendar of its contracts (iCalendar, RFC 5545).

The feed holds what the organisation's own staff may see of its own contracts, confidential
ones included: its address (/calendar/<token>.ics) is the credential, and only its staff
see or replace it (citytools.opportunities.alerts). For each current contract, all-day
events on:

- the day it ends;
- its decision point: the end less the procurement lead time of its service area (the
  longest, when its systems are in several), the last day to start replacing it and have a
  new contract in place when it ends (citytools.opportunities.alert_rules.decision_date);
- the day it ends if every extension option is taken, marked as an extension end date.

Contracts that ended over a year ago are left out. Event identifiers are stable, so a
calendar application updates an event when a contract's date moves instead of adding one.
"""

import datetime
from collections import defaultdict

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.core.prose import possessive
from citytools.directory.models import NetworkMembership
from citytools.inventory.models import ServiceArea
from citytools.opportunities.alert_rules import decision_date

PAST_DAYS = 365
DEFAULT_LEAD_MONTHS = ServiceArea._meta.get_field("procurement_lead_months").default
END, DECISION, EXTENSION = "end", "decision", "extension"
CATEGORIES = {END: "Contract end", DECISION: "Decision point", EXTENSION: "Extension end date"}


def staff_viewer(organisation) -> Viewer:
    """What the organisation's own staff may see: their own records, confidential ones too."""
    networks = NetworkMembership.objects.filter(organisation=organisation).values_list("network_id", flat=True)
    return Viewer(Grants(staff_organisations=frozenset({organisation.pk}), member_networks=frozenset(networks)))


def _lead_months(contracts: list[Contract], viewer) -> dict[int, tuple[int, str]]:
    """Each contract's longest procurement lead time among its systems' areas, and that area."""
    # The systems' visibility asked of each linked system, not as a list of every visible
    # system: SQLite took that list as lookups into the links' (contract, system) index, one
    # for every pair of a visible system and a contract (seconds at a few hundred contracts).
    links = (
        Contract.systems.through.objects.filter(contract__in=[c.pk for c in contracts], system__retired_at__isnull=True)
        .filter(viewer.systems_q("system__"))
        .values_list("contract_id", "system__service_areas__procurement_lead_months", "system__service_areas__name")
    )
    found: dict[int, tuple[int, str]] = defaultdict(lambda: (-1, ""))
    for contract, months, area in links:
        if months is not None and (months, area) > found[contract]:
            found[contract] = (months, area)
    return dict(found)


def _event(uid: str, day: datetime.date, summary: str, description: str, kind: str, url: str, *, confidential: bool, stamp):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    if day < datetime.date.max:
        event.add("dtend", day + datetime.timedelta(days=1))
    # else: a row from before dates had bounds (citytools.core.dates); an all-day event with
    # no DTEND lasts its one day (RFC 5545, 3.6.1), so the feed still answers.
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [CATEGORIES[kind]])
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a date to remember, not time that is busy
    event.add("class", "CONFIDENTIAL" if confidential else "PRIVATE")
    return event


def feed_calendar(organisation, *, now: datetime.datetime | None = None) -> icalendar.Calendar:
    now = now or timezone.now()
    today = timezone.localdate(now)
    viewer = staff_viewer(organisation)
    since = today - datetime.timedelta(days=PAST_DAYS)
    contracts = list(
        Contract.objects.visible_to(viewer).filter(organisation=organisation)
        .filter(Q(end_date__gte=since) | Q(extension_end_date__gte=since))
        .select_related("supplier").order_by("end_date", "pk")
    )
    leads = _lead_months(contracts, viewer)
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "citytools"
    stamp = now.astimezone(datetime.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//City Tools//Contract calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{organisation.short_name or organisation.name}: contracts")
    calendar.add("x-wr-caldesc", "When " + possessive(organisation.name, "'") + " contracts end, and when to decide how to replace them.")
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for contract in contracts:
        url = settings.SITE_URL + reverse("contracts:contract", args=[contract.pk])
        what = f"{contract.title} ({contract.supplier.name})"
        confidential = contract.confidential
        uid = f"citytools-contract-{contract.pk}-{{kind}}@{host}"
        calendar.add_component(_event(
            uid.format(kind=END), contract.end_date, f"Contract ends: {what}",
            f"{contract.title}, supplied by {contract.supplier.name}, ends on {contract.end_date:%-d %B %Y}.\n{url}",
            END, url, confidential=confidential, stamp=stamp,
        ))
        months, area = leads.get(contract.pk, (DEFAULT_LEAD_MONTHS, ""))
        because = f"{area} procurements take about {months} months" if area else (
            f"no service area is recorded, so the usual {months} months are counted"
        )
        calendar.add_component(_event(
            uid.format(kind=DECISION), decision_date(contract.end_date, months), f"Decide how to replace: {what}",
            f"The last day to start replacing {contract.title} and have a new contract in place when it ends on "
            f"{contract.end_date:%-d %B %Y}: {because}.\n{url}",
            DECISION, url, confidential=confidential, stamp=stamp,
        ))
        if contract.extension_end_date and contract.extension_end_date != contract.end_date:
            calendar.add_component(_event(
                uid.format(kind=EXTENSION), contract.extension_end_date, f"Contract ends if extended: {what}",
                f"The latest {contract.title} can end, if every extension option is taken. Without extensions it ends "
                f"on {contract.end_date:%-d %B %Y}.\n{url}",
                EXTENSION, url, confidential=confidential, stamp=stamp,
            ))
    return calendar


def feed_ics(organisation, *, now: datetime.datetime | None = None) -> bytes:
    return feed_calendar(organisation, now=now).to_ical()
