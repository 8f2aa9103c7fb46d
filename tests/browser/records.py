"""The records behind the edit forms' round trip (tests/browser/test_edit_round_trip.py), read
and prepared in the browser server's own database.

`python -m tests.browser.records prepare <case>` fills every field of the case's demo record
through the services (as an editor would) and prints where its edit form is;
`python -m tests.browser.records snapshot <case> <key>` prints the record as stored (every
column, its links and how many history rows it has). The browser tests run both with the
server's environment, as tests/pages.py is run.
"""

import datetime
import json
import os
import sys
from decimal import Decimal

DOMAIN = "demo.citytools.invalid"


def _user(name: str):
    from citytools.accounts.models import User

    return User.objects.get(email=f"{name}@{DOMAIN}")


def _viewer(name: str):
    from citytools.accounts.viewer import Viewer

    return Viewer.for_user(_user(name))


def _editable_organisation():
    """The demo editor's organisation (Camden)."""
    from citytools.accounts.models import Role

    return Role.objects.get(user=_user("editor"), kind=Role.Kind.EDITOR).organisation


def _other_supplier(*not_these):
    from citytools.directory.models import Supplier

    return Supplier.objects.exclude(pk__in=[s.pk for s in not_these if s is not None]).order_by("name").first()


# Preparing: every field filled ------------------------------------------------------------


def prepare_system() -> dict:
    from citytools.inventory import services
    from citytools.inventory.models import System

    system = System.objects.active().filter(organisation=_editable_organisation()).order_by("pk").first()
    system = services.update_system(
        system, version=system.version, actor=_user("editor"),
        changes={
            "supplier": _other_supplier(system.product.manufacturer).slug, "hosting": System.Hosting.HOSTED,
            "status": System.Status.LIVE, "go_live": datetime.date(2021, 4, 1),
            "notes": "Chosen after a joint trial.\nRenewal talks in spring.", "confidential": True,
        },
    )
    return {"key": system.pk, "url": f"/systems/{system.pk}/edit/"}


def prepare_contract() -> dict:
    from citytools.contracts import services
    from citytools.contracts.models import Contract
    from citytools.inventory.models import System

    organisation = _editable_organisation()
    contract = Contract.objects.active().filter(organisation=organisation).order_by("pk").first()
    system = System.objects.active().filter(organisation=organisation).order_by("pk").first()
    contract = services.update_contract(
        contract, version=contract.version, actor=_user("editor"),
        changes={
            "title": "Revenues and benefits system: licence and support", "systems": [system.pk],
            "start_date": datetime.date(2022, 4, 1), "end_date": datetime.date(2027, 3, 31),
            "extension_end_date": datetime.date(2029, 3, 31), "annual_value": Decimal("42000.50"),
            "total_value": Decimal("210002.50"), "currency": "GBP", "route": Contract.Route.FRAMEWORK,
            "framework": "G-Cloud 14", "source": Contract.Source.CONTRACTS_FINDER, "reference": "RT-2022-017",
            "source_url": "https://www.contractsfinder.service.gov.uk/notice/example", "confidential": True,
        },
    )
    return {"key": contract.pk, "url": f"/contracts/{contract.pk}/edit/"}


def _minute(days: int) -> datetime.datetime:
    from django.utils import timezone

    return (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=17, minute=0, second=0, microsecond=0)


