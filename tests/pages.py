"""Every page of the site, discovered from the URL resolver, with real objects to show.

The browser tests and the benchmark both use this list, so a page nobody listed is still
loaded, checked with axe and timed. A URL with a parameter needs a sample below, picked from
the demo database; a new one without a sample fails the browser tests with
"no sample for URL <name>" instead of going unchecked.

`python -m tests.pages` prints the pages as JSON for the database the environment points at;
the browser tests run it against the live server's database.
"""

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

# Only the API is left out: tests/test_api_schema.py checks every operation against the
# OpenAPI schema, and it answers JSON, not pages. Static files never appear in the resolver
# (whitenoise serves them from middleware), so nothing else needs excluding.
EXCLUDED_NAMESPACES = {"api"}


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    url: str


class NoSample(LookupError):
    pass


def url_names() -> list[str]:
    """Every named URL of the site outside the excluded namespaces, as "namespace:name"."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXCLUDED_NAMESPACES:
                    continue
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                if entry.name is None:
                    raise AssertionError(f"URL pattern {entry.pattern} has no name, so no test can find it")
                found.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return list(dict.fromkeys(found))


def takes_arguments(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return True
    return False


def _london():
    from citytools.directory.models import Network

    london = Network.objects.filter(slug__startswith="london").order_by("pk").first()
    return london or Network.objects.order_by("pk").first()


def _organisation():
    from citytools.directory.models import Organisation

    network = _london()
    organisations = Organisation.objects.filter(systems__isnull=False)
    if network:
        organisations = organisations.filter(memberships__network=network)
    return organisations.order_by("short_name").first()


def _supplier():
    from citytools.directory.models import Supplier

    return Supplier.objects.filter(contracts__isnull=False).order_by("name").first()


def _largest_supplier():
    from django.db.models import Count

    from citytools.directory.models import Supplier

    return Supplier.objects.annotate(n=Count("systems_supplied", distinct=True) + Count("products_made__systems", distinct=True)).order_by("-n", "name").first()


def _product():
    from citytools.inventory.models import Product

    return Product.objects.filter(systems__isnull=False).order_by("name").first()


def _service_area_group():
    from citytools.inventory.models import ServiceArea

    return ServiceArea.objects.groups().filter(children__systems__isnull=False).order_by("position", "name").first()


def _service_area():
    from citytools.inventory.models import ServiceArea

    return ServiceArea.objects.leaves().filter(systems__isnull=False).order_by("position", "name").first()


def _contract():
    from citytools.contracts.models import Contract

    return Contract.objects.filter(systems__isnull=False).order_by("end_date", "pk").first()


def _system():
    from citytools.inventory.models import System

    return System.objects.active().filter(confidential=False, service_areas__isnull=False).order_by("pk").first()


def _system_with(*statuses):
    """The first current, public demo system in one of `statuses` (System.Status values)."""

    def lookup():
        from citytools.inventory.models import System

        return (
            System.objects.active().filter(confidential=False, service_areas__isnull=False, status__in=statuses)
            .order_by("pk").first()
        )

    return lookup


def _open_contract():
    from citytools.contracts.models import Contract

    return Contract.objects.active().filter(confidential=False).order_by("end_date", "pk").first()


def _initiative():
    from citytools.opportunities.models import Initiative

    return Initiative.objects.order_by("pk").first()


def _pain_point():
    from django.db.models import Count

    from citytools.satisfaction.models import PainPoint

    return PainPoint.objects.annotate(n=Count("shares")).order_by("-n", "pk").first()


def _challenge(*states):
    """The first demo challenge in one of `states` (citytools.partnering.models.State values)."""

    def kwargs():
        from citytools.partnering.models import Challenge

        challenge = Challenge.objects.filter(state__in=states).order_by("pk").first()
        return None if challenge is None else {"slug": challenge.slug}

    return kwargs


def _earliest_version(lookup: Callable):
    """A record and its first history row, for the restore confirmation page.

    Records the demo loads in bulk have no history row yet. Fetched anonymously, the page
    is the sign-in page whatever the version, so any number stands in for a missing one."""

    def kwargs():
        obj = lookup()
        if obj is None:
            return None
        row = obj.history.order_by("history_id").first()
        return {"pk": obj.pk, "history_id": row.history_id if row else 1}

    return kwargs


def _publication_rules():
    from citytools.partnering.models import PublicationRules

    governing = PublicationRules.objects.filter(jurisdictions__isnull=False).order_by("pk").first()
    return governing or PublicationRules.objects.order_by("pk").first()


def _slug(lookup: Callable):
    def kwargs():
        obj = lookup()
        return None if obj is None else {"slug": obj.slug}

    return kwargs


def _pk(lookup: Callable):
    def kwargs():
        obj = lookup()
        return None if obj is None else {"pk": obj.pk}

    return kwargs


def _upload():
    """An upload of the sample London organisation's own systems export, made (in the database
    the pages are listed for) as a platform admin would: its preview finds every row unchanged."""
    from citytools.accounts.models import Role
    from citytools.accounts.viewer import Viewer
    from citytools.spreadsheets.models import Upload
    from citytools.spreadsheets.queries import organisation_export
    from citytools.spreadsheets.services import start_import

    organisation = _organisation()
    if organisation is None:
        return None
    found = Upload.objects.filter(organisation=organisation, status="previewed", job="").order_by("pk").first()
    if found is None:
        admin = Role.objects.filter(kind="admin").select_related("user").order_by("pk").first()
        if admin is None:
            return None
        export = organisation_export(Viewer.for_user(admin.user), organisation, "systems")
        if not export.rows:
            return None
        found = start_import(organisation=organisation, kind="systems", filename="systems.csv", content=export.render("csv"),
                             actor=admin.user)
    return {"pk": found.pk}


def _queued_upload():
    """The same upload as the worker would hold it, a fifth checked: the progress panel."""
    from django.utils import timezone

    from citytools.spreadsheets.models import Upload

    base = _upload()
    if base is None:
        return None
    queued = Upload.objects.filter(job="preview").order_by("pk").first()
    if queued is None:
        queued = Upload.objects.get(pk=base["pk"])
        queued.pk = None
        queued.job, queued.job_total, queued.job_done, queued.job_started_at = "preview", 50, 10, timezone.now()
        queued.report = None
        queued.save()
    return {"pk": queued.pk}


def _camden():
    from citytools.demo.people import DEMO_ORGANISATION_GSS
    from citytools.directory.models import Organisation

    return Organisation.objects.filter(identifier=DEMO_ORGANISATION_GSS).first() or _organisation()


def _campaign_organisation():
    from citytools.freshness.models import Participant

    camden = _camden()
    found = Participant.objects.filter(organisation=camden).order_by("campaign_id").first() or Participant.objects.order_by("pk").first()
    return None if found is None else {"pk": found.campaign_id, "slug": found.organisation.slug}


def _campaign():
    from citytools.freshness.models import Campaign

    return Campaign.objects.order_by("pk").first()


def _draft_campaign():
    from citytools.freshness.models import Campaign

    return Campaign.objects.filter(status="draft").order_by("pk").first()


def _catalogue_proposal(status):
    """A demo proposal of a supplier or product missing from the catalogue, in `status`."""

    def lookup():
        from citytools.inventory.models import CatalogueProposal

        return CatalogueProposal.objects.filter(status=status).order_by("pk").first()

    return _pk(lookup)


def _demo_notices() -> dict:
    """The demo imports no public notices, so these are made once (in the database the pages
    are listed for) as the London network's coordinator would: a file of notices naming
    Camden imported through the services, leaving a new contract waiting for review, a change
    to a contract accepted from an earlier notice, a rejected suggestion and a buyer name to
    recognise; and two imports from the web, one finished and one waiting for the worker."""
    from citytools.accounts.models import Role
    from citytools.notices import services
    from citytools.notices.models import Import, Suggestion
    from tests.notices.ocds import CONTRACTS_FINDER, imported, package_bytes, release

    camden, london = _camden(), _london()
    if camden is None or london is None:
        return {}
    ocids = {name: f"{CONTRACTS_FINDER}-demo-{name}" for name in ("parking", "housing", "library")}
    if not Import.objects.filter(network=london, filename="camden-notices.json").exists():
        role = Role.objects.filter(kind="coordinator", network=london).select_related("user").order_by("pk").first()
        role = role or Role.objects.filter(kind="admin").select_related("user").order_by("pk").first()
        if role is None:
            return {}
        actor, buyer = role.user, camden.name
        first = [
            release(ocid=ocids["parking"], buyer=buyer, title="Parking permit system and civil parking enforcement"),
            release(ocid=ocids["housing"], buyer=buyer, title="Housing repairs system", supplier="Keystone Housing Software Ltd",
                    company_number="07654321", amount=300000, start="2024-04-01", end="2027-03-31"),
            release(ocid=ocids["library"], buyer=buyer, title="Library management system", supplier="Shelfwise Ltd",
                    company_number="09876543", amount=80000),
            release(ocid=f"{CONTRACTS_FINDER}-demo-nowhere", buyer="Borough Council of Nowhere"),
        ]
        imported(*first, actor=actor)
        services.accept(Suggestion.objects.get(notice__ocid=ocids["housing"]), actor=actor)
        services.reject(Suggestion.objects.get(notice__ocid=ocids["library"]), actor=actor, reason="A framework call-off already on the map.")
        renewed = release(ocid=ocids["housing"], release_id="2", date="2025-02-20T09:00:00Z", buyer=buyer, title="Housing repairs system",
                          supplier="Keystone Housing Software Ltd", company_number="07654321", amount=450000, start="2024-04-01",
                          end="2029-03-31")
        done = services.start_import(london, actor=actor, filename="camden-notices.json", content=package_bytes(renewed))
        services.run_web_import(done.pk)
        services.start_import(london, actor=actor, filename="waiting-notices.json", content=package_bytes(*first))
        _demo_harvests(london, actor)
        _demo_survey(camden, actor)
    suggestions = {name: Suggestion.objects.filter(notice__ocid=ocid).first() for name, ocid in ocids.items()}
    suggestions["survey"] = Suggestion.objects.filter(organisation=camden, origin_key=DEMO_SURVEY_KEY).first()
    imports = {job.filename or job.harvest: job for job in Import.objects.filter(network=london).order_by("pk")}
    return {
        **suggestions, "done": imports.get("camden-notices.json"), "waiting": imports.get("waiting-notices.json"),
        "harvest": imports.get("find-a-tender"),
    }


DEMO_SURVEY_KEY = "survey:london-demo:camden"


def _demo_survey(camden, actor) -> None:
    """A system a network's survey suggests to Camden, with its contract and rating: a product
    of the catalogue Camden has no system of, in the first service area."""
    from citytools.inventory.models import Product, ServiceArea, System
    from citytools.notices import services

    used = System.objects.filter(organisation=camden).values_list("product_id", flat=True)
    product = Product.entries.usable_by(camden.pk).exclude(pk__in=used).filter(manufacturer__isnull=False).order_by("pk").first()
    area = ServiceArea.objects.filter(parent__isnull=False).order_by("pk").first()
    if product is None or area is None:
        return
    facts = {
        "product": product.slug, "supplier": product.manufacturer.slug, "service_areas": [area.slug], "hosting": "saas",
        "go_live": "2022-05-01", "rating": {"score": 3, "comment": "Works, but reports are slow."},
        "contract": {"title": f"{product.name} licence", "total_value": "36000", "start_date": "2024-04-01", "end_date": "2027-03-31"},
    }
    services.propose(
        camden, key=DEMO_SURVEY_KEY, label="London survey (demo)", facts=facts, provenance={"label": "London survey (demo)"}, actor=actor,
    )


def _demo_harvests(london, actor) -> None:
    """Where the publishers' harvests stand, as if they had run: Find a Tender stopped after
    its pages and resumes, Contracts Finder failed; and a finished harvest from the web. Not
    through the services, which would ask the real publishers (and a queued harvest would be
    run by the browser tests' worker)."""
    from django.utils import timezone

    from citytools.notices.models import Harvest, Import

    Harvest.objects.get_or_create(source="find-a-tender", defaults={
        "next_url": "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?cursor=demo&limit=100",
        "pages": 3, "releases": 300,
    })
    Harvest.objects.get_or_create(source="contracts-finder", defaults={
        "next_url": "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search?cursor=demo",
        "pages": 1, "releases": 100,
        "last_error": "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search?cursor=demo: gave up after 6 tries: the server answered 503 Service Unavailable.",
    })
    now = timezone.now()
    Import.objects.create(
        network=london, harvest="find-a-tender", created_by=actor, status=Import.Status.DONE, started_at=now, finished_at=now,
        summary={"releases": 300, "ocids": 290, "matched": 12, "unmatched": 278, "it": 9, "suggested": 2, "applied": 0,
                 "unchanged": 0, "skipped": 7, "errors": [], "pages": 3, "finished": False},
    )


def _demo_survey_import(*, queued: bool = False):
    """A survey of the London network uploaded by its coordinator (in the database the pages
    are listed for): a row for the sample organisation, a joint service of two members to
    decide and a row naming no organisation on the map, previewed; or the same file as the
    worker would hold it, a fifth checked: the progress panel."""

    def kwargs():
        from django.utils import timezone

        from citytools.accounts.models import Role
        from citytools.inventory.models import Product, ServiceArea
        from citytools.registers import surveys
        from citytools.registers.models import SurveyImport
        from citytools.registers.rules import joint_parts

        london, camden = _london(), _camden()
        # Two members whose own names are not joint ("Barking and Dagenham" is one council).
        members = [o for o in london.organisations.exclude(pk=camden.pk).order_by("pk") if not joint_parts(o.name)][:2] if london and camden else []
        product = Product.objects.filter(manufacturer__isnull=False, provisional_for__isnull=True).order_by("pk").first()
        area = ServiceArea.objects.filter(parent__isnull=False).order_by("pk").first()
        if len(members) < 2 or product is None or area is None:
            return None
        found = SurveyImport.objects.filter(network=london, label="London survey (pages)", job="").order_by("pk").first()
        if found is None:
            role = Role.objects.filter(kind="coordinator", network=london).select_related("user").order_by("pk").first()
            role = role or Role.objects.filter(kind="admin").select_related("user").order_by("pk").first()
            if role is None:
                return None
            rows = [
                [camden.name, area.name, product.name, product.manufacturer.name],
                [f"{members[0].name} & {members[1].name}", area.name, product.name, product.manufacturer.name],
                ["Borough Council of Nowhere", area.name, product.name, product.manufacturer.name],
            ]
            content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in [["Organisation", "Service areas", "Product", "Manufacturer"], *rows])
            found = surveys.start_survey(london, filename="london-survey.csv", content=content.encode(), label="London survey (pages)",
                                         actor=role.user, background=False)
        if queued:
            waiting = SurveyImport.objects.filter(network=london, job="preview").order_by("pk").first()
            if waiting is None:
                waiting = SurveyImport.objects.get(pk=found.pk)
                waiting.pk = None
                waiting.job, waiting.job_total, waiting.job_done, waiting.job_started_at = "preview", 50, 10, timezone.now()
                waiting.report = None
                waiting.save()
            found = waiting
        return {"slug": london.slug, "pk": found.pk}

    return kwargs


