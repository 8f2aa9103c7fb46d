"""The task inbox (issue 13, item 13): what waits for each person across challenges,
initiatives and campaigns, from one query (citytools.inbox.queries.tasks_for) through the
page, the API and `citytools inbox`. Each task is listed for the person it is addressed to
and for nobody else, and names nothing the reader may not see."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.freshness import services as freshness
from citytools.inbox.queries import tasks_for
from citytools.inventory import catalogue_services as catalogue
from citytools.inventory import services as inventory
from citytools.notices import services as notices_services
from citytools.opportunities import services as opportunities
from citytools.partnering.models import Evaluator, Question, State
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.notices import world as notices_world
from tests.partnering.world import make_challenge
from tests.people import ROLES, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return people()


def kinds(world, role) -> list[tuple[str, str]]:
    """(kind, subject) of each task of this role's person."""
    user = world.user(role)
    viewer = Viewer.for_user(user) if user else Viewer.public()
    return [(t.kind, t.subject) for t in tasks_for(viewer)]


def only(world, role, *expected) -> None:
    """This role has exactly these tasks; every other role has none of them."""
    assert sorted(kinds(world, role)) == sorted(expected), role
    for other in ROLES:
        if other != role:
            assert not set(kinds(world, other)) & set(expected), f"{other} was given {role}'s task"


# Invitations to Partner ---------------------------------------------------------------------


def test_the_steward_is_asked_to_review(world):
    challenge = make_challenge(owners=[world.own], steward=world.user("coordinator"), state=State.IN_REVIEW)
    only(world, "coordinator", ("challenge.review", challenge.title))


def test_the_owners_editors_are_asked_to_answer_questions_until_answered(world):
    challenge = make_challenge(
        owners=[world.own], steward=world.user("coordinator"), state=State.PUBLISHED,
        applicants=[(world.vendor_company, world.user("vendor"))],
    )
    Question.objects.create(challenge=challenge, asked_by=world.user("vendor"), supplier=world.vendor_company,
                            text="Is the budget fixed?", asked_at=timezone.now())
    [task] = list(tasks_for(Viewer.for_user(world.user("editor"))))
    assert (task.kind, task.action, task.role) == ("challenge.answer", "Answer 1 question from applicants", "owner")
    assert task.due_at == challenge.submission_deadline and not task.overdue
    assert task.url == f"/challenges/{challenge.slug}/questions/"
    # The applicant's own draft proposal waits to be submitted; only they see it.
    only(world, "vendor", ("proposal.submit", challenge.title))
    Question.objects.update(answer="Yes.", answered_at=timezone.now())
    assert kinds(world, "editor") == []


def test_evaluators_are_asked_to_declare_then_to_score_and_the_recused_are_not(world):
    challenge = make_challenge(
        owners=[world.own], steward=world.user("coordinator"), evaluators=[world.user("member")],
        applicants=[(world.vendor_company, world.user("vendor"))], state=State.EVALUATION,
    )
    Evaluator.objects.filter(challenge=challenge).update(declared_at=None)
    only(world, "member", ("challenge.declare", challenge.title))
    Evaluator.objects.filter(challenge=challenge).update(declared_at=timezone.now())
    only(world, "member", ("challenge.score", challenge.title))
    Evaluator.objects.filter(challenge=challenge).update(has_conflict=True)
    assert kinds(world, "member") == []


def test_the_steward_signs_off_a_nomination_the_owners_made(world):
    challenge = make_challenge(
        owners=[world.own], steward=world.user("coordinator"), evaluators=[world.user("member")],
        applicants=[(world.vendor_company, world.user("vendor"))], state=State.SELECTION,
    )
    only(world, "editor", ("challenge.nominate", challenge.title))
    challenge.selected_proposal = challenge.proposals.get()
    challenge.save()
    only(world, "coordinator", ("challenge.sign_off", challenge.title))
    assert kinds(world, "editor") == []


# Initiatives and campaigns ------------------------------------------------------------------