def prepare_challenge() -> dict:
    from citytools.partnering.models import Challenge, State
    from citytools.partnering.services import authoring

    challenge = Challenge.objects.filter(state=State.DRAFT).order_by("pk").first()
    owner = _user("owner")
    challenge = authoring.update_challenge(
        challenge, actor=owner, viewer=_viewer("owner"), version=challenge.version,
        changes={
            "title": challenge.title, "problem_statement": "Residents wait too long to hear back.",
            "background": "Thousands of calls a year.", "affected": "Residents and call-centre staff.",
            "outcomes": "Residents know where their request stands.", "out_of_scope": "Replacing the telephone system.",
            "how_to_apply": "Answer the short form.", "terms_text": "Standard terms of the city.",
            "contact_name": "Pat Procurement", "contact_email": "pat@example.org", "tie_break": challenge.tie_break,
            "budget_cap": Decimal("45000.50"), "currency": "CAD", "codesign_weeks": 14, "blind_scoring": True,
            "terms_non_binding": True, "terms_vendor_owns_prototype": True, "terms_separate_purchase": True,
            "publication_date": _minute(30).date(), "question_deadline": _minute(44), "submission_deadline": _minute(58),
            "evaluation_date": _minute(65).date(), "expected_start": _minute(80).date(),
        },
    )
    return {"key": challenge.pk, "url": f"/challenges/{challenge.slug}/edit/"}


def prepare_rules() -> dict:
    from citytools.partnering.models import PublicationRules
    from citytools.partnering.services import authoring

    rules = PublicationRules.objects.filter(jurisdictions__isnull=False).order_by("pk").first()
    rules, _ = authoring.save_publication_rules(
        actor=_user("admin"), viewer=_viewer("admin"), slug=rules.slug, version=rules.version,
        name=rules.name, currency="CAD", max_budget=Decimal("50000.50"), min_weeks=10, max_weeks=20, weights_total=100,
        require_scale_texts=True, require_terms=True, min_eligibility_criteria=2, addendum_notice_days=5,
    )
    return {"key": rules.pk, "url": f"/challenges/all/rules/{rules.slug}/"}


def prepare_campaign() -> dict:
    from citytools.freshness import services
    from citytools.freshness.models import Campaign, CampaignStatus
    from citytools.inventory.models import ServiceArea

    campaign = Campaign.objects.filter(status=CampaignStatus.DRAFT).order_by("pk").first()
    organisations = list(campaign.network.organisations.order_by("name")[:2])
    area = ServiceArea.objects.leaves().order_by("position", "name").first()
    campaign = services.update_campaign(
        campaign, version=campaign.version, actor=_user("coordinator"), title="Spring check of records",
        deadline=datetime.date.today() + datetime.timedelta(days=21), message="Please confirm or correct.\nThank you.",
        kinds=Campaign.Kinds.BOTH, service_areas=[area.slug],
        organisations=[o.slug for o in organisations], reminder_days="7, 2",
    )
    return {"key": campaign.pk, "url": f"/campaigns/{campaign.pk}/edit/"}


def prepare_initiative() -> dict:
    from citytools.opportunities import services
    from citytools.opportunities.models import Initiative, InitiativeStatus

    initiative = Initiative.objects.order_by("pk").first()
    admin, viewer = _user("admin"), _viewer("admin")
    initiative = services.update_plan(
        initiative, actor=admin, viewer=viewer, version=initiative.version,
        decision_date=datetime.date.today() + datetime.timedelta(days=60),
        target_date=datetime.date.today() + datetime.timedelta(days=400),
    )
    initiative = services.record_outcome(
        initiative, actor=admin, viewer=viewer, version=initiative.version, status=InitiativeStatus.PROCURED,
        outcome="A joint call-off from the framework.", savings=Decimal("75000.50"), savings_currency="GBP",
        evidence="Decision record 7.",
    )
    return {"key": initiative.pk, "url": f"/opportunities/initiatives/{initiative.pk}/"}


def prepare_campaign_correct() -> dict:
    """Camden's page of the demo's running campaign, whose rows open the edit forms in place."""
    from citytools.freshness.models import Campaign, CampaignStatus

    system = prepare_system()
    campaign = Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("pk").first()
    return {"key": system["key"], "url": f"/campaigns/{campaign.pk}/organisations/{_editable_organisation().slug}/"}


