"""Sealed proposals and private scores never leak: marker strings in proposals and score
comments, fetched through every page and every API GET of the Invitation to Partner (found
from the URL resolver, tests.access.routes) by every role of tests/people.py, appear exactly
where the rules allow them, and nowhere else.

Three challenges of the organisation `own`, with the "north" coordinator as steward and
`member` as an evaluator:

- open (submissions not closed): the vendor's submitted proposal and attachment name, and
  another supplier's draft. Sealed: only the vendor reads their own, whatever the others'
  roles (admins, owners, the steward and evaluators included).
- evaluation: `member`'s own score comment and another evaluator's. Until the lock each
  evaluator sees only their own; nobody else sees any.
- selection (locked): a score comment and the proposal, now read by the panel.

Each role must see exactly its allowed markers, so the test fails both when a marker leaks
and when it stops reaching those who should see it.
"""

import itertools
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from citytools.partnering.models import Attachment, Evaluator, Proposal, Score, State
from tests.access import routes
from tests.factories import SupplierFactory, UserFactory
from tests.pages import ACTIONS
from tests.partnering.world import make_challenge
from tests.people import ROLES, people

pytestmark = pytest.mark.django_db

SEALED = "Quillfathom"  # the vendor's submitted proposal, before the close
ATTACHED = "Snorkelbrine"  # the name of its attachment
DRAFT = "Marrowglint"  # another supplier's draft, before the close
OWN_SCORE = "Tundrawhisk"  # member's own score comment, during evaluation
OTHER_SCORE = "Gorsepivot"  # another evaluator's comment, during evaluation
LOCKED_SCORE = "Plinthmoss"  # a score comment after the lock
UNSEALED = "Cobaltyarn"  # the vendor's proposal after the close

PANEL = {"editor", "admin", "coordinator", "member"}
ALLOWED = {
    SEALED: {"vendor"},
    ATTACHED: {"vendor"},
    DRAFT: set(),
    OWN_SCORE: {"member"},
    OTHER_SCORE: set(),
    LOCKED_SCORE: PANEL,
    UNSEALED: PANEL | {"vendor"},
}