def initiative_world(world):
    area = ServiceAreaFactory(slug="waste", name="Waste")
    maker = SupplierFactory(slug="maker", name="Maker")
    product = ProductFactory(slug="binsight", name="Binsight", manufacturer=maker)
    contracts = []
    for organisation in (world.own, world.peer):
        system = SystemFactory(organisation=organisation, product=product, service_areas=[area])
        contracts.append(ContractFactory(organisation=organisation, supplier=maker, systems=[system],
                                         end_date=datetime.date(2027, 3, 31)))
    return opportunities.start_initiative(
        actor=world.user("editor"), viewer=Viewer.for_user(world.user("editor")), area=area,
        contracts=[c.pk for c in contracts], window_start=datetime.date(2027, 1, 1), window_end=datetime.date(2027, 12, 31),
    )


def test_an_invited_organisations_staff_are_asked_to_answer_and_the_lead_to_decide(world):
    initiative = initiative_world(world)
    peer_tasks = tasks_for(Viewer.for_user(world.user("peer_member")))
    assert [(t.kind, t.action) for t in peer_tasks] == [("initiative.answer", "Say whether Peer wants to join")]
    assert not any(k == "initiative.decide" for k, _ in kinds(world, "editor"))
    initiative.decision_date = timezone.localdate() + datetime.timedelta(days=3)
    initiative.save()
    assert ("initiative.decide", initiative.title) in kinds(world, "editor")
    assert ("initiative.decide", initiative.title) in kinds(world, "member")  # the lead's staff run it
    assert ("initiative.decide", initiative.title) not in kinds(world, "peer_member")
    opportunities.answer(initiative, actor=world.user("peer_member"), viewer=Viewer.for_user(world.user("peer_member")),
                         organisation=world.peer, answer="interested")
    assert kinds(world, "peer_member") == []


def test_editors_are_asked_to_confirm_their_records_and_coordinators_to_close_a_late_campaign(world):
    area = ServiceAreaFactory(slug="waste", name="Waste")
    product = ProductFactory(slug="binsight", name="Binsight")
    start = timezone.now() - datetime.timedelta(days=30)
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            inventory.create_system(organisation=world.own, product=product, service_areas=[area], actor=world.user("editor"))
        deadline = timezone.localdate() + datetime.timedelta(days=10)
        campaign = freshness.create_campaign(network=world.north, title="Winter check", deadline=deadline,
                                             actor=world.user("coordinator"))
        freshness.launch_campaign(campaign, actor=world.user("coordinator"))
    [task] = tasks_for(Viewer.for_user(world.user("editor")))
    assert (task.kind, task.action, task.subject) == ("campaign.confirm", "Confirm or correct 2 records of Own", "Winter check")
    assert task.url == f"/campaigns/{campaign.pk}/organisations/own/" and task.due == deadline
    # Members read the campaign but do not confirm; the other network has nothing to do.
    for role in ("member", "peer_member", "other_editor", "other_coordinator", "vendor", "public"):
        assert kinds(world, role) == [], role
    with time_machine.travel(datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(12), datetime.UTC)):
        assert ("campaign.close", "Winter check") in kinds(world, "coordinator")
        assert [t.overdue for t in tasks_for(Viewer.for_user(world.user("editor")))] == [True]


def test_coordinators_and_admins_are_asked_to_review_a_proposed_catalogue_entry(world):
    proposal = catalogue.propose(organisation=world.own, kind="supplier", name="Quillbright Systems",
                                 actor=world.user("editor"))
    expected = ("catalogue.review", "Quillbright Systems (proposed by Own)")
    for role in ROLES:
        assert (expected in kinds(world, role)) == (role in ("coordinator", "admin")), role
    [task] = [t for t in tasks_for(Viewer.for_user(world.user("coordinator"))) if t.kind == "catalogue.review"]
    assert task.url == f"/catalogue-proposals/{proposal.pk}/" and task.area_label == "Review queues"
    catalogue.reject(proposal, reason="A duplicate of another entry.", actor=world.user("coordinator"))
    assert not [t for t in tasks_for(Viewer.for_user(world.user("admin"))) if t.kind == "catalogue.review"]