def _notice(key: str):
    """A suggestion or an import of _demo_notices() by its key."""
    return lambda: _demo_notices().get(key)


def _fixed(kwargs: dict):
    return lambda: kwargs


def _calendar_feed():
    """The calendar feed of the sample London organisation. A feed is made only when its staff
    ask for an address, which the demo does not, so this makes it (in the database the pages
    are listed for) as the organisation's staff would."""
    from citytools.opportunities.models import CalendarFeed

    organisation = _organisation()
    if organisation is None:
        return None
    return {"token": CalendarFeed.objects.get_or_create(organisation=organisation)[0].token}


def _selected_proposal(*states):
    """The partner's proposal of the first demo challenge in one of `states`, for debriefs."""

    def kwargs():
        from citytools.partnering.models import Challenge

        challenge = Challenge.objects.filter(state__in=states, selected_proposal__isnull=False).order_by("pk").first()
        return None if challenge is None else {"slug": challenge.slug, "pk": challenge.selected_proposal_id}

    return kwargs


def _proposal(*states, criterion=False):
    """A submitted proposal of the first demo challenge in one of `states` (and, with
    `criterion`, its challenge's first criterion, for a consensus score)."""

    def kwargs():
        from citytools.partnering.models import Proposal

        proposal = (
            Proposal.objects.filter(challenge__state__in=states, status="submitted").select_related("challenge")
            .order_by("challenge__pk", "pk").first()
        )
        if proposal is None:
            return None
        if criterion:
            first = proposal.challenge.criteria.order_by("position", "pk").first()
            return {"slug": proposal.challenge.slug, "proposal_pk": proposal.pk, "criterion_pk": first.pk}
        return {"slug": proposal.challenge.slug, "pk": proposal.pk}

    return kwargs