def prepare_proposal() -> dict:
    """The demo vendor's draft proposal to a published challenge, every answer given."""
    from citytools.accounts.models import Role
    from citytools.partnering.models import Challenge, Proposal, Scale, State
    from citytools.partnering.services import proposals

    supplier_id = Role.objects.get(user=_user("vendor"), kind=Role.Kind.VENDOR).supplier_id
    challenge = Challenge.objects.filter(state=State.PUBLISHED).order_by("pk").first()
    current = Proposal.objects.filter(challenge=challenge, supplier_id=supplier_id).first()
    proposal = proposals.save_proposal(
        challenge, actor=_user("vendor"), viewer=_viewer("vendor"), version=current.version if current else 0,
        supplier=supplier_id, scale=Scale.SMALL, summary="A shared status page for every request.",
        approach="Weekly sessions with residents.\nA prototype every fortnight.", team="Two designers and a developer.",
        plan="Discover.\nPrototype.\nTest.", price=Decimal("42000.50"),
    )
    return {"key": proposal.pk, "url": f"/challenges/{challenge.slug}/proposal/"}


def prepare_consensus() -> dict:
    """A consensus score of the demo's challenge in selection, moved off the mean with a
    rationale and feedback, by its owner."""
    from citytools.partnering.models import ConsensusScore, State
    from citytools.partnering.services import evaluation

    row = ConsensusScore.objects.filter(proposal__challenge__state=State.SELECTION).select_related(
        "proposal__challenge", "criterion"
    ).order_by("pk").first()
    score = row.mean - 1 if row.mean >= 1 else row.mean + 1
    row = evaluation.set_consensus(
        row.proposal, row.criterion, actor=_user("owner"), viewer=_viewer("owner"), score=score,
        rationale="Agreed after the panel's discussion.\nThe evidence was thin.", feedback="Say more about residents.",
    )
    challenge = row.proposal.challenge
    return {"key": row.pk, "url": f"/challenges/{challenge.slug}/consensus/{row.proposal_id}/criteria/{row.criterion_id}/"}


PREPARE = {
    "system": prepare_system, "contract": prepare_contract, "challenge": prepare_challenge, "rules": prepare_rules,
    "campaign": prepare_campaign, "initiative": prepare_initiative, "campaign_correct": prepare_campaign_correct,
    "proposal": prepare_proposal, "consensus": prepare_consensus,
}


# Reading a record as stored ---------------------------------------------------------------


def _links(record, names) -> dict:
    return {name: sorted(getattr(record, name).values_list("pk", flat=True)) for name in names}


def snapshot(case: str, key) -> dict:
    from citytools.contracts.models import Contract
    from citytools.freshness.models import Campaign
    from citytools.inventory.models import System
    from citytools.opportunities.models import Initiative
    from citytools.partnering.models import Challenge, ConsensusScore, Proposal, PublicationRules

    model, links = {
        "system": (System, ["service_areas"]), "campaign_correct": (System, ["service_areas"]),
        "contract": (Contract, ["systems"]), "challenge": (Challenge, ["owners"]),
        "rules": (PublicationRules, []), "campaign": (Campaign, ["service_areas"]), "initiative": (Initiative, []),
        "proposal": (Proposal, []), "consensus": (ConsensusScore, []),
    }[case]
    record = model.objects.get(pk=key)
    state = {"row": model.objects.filter(pk=key).values().get(), "links": _links(record, links)}
    if hasattr(record, "history"):
        state["history"] = record.history.count()
    if case == "campaign":
        state["links"]["participants"] = sorted(record.participants.values_list("organisation_id", flat=True))
    if case == "rules":
        state["links"]["jurisdictions"] = sorted(record.jurisdictions.values_list("organisation_id", flat=True))
    return state


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citytools.settings")
    import django

    django.setup()
    command, case, *rest = sys.argv[1:]
    if command == "prepare":
        result = PREPARE[case]()
    else:
        result = snapshot(case, int(rest[0]))
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