def test_editors_are_asked_to_review_suggestions_from_public_notices_and_coordinators_buyer_names(db):
    notices = notices_world.build()  # own has a new contract and a change waiting; a buyer name waits
    review = ("notices.review", "Own")
    buyers = ("notices.buyers", "1 buyer name from public notices nobody recognised")
    for role in ROLES:
        found = kinds(notices, role)
        assert (review in found) == (role == "editor"), role
        assert (buyers in found) == (role in ("coordinator", "other_coordinator", "admin")), role  # any coordinator may link a name
    [task] = [t for t in tasks_for(Viewer.for_user(notices.editor)) if t.kind == "notices.review"]
    assert task.action == "Accept or reject 2 suggestions from public notices" and task.url == "/organisations/own/suggestions/"
    notices_services.reject(notices.new, actor=notices.editor, reason="Not ours.")
    notices_services.reject(notices.change, actor=notices.editor, reason="Not ours.")
    notices_services.dismiss_buyer(notices.buyer, actor=notices.admin)
    assert not [t for role in ROLES for t in kinds(notices, role) if t[0].startswith("notices.")]


# The doors ----------------------------------------------------------------------------------


@pytest.fixture
def waiting(world):
    """The steward (coordinator) has a challenge to review."""
    return make_challenge(owners=[world.own], steward=world.user("coordinator"), state=State.IN_REVIEW, title="Faster answers")


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_the_page_lists_the_tasks_and_works_without_javascript(world, waiting):
    page = client(world.user("coordinator")).get("/inbox/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Faster answers" in html and f'href="/challenges/{waiting.slug}/"' in html
    assert "Review it, then approve its publication or return it to draft" in html
    assert 'id="inbox-count"' in html and ">1<" in html  # the count the header's link fetches
    empty = client(world.user("other_editor")).get("/inbox/").content.decode()
    assert "Nothing needs you now." in empty and "Faster answers" not in empty
    assert client().get("/inbox/").status_code == 302  # sign in first


def test_the_header_links_to_the_inbox_and_loads_its_count(world, waiting):
    html = client(world.user("coordinator")).get("/challenges/").content.decode()
    assert 'href="/inbox/"' in html and 'hx-get="/inbox/"' in html and 'hx-select="#inbox-count"' in html
    assert 'href="/inbox/"' not in client().get("/challenges/").content.decode()


def test_the_api_gives_the_same_tasks(world, waiting):
    body = client(world.user("coordinator")).get("/api/v1/inbox").json()
    assert body["count"] == 1
    task = body["tasks"][0]
    assert task["kind"] == "challenge.review" and task["subject"] == "Faster answers" and task["role"] == "steward"
    assert task["url"] == f"/challenges/{waiting.slug}/" and task["area"] == "challenges"
    assert client(world.user("editor")).get("/api/v1/inbox").json() == {"count": 0, "tasks": []}
    assert client().get("/api/v1/inbox").status_code == 401


def test_the_command_gives_the_same_tasks(world, waiting):
    out = io.StringIO()
    call_command("inbox", "--as", "coordinator@example.org", stdout=out)
    text = out.getvalue()
    assert "1 task for coordinator@example.org" in text and "Faster answers: Review it" in text
    out = io.StringIO()
    call_command("inbox", "--as", "coordinator@example.org", "--json", stdout=out)
    assert json.loads(out.getvalue())["tasks"][0]["kind"] == "challenge.review"
    out = io.StringIO()
    call_command("inbox", "--as", "editor@example.org", stdout=out)
    assert "Nothing waits for editor@example.org." in out.getvalue()
    with pytest.raises(CommandError, match="No active user"):
        call_command("inbox", "--as", "nobody@example.org")