def _attachment(*states):
    """An attachment in the demo, or any number: the page is behind sign-in, so fetched
    anonymously it is the sign-in page whatever the file."""

    def kwargs():
        from citytools.partnering.models import Attachment, Challenge

        attachment = Attachment.objects.filter(proposal__challenge__state__in=states).order_by("pk").first()
        if attachment is not None:
            return {"slug": attachment.proposal.challenge.slug, "pk": attachment.pk}
        challenge = Challenge.objects.filter(state__in=states).order_by("pk").first()
        return None if challenge is None else {"slug": challenge.slug, "pk": 1}

    return kwargs


# URL name → {label: function returning the URL's kwargs from the database, or None}.
# Pages behind sign-in are fetched anonymously, so they show the sign-in page they redirect to.
SAMPLES: dict[str, dict[str, Callable[[], dict | None]]] = {
    "directory:organisation": {"London organisation": _slug(_organisation)},
    "directory:supplier": {"supplier": _slug(_supplier)},
    "inventory:product": {"product": _slug(_product)},
    "inventory:service_area": {"group": _slug(_service_area_group), "area": _slug(_service_area)},
    "contracts:contract": {"contract": _pk(_contract)},
    "directory:network": {"London network": _slug(_london)},
    "directory:network_visibility": {"London network": _slug(_london)},
    "accounts:network_people": {"London network": _slug(_london)},
    "accounts:organisation_people": {"London organisation": _slug(_organisation)},
    # Only a hash of each real token is stored, so the page shown is the unusable-link one.
    "accounts:invitation": {"unusable link": _fixed({"token": "no-such-invitation"})},
    "accounts:password_reset_confirm": {"unusable link": _fixed({"uidb64": "MQ", "token": "no-such-token"})},
    # Editing (citytools.inventory.edit_views, citytools.contracts.edit_views).
    "inventory:system": {"system": _pk(_system)},
    "inventory:system_add": {"London organisation": _slug(_organisation)},
    "inventory:system_edit": {"system": _pk(_system)},
    "inventory:system_retire": {"system": _pk(_system)},
    "inventory:system_history": {"system": _pk(_system)},
    "inventory:system_restore": {"first version": _earliest_version(_system)},
    "contracts:contract_add": {"London organisation": _slug(_organisation)},
    "contracts:contract_edit": {"contract": _pk(_open_contract)},
    "contracts:contract_retire": {"contract": _pk(_open_contract)},
    "contracts:contract_history": {"contract": _pk(_open_contract)},
    "contracts:contract_restore": {"first version": _earliest_version(_open_contract)},
    # Invitation to Partner: writing a challenge (citytools.partnering.views.authoring).
    "partnering:challenge": {"published": _challenge("published", "questions_closed"), "co-design": _challenge("co_design"), "cancelled": _challenge("cancelled")},
    "partnering:challenge_pdf": {"published challenge": _challenge("published", "questions_closed")},
    "partnering:challenge_edit": {"draft": _challenge("draft")},
    "partnering:challenge_criteria": {"draft": _challenge("draft")},
    "partnering:challenge_panel": {"evaluation": _challenge("evaluation")},
    "partnering:challenge_move": {"in review": _challenge("in_review")},
    "partnering:challenge_log": {"selection": _challenge("selection")},
    "partnering:questions": {"published challenge": _challenge("published", "questions_closed")},
    "partnering:addenda": {"published challenge": _challenge("published", "questions_closed")},
    # After selection (citytools.partnering.views.outcome).
    "partnering:award": {"co-design": _challenge("co_design", "closed_out")},
    "partnering:purchase_add": {"co-design": _challenge("co_design", "closed_out")},
    "partnering:debriefs": {"co-design": _challenge("co_design", "closed_out")},
    "partnering:debrief_proposal": {"partner's debrief": _selected_proposal("co_design", "closed_out")},
    "partnering:debrief_release": {"partner's feedback to review": _selected_proposal("co_design", "closed_out")},
    "partnering:codesign": {"co-design": _challenge("co_design")},
    "partnering:milestone_add": {"co-design": _challenge("co_design")},
    "partnering:checkin_add": {"co-design": _challenge("co_design")},
    "partnering:survey": {"closed out": _challenge("closed_out", "co_design")},
    "partnering:survey_results": {"closed out": _challenge("closed_out", "co_design")},
    "partnering:challenge_metrics": {"open": _challenge("published", "questions_closed"), "closed out": _challenge("closed_out", "co_design")},
    "partnering:ocds": {"co-design": _challenge("co_design", "closed_out")},
    # Proposals and evaluation (citytools.partnering.views.proposals and .evaluation).
    "partnering:my_proposal": {"published": _challenge("published"), "evaluation": _challenge("evaluation")},
    "partnering:proposal_receipt": {"evaluation": _challenge("evaluation")},
    "partnering:proposal_receipt_download": {"evaluation": _challenge("evaluation")},
    "partnering:proposals": {"published (count only)": _challenge("published"), "evaluation": _challenge("evaluation")},
    "partnering:proposal_detail": {"evaluation": _proposal("evaluation")},
    "partnering:proposal_screen": {"evaluation": _proposal("evaluation")},
    "partnering:attachment_download": {"evaluation": _attachment("evaluation", "selection", "co_design")},
    "partnering:declaration": {"evaluation": _challenge("evaluation")},
    "partnering:scoring": {"evaluation": _challenge("evaluation")},
    "partnering:score_proposal": {"evaluation": _proposal("evaluation")},
    "partnering:consensus": {"selection": _challenge("selection")},
    "partnering:consensus_edit": {"selection": _proposal("selection", criterion=True)},
    "partnering:selection": {"selection": _challenge("selection")},
    "partnering:rules_edit": {"rules of a jurisdiction": _slug(_publication_rules)},
    # Satisfaction (citytools.satisfaction.views).
    "satisfaction:organisation_ratings": {"London organisation": _slug(_organisation)},
    # A system in use has the form; a planned one says it is rated once in use.
    "satisfaction:rate": {"system in use": _pk(_system_with("live")), "planned system": _pk(_system_with("planned"))},
    "satisfaction:pain_point": {"most shared": _pk(_pain_point)},
    "opportunities:initiative": {"demo initiative": _pk(_initiative)},
    # The supplier with the most systems: the longest pack, which the 2-second target is about.
    "satisfaction:pack": {"largest supplier": _slug(_largest_supplier)},
    "satisfaction:pack_pdf": {"largest supplier": _slug(_largest_supplier)},
    # Alerts and calendar feeds (citytools.opportunities.views_alerts).
    "alerts:organisation_calendar": {"London organisation": _slug(_organisation)},
    "alerts:calendar_feed": {"London organisation's feed": _calendar_feed},
    # Data quality and attestation campaigns (citytools.freshness.views).
    "freshness:network": {"London network": _slug(_london)},
    "freshness:organisation": {"Camden, as its editor": _slug(_camden)},
    "freshness:campaign_new": {"London network": _slug(_london)},
    "freshness:campaign": {"the demo campaign": _pk(_campaign), "the demo's draft": _pk(_draft_campaign)},
    "freshness:campaign_edit": {"the demo's draft": _pk(_draft_campaign)},
    "freshness:campaign_delete": {"the demo's draft": _pk(_draft_campaign)},
    "freshness:campaign_organisation": {"Camden in the demo campaign, as its editor": _campaign_organisation},
    # Spreadsheet import and export (citytools.spreadsheets.views).
    "spreadsheets:import": {"London organisation": _slug(_organisation)},
    "spreadsheets:upload": {"London organisation's systems": _upload, "the same, while the worker checks it": _queued_upload},
    "spreadsheets:organisation_export": {"London organisation": _slug(_organisation)},
    "spreadsheets:network_export": {"London network": _slug(_london)},
    # Public notices' review queue, buyer names and imports (citytools.notices.views).
    "notices:queue": {"Camden, with its demo notices": lambda: _demo_notices() and _slug(_camden)()},
    "notices:suggestion": {
        "a new contract, waiting": _pk(_notice("parking")), "a change, waiting": _pk(_notice("housing")),
        "rejected": _pk(_notice("library")), "a system from a survey, waiting": _pk(_notice("survey")),
    },
    "notices:network": {"London network": _slug(_london)},
    "notices:import": {
        "finished": _pk(_notice("done")), "waiting for the worker": _pk(_notice("waiting")), "a harvest": _pk(_notice("harvest")),
    },
    # Proposals of what the catalogue lacks (citytools.inventory.catalogue_views).
    "inventory:catalogue_propose": {"London organisation": _slug(_organisation)},
    "inventory:catalogue_proposal": {"waiting for review": _catalogue_proposal("pending"), "rejected": _catalogue_proposal("rejected")},
    # The public registers City Tools ships (citytools.registers.views).
    "registers:register": {"the library register": lambda: {"name": "libraries"}},
    "registers:surveys": {"London network": _slug(_london)},
    "registers:survey": {
        "a preview with a joint service to decide and an error": _demo_survey_import(),
        "the same, while the worker checks it": _demo_survey_import(queued=True),
    },
}