@pytest.fixture
def world(db):
    cast = people()
    other_supplier = SupplierFactory(slug="other-firm", name="Other Firm")
    other_vendor = UserFactory(email="other-firm@example.org")
    second = UserFactory(email="second-evaluator@example.org")
    vendor = cast.user("vendor")
    common = {"owners": [cast.own], "steward": cast.user("coordinator"), "evaluators": [cast.user("member"), second]}

    sealed = make_challenge(
        state=State.PUBLISHED, applicants=[(cast.vendor_company, vendor), (other_supplier, other_vendor)],
        slug="sealed", **common,
    )
    mine = Proposal.objects.get(challenge=sealed, supplier=cast.vendor_company)
    Proposal.objects.filter(pk=mine.pk).update(
        summary=f"{SEALED} would map every request.", status=Proposal.Status.SUBMITTED, submitted_at=timezone.now(),
        receipt_hash="0" * 64,
    )
    attachment = Attachment(
        proposal=mine, name=f"{ATTACHED}.pdf", content_type="application/pdf", size=9, sha256="1" * 64,
        uploaded_at=timezone.now(),
    )
    attachment.file.save("sealed.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    Proposal.objects.filter(challenge=sealed, supplier=other_supplier).update(summary=f"{DRAFT} draft idea.")

    scoring = make_challenge(
        state=State.EVALUATION, applicants=[(cast.vendor_company, vendor)], slug="scoring", **common,
    )
    proposal = Proposal.objects.get(challenge=scoring)
    criterion = scoring.criteria.first()
    for user, comment in ((cast.user("member"), OWN_SCORE), (second, OTHER_SCORE)):
        Score.objects.create(
            evaluator=Evaluator.objects.get(challenge=scoring, user=user), proposal=proposal, criterion=criterion,
            score=3, comment=f"{comment} evidence.", updated_at=timezone.now(),
        )

    locked = make_challenge(
        state=State.SELECTION, applicants=[(cast.vendor_company, vendor), (other_supplier, other_vendor)],
        slug="locked", **common,
    )
    first = Score.objects.filter(proposal__challenge=locked).order_by("pk").first()
    first.comment = f"{LOCKED_SCORE} evidence."
    first.save()
    Proposal.objects.filter(challenge=locked, supplier=cast.vendor_company).update(summary=f"{UNSEALED} idea.")
    cast.challenges = [sealed, scoring, locked]
    return cast


PARAMETER = re.compile(r"<(?:[^:>]+:)?(\w+)>")


def _values(challenge) -> dict[str, list]:
    proposals = list(challenge.proposals.values_list("pk", flat=True))
    attachments = list(Attachment.objects.filter(proposal__challenge=challenge).values_list("pk", flat=True))
    criteria = list(challenge.criteria.values_list("pk", flat=True))
    return {
        "slug": [challenge.slug],
        "pk": sorted(set(proposals + attachments)),
        "proposal_pk": proposals,
        "proposal_id": proposals,
        "criterion_pk": criteria,
        "criterion_id": criteria,
        "attachment_id": attachments,
    }


def partnering_urls(challenges) -> list[str]:
    """Every page and API operation of the Invitation to Partner, for every challenge and
    every proposal, attachment and criterion of it."""
    urls = []
    for name, route in sorted(routes().items()):
        if name in ACTIONS:
            continue
        if not (name.startswith("partnering:") or (route.is_api and "challenges" in route.pattern)):
            continue
        keys = PARAMETER.findall(route.pattern)
        if not keys:
            urls.append(reverse(name))
            continue
        for challenge in challenges:
            values = _values(challenge)
            if any(key not in values for key in keys):
                continue
            for combination in itertools.product(*(values[key] for key in keys)):
                urls.append(reverse(name, kwargs=dict(zip(keys, combination))))
    return sorted(set(urls))


def seen(world, role) -> tuple[set[str], dict[str, list[str]]]:
    client = Client(raise_request_exception=False)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    found: dict[str, list[str]] = {}
    for url in partnering_urls(world.challenges):
        response = client.get(url)
        body = response.content.decode(errors="replace") if not response.streaming else ""
        markers = [m for m in ALLOWED if m.lower() in body.lower()]
        if markers:
            found[url] = markers
    return {m for markers in found.values() for m in markers}, found


def test_the_discovery_reaches_the_proposal_and_evaluation_doors(world):
    urls = partnering_urls(world.challenges)
    for needle in ("/proposal/", "/proposals/", "/scoring/", "/consensus/", "/selection/", "/attachments/",
                   "/api/v1/challenges/sealed/proposals", "/api/v1/challenges/locked/consensus"):
        assert any(needle in url for url in urls), needle


@pytest.mark.parametrize("role", ROLES)
def test_markers_reach_exactly_who_may_see_them(world, role):
    markers, where = seen(world, role)
    expected = {marker for marker, roles in ALLOWED.items() if role in roles}
    leaked = {url: [m for m in found if m not in expected] for url, found in where.items()}
    assert {url: ms for url, ms in leaked.items() if ms} == {}, f"{role} saw what they may not"
    assert markers == expected, f"{role} should see {sorted(expected)}, saw {sorted(markers)}"


def test_the_sealed_proposal_is_a_404_for_every_role_but_its_supplier(world):
    sealed = world.challenges[0]
    mine = Proposal.objects.get(challenge=sealed, supplier=world.vendor_company)
    for role in ROLES:
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        page = client.get(reverse("partnering:proposal_detail", args=[sealed.slug, mine.pk]))
        api = client.get(f"/api/v1/challenges/{sealed.slug}/proposals/{mine.pk}")
        if role == "vendor":
            assert page.status_code == 200 and api.status_code == 200
        else:
            assert page.status_code in (302, 404), role
            assert api.status_code in (401, 404), role