# Addresses whose secret token is the credential: whoever holds one reads what the token's
# owners may (an organisation's calendar feed holds its confidential contracts). The leak test
# fetches every page as outsiders, who by definition hold no token, so every_page() leaves
# these out; tests/opportunities/test_calendar.py checks that a wrong or replaced token reads
# nothing. The browser tests still load them, from SAMPLES.
SECRET_ADDRESSES = {"alerts:calendar_feed"}

# Pages that are one person's own, and the demo account to sign in as to see them (the
# samples above are the demo's Toronto challenges, where these people have their parts);
# every other page is opened signed in as the demo's platform admin, who may see it.
SIGNED_IN_AS = {
    "partnering:my_proposal": "applicant1",
    "partnering:proposal_edit": "applicant1",
    "partnering:proposal_receipt": "applicant1",
    "partnering:proposal_receipt_download": "applicant1",
    "partnering:attachments": "applicant1",
    "partnering:declaration": "evaluator1",
    "partnering:scoring": "evaluator1",
    "partnering:score_proposal": "evaluator1",
    # Alerts are for staff of an organisation and coordinators, not a platform admin as such.
    "alerts:subscription": "member",
    # An organisation's editor sees the confirm buttons and the correction links.
    "freshness:organisation": "editor",
    "freshness:campaign_organisation": "editor",
}


def signed_in_as(name: str) -> str:
    return SIGNED_IN_AS.get(name, "admin")


# URLs that only act on a POST (sign out, revoke): there is no page to load or check.
ACTIONS = {"partnering:milestone_done", "accounts:logout", "accounts:revoke_role", "accounts:revoke_invitation", "partnering:interest", "partnering:question_answer",
    "partnering:proposal_submit", "partnering:proposal_withdraw", "partnering:proposal_reconfirm", "partnering:attachment_add",
    "partnering:attachment_remove", "partnering:scoring_complete", "partnering:selection_sign_off",
    "satisfaction:pain_point_share", "satisfaction:pain_point_status", "satisfaction:pain_point_reply",
    "satisfaction:pain_point_challenge", "opportunities:initiative_start", "opportunities:initiative_answer",
    "opportunities:initiative_note", "opportunities:initiative_invite", "opportunities:initiative_plan",
    "opportunities:initiative_outcome", "opportunities:initiative_challenge", "spreadsheets:commit",
    "freshness:review_period", "freshness:confirm", "freshness:responsible", "freshness:campaign_launch", "freshness:campaign_close",
    "notices:accept", "notices:reject", "notices:buyer_link", "notices:buyer_dismiss", "notices:trust",
    "notices:harvest", "notices:hint_remove", "registers:load", "registers:survey_decide", "registers:survey_commit"}


# URL name → {label: query string}: states of a page worth checking besides its default,
# because they render different templates (search results rather than guidance).
STATES: dict[str, dict[str, str]] = {
    "search:search": {"results": "?q=bar"},
    "contracts:timeline": {"24 months": "?months=24"},
}


def pages_for(name: str) -> list[Page]:
    """The pages to check for one URL name; raises NoSample when there is no way to fill it."""
    from django.urls import reverse

    if name in ACTIONS:
        return []
    if not takes_arguments(name):
        url = reverse(name)
        states = [Page(name=name, label=f"{name} ({label})", url=url + query) for label, query in STATES.get(name, {}).items()]
        return [Page(name=name, label=name, url=url), *states]
    if name not in SAMPLES:
        raise NoSample(f"no sample for URL {name}: add one to SAMPLES in tests/pages.py")
    pages = []
    for label, lookup in SAMPLES[name].items():
        kwargs = lookup()
        if kwargs is None:
            raise NoSample(f"no sample for URL {name} ({label}): the database has no such object")
        pages.append(Page(name=name, label=f"{name} ({label})", url=reverse(name, kwargs=kwargs)))
    return pages


def discover() -> dict[str, list[Page] | str]:
    """Every URL name, mapped to its pages or to the reason it cannot be checked."""
    found: dict[str, list[Page] | str] = {}
    for name in url_names():
        try:
            found[name] = pages_for(name)
        except NoSample as error:
            found[name] = str(error)
    return found


# Every object behind a URL, for small test worlds (tests/test_leaks.py) -------------------
#
# SAMPLES picks one typical object from the demo; a leak test needs every object, above all
# the confidential and retired ones. The model behind a parameter is the collection named
# just before it in the route ("systems/<pk>/"), or the two before it where one would name
# another app's ("notices/imports/<pk>/"), and "history/<history_id>" means the historical
# versions of the record before it.

COLLECTIONS = {
    "organisations": "directory.Organisation",
    "suppliers": "directory.Supplier",
    "networks": "directory.Network",
    "products": "inventory.Product",
    "service-areas": "inventory.ServiceArea",
    "systems": "inventory.System",
    "contracts": "contracts.Contract",
    "challenges": "partnering.Challenge",
    "debriefs": "partnering.Proposal",
    "proposals": "partnering.Proposal",
    "scoring": "partnering.Proposal",
    "consensus": "partnering.Proposal",
    "criteria": "partnering.Criterion",
    "attachments": "partnering.Attachment",
    "rules": "partnering.PublicationRules",
    "publication-rules": "partnering.PublicationRules",
    "pain-points": "satisfaction.PainPoint",
    "initiatives": "opportunities.Initiative",
    "imports": "spreadsheets.Upload",
    "campaigns": "freshness.Campaign",
    "catalogue-proposals": "inventory.CatalogueProposal",
    "suggestions": "notices.Suggestion",
    "notice-imports": "notices.Import",
    "surveys": "registers.SurveyImport",
    # Two segments where one names another app's collection ("imports" are spreadsheets').
    "notices/imports": "notices.Import",
}


def _register_names() -> list[str]:
    from citytools.registers.shipped import REGISTERS

    return list(REGISTERS)


# Collections that are not tables: the names a parameter after them can take.
NAMED = {"registers": _register_names}


def _route(name: str) -> str:
    """The route of a URL name as a format string, e.g. "systems/%(pk)s/history/"."""
    from django.urls import get_resolver

    resolver, prefix = get_resolver(), ""
    *namespaces, last = name.split(":")
    for namespace in namespaces:
        extra, resolver = resolver.namespace_dict[namespace]
        prefix += extra
    return prefix + resolver.reverse_dict.getlist(last)[0][0][0][0]


def parameter_values(route: str) -> list[dict] | None:
    """Every combination of values the route's parameters can take in the database, or None
    when a parameter names no known collection. Works for page routes ("%(pk)s") and API
    paths ("{contract_id}") alike."""
    import itertools
    import re

    from django.apps import apps

    segments = [segment for segment in route.split("/") if segment]
    choices: list[tuple[str, list]] = []
    previous_model, previous_key = None, None
    for index, segment in enumerate(segments):
        match = re.fullmatch(r"%\((\w+)\)s|\{(\w+)\}", segment)
        if not match:
            continue
        key = match.group(1) or match.group(2)
        before = segments[index - 1] if index else ""
        if before == "history" and previous_model is not None:
            choices.append((key, ("history", previous_key, previous_model)))
            continue
        collection = COLLECTIONS.get("/".join(segments[max(index - 2, 0):index])) or COLLECTIONS.get(before)
        if collection is None and before in NAMED:
            choices.append((key, NAMED[before]()))
            continue
        if collection is None:
            return None
        model = apps.get_model(collection)
        field = "slug" if key == "slug" else "pk"
        choices.append((key, list(model._base_manager.order_by("pk").values_list(field, flat=True))))
        previous_model, previous_key = model, key
    if not choices:
        return [{}]
    combinations: list[dict] = [{}]
    for key, values in choices:
        if isinstance(values, tuple):
            # The history rows of the record chosen for the previous parameter.
            _, parent_key, parent_model = values
            grown = []
            for combination in combinations:
                history = parent_model.history.filter(id=combination[parent_key])
                grown.extend({**combination, key: h} for h in history.values_list("history_id", flat=True))
            combinations = grown
        else:
            combinations = [{**c, key: v} for c, v in itertools.product(combinations, values)]
    return combinations


def every_page() -> dict[str, list[Page] | str]:
    """Every URL name, with a page for every object behind it in the current database; a URL
    whose parameters name no collection falls back to SAMPLES. SECRET_ADDRESSES are left out."""
    from django.urls import reverse

    found: dict[str, list[Page] | str] = {}
    for name in url_names():
        if name in ACTIONS or name in SECRET_ADDRESSES:
            continue
        combinations = parameter_values(_route(name)) if takes_arguments(name) else None
        if combinations is None:
            try:
                found[name] = pages_for(name)
            except NoSample as error:
                found[name] = str(error)
            continue
        found[name] = [
            Page(name=name, label=f"{name} {kwargs}", url=reverse(name, kwargs=kwargs)) for kwargs in combinations
        ]
    return found


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citytools.settings")
    import django

    django.setup()
    found = discover()
    json.dump(
        {name: value if isinstance(value, str) else [asdict(p) for p in value] for name, value in found.items()},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
