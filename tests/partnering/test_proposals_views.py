"""The proposal pages: the applicant's form, attachments, buttons and receipt; the panel's
count, list, detail and screening; each with a success and a refusal."""

import datetime
import hashlib
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from citytools.partnering import lifecycle
from citytools.partnering.models import Attachment, EligibilityDecision, Proposal, State
from citytools.partnering.services import proposals as services
from tests.browser_form import form_data as as_sent
from tests.partnering.evaluation_world import (
    FORM,
    PDF,
    PE,
    cast,
    challenge_in,
    open_challenge,
    upload,
)
from tests.partnering.world import OWNER

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def c():
    world = cast()
    open_challenge(world)
    return world


def url(name, challenge, *args):
    return reverse(f"partnering:{name}", args=[challenge.slug, *args])


def test_an_applicant_drafts_attaches_submits_and_gets_a_receipt(c):
    user = c.applicants[0][1]
    client = client_for(user)
    page = client.get(url("my_proposal", c.challenge))
    assert page.status_code == 200
    assert b"Your proposal" in page.content and b"Not started" in page.content
    saved = client.post(url("my_proposal", c.challenge), {**FORM, "version": 0})
    assert saved.status_code == 303
    proposal = Proposal.objects.get(challenge=c.challenge)
    attached = client.post(url("attachment_add", c.challenge), {"file": upload("plan.pdf", PDF)})
    assert attached.status_code == 303
    assert proposal.attachments.count() == 1
    submitted = client.post(url("proposal_submit", c.challenge))
    assert submitted.status_code == 303 and submitted["Location"].endswith(url("proposal_receipt", c.challenge))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    receipt = client.get(url("proposal_receipt", c.challenge))
    assert proposal.receipt_hash.encode() in receipt.content
    download = client.get(url("proposal_receipt_download", c.challenge))
    assert download["Content-Disposition"].startswith("attachment")
    body = json.loads(download.content)
    derived = hashlib.sha256(
        json.dumps(body["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert derived == body["sha256"] == proposal.receipt_hash
    withdrawn = client.post(url("proposal_withdraw", c.challenge))
    assert withdrawn.status_code == 303
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.WITHDRAWN


def test_form_errors_show_against_their_field(c):
    client = client_for(c.applicants[0][1])
    response = client.post(url("my_proposal", c.challenge), {**FORM, "price": "60000", "version": 0})
    assert response.status_code == 400
    assert b"above the budget cap" in response.content
    assert b'href="#id_price"' in response.content
    assert not Proposal.objects.exists()


def test_a_refused_upload_comes_back_with_the_reason(c):
    user = c.applicants[0][1]
    services.save_proposal(c.challenge, **c.as_(user), **FORM)
    client = client_for(user)
    response = client.post(url("attachment_add", c.challenge), {"file": upload("setup.pdf", PE)}, follow=True)
    assert b"Programs and scripts cannot be attached" in response.content
    assert not Attachment.objects.exists()
    response = client.post(url("attachment_add", c.challenge), {}, follow=True)
    assert b"Choose a file to attach" in response.content


def test_submitting_an_incomplete_proposal_says_what_is_missing(c):
    user = c.applicants[0][1]
    services.save_proposal(c.challenge, **c.as_(user), **{**FORM, "team": ""})
    response = client_for(user).post(url("proposal_submit", c.challenge), follow=True)
    assert b"your team" in response.content
    assert Proposal.objects.get().status == Proposal.Status.DRAFT


def test_after_the_deadline_the_form_is_gone_and_posts_are_refused(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(services.save_proposal(c.challenge, **c.as_(user), **FORM), **c.as_(user))
    with time_machine.travel(c.challenge.submission_deadline + datetime.timedelta(seconds=1), tick=False):
        client = client_for(user)  # signed in then: sessions expire
        page = client.get(url("my_proposal", c.challenge))
        assert page.status_code == 200 and b'id="proposal-form"' not in page.content
        assert FORM["summary"].encode() in page.content
        assert client.post(url("my_proposal", c.challenge), {**FORM, "summary": "Late"}).status_code == 403
        assert client.post(url("proposal_withdraw", c.challenge)).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.summary == FORM["summary"]


@pytest.mark.parametrize("who,status", [("owner", 403), ("admin", 403), ("steward", 403), ("stranger", 403), ("public", 302)])
def test_only_vendor_users_have_a_proposal_page(c, who, status):
    response = client_for(c.everyone()[who]).get(url("my_proposal", c.challenge))
    assert response.status_code == status


def test_before_the_close_the_panel_sees_only_the_count(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(services.save_proposal(c.challenge, **c.as_(user), **FORM), **c.as_(user))
    for who in ("owner", "admin", "steward", "member", "evaluator1"):
        client = client_for(c.everyone()[who])
        page = client.get(url("proposals", c.challenge))
        assert page.status_code == 200, who
        assert b"1 proposal submitted" in page.content
        assert c.applicants[0][0].name.encode() not in page.content
        assert FORM["summary"].encode() not in page.content
        assert client.get(url("proposal_detail", c.challenge, proposal.pk)).status_code == 404
    assert client_for(c.applicants[1][1]).get(url("proposals", c.challenge)).status_code == 403
    own = client_for(user).get(url("proposal_detail", c.challenge, proposal.pk))
    assert own.status_code == 200 and FORM["summary"].encode() in own.content


def test_attachments_download_only_for_readers_as_attachments():
    world = cast()
    challenge = open_challenge(world)
    user = world.applicants[0][1]
    proposal = services.save_proposal(challenge, **world.as_(user), **FORM)
    attachment = services.add_attachment(proposal, **world.as_(user), upload=upload("plan.pdf", PDF))
    services.submit_proposal(Proposal.objects.get(pk=proposal.pk), **world.as_(user))
    link = url("attachment_download", challenge, attachment.pk)
    own = client_for(user).get(link)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert own["X-Content-Type-Options"] == "nosniff"
    assert b"".join(own.streaming_content) == PDF
    for who in ("owner", "admin", "steward", "applicant2"):
        assert client_for(world.everyone()[who]).get(link).status_code == 404, who
    from citytools.partnering import lifecycle

    lifecycle.advance_due(challenge.submission_deadline)
    assert client_for(world.owner).get(link).status_code == 200
    assert client_for(world.applicants[1][1]).get(link).status_code == 404


def test_after_the_close_the_panel_lists_and_screens():
    world = cast()
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    owner = client_for(world.owner)
    page = owner.get(url("proposals", challenge))
    for supplier, _ in world.applicants:
        assert supplier.name.encode() in page.content
    proposal = world.proposal_of(0)
    detail = owner.get(url("proposal_detail", challenge, proposal.pk))
    assert detail.status_code == 200 and proposal.summary.encode() in detail.content
    form = owner.get(url("proposal_screen", challenge, proposal.pk))
    assert form.status_code == 200
    criteria = list(challenge.eligibility_criteria.all())
    data = {f"criterion_{c.pk}": "pass" for c in criteria}
    data[f"criterion_{criteria[1].pk}"] = "fail"
    bad = owner.post(url("proposal_screen", challenge, proposal.pk), data)
    assert bad.status_code == 400 and b"Say why" in bad.content
    data[f"note_{criteria[1].pk}"] = "No certificate."
    assert owner.post(url("proposal_screen", challenge, proposal.pk), data).status_code == 303
    proposal.refresh_from_db()
    assert proposal.eligible is False
    assert EligibilityDecision.objects.filter(proposal=proposal).count() == 2
    evaluator = client_for(world.evaluators[0])
    assert evaluator.get(url("proposal_screen", challenge, proposal.pk)).status_code == 404  # not declared yet
    assert client_for(world.member).get(url("proposal_screen", challenge, proposal.pk)).status_code == 404


def test_the_proposal_links_join_the_challenge_page(c):
    from citytools.partnering.access import roles_for
    from citytools.partnering.views.proposals import nav_links

    user = c.applicants[0][1]
    labels = [label for label, _ in nav_links(c.challenge, roles_for(c.viewer(user), c.challenge), c.viewer(user))]
    assert labels == ["Your proposal"]
    labels = [label for label, _ in nav_links(c.challenge, roles_for(c.viewer(c.owner), c.challenge), c.viewer(c.owner))]
    assert labels == ["Proposals"]


def test_after_screening_the_owners_read_the_decisions_and_cannot_change_them():
    world = cast()
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    proposal = world.proposal_of(0)
    criteria = list(challenge.eligibility_criteria.all())
    decisions = {criteria[0].pk: (True, ""), criteria[1].pk: (False, "No insurance certificate.")}
    services.screen_proposal(proposal, **world.as_(world.owner), decisions=decisions)
    for other in range(1, len(world.applicants)):
        services.screen_proposal(world.proposal_of(other), **world.as_(world.owner), decisions={c.pk: (True, "") for c in criteria})
    lifecycle.transition(challenge, State.EVALUATION, actor=world.owner, roles=OWNER)
    owner = client_for(world.owner)
    page = owner.get(url("proposal_screen", challenge, proposal.pk))
    assert page.status_code == 200 and "No insurance certificate." in page.content.decode()
    assert "can no longer change" in page.content.decode()
    data = {f"criterion_{c.pk}": "pass" for c in criteria}
    assert owner.post(url("proposal_screen", challenge, proposal.pk), data).status_code == 403
    proposal.refresh_from_db()
    assert proposal.eligible is False
    assert client_for(world.applicants[0][1]).get(url("proposal_screen", challenge, proposal.pk)).status_code in (403, 404)


@pytest.mark.parametrize("typed", ["42,000", "£42,000", "CAD 42,000", "42000"])
def test_a_price_is_taken_as_people_write_it(c, typed):
    """Issue 13, item 18: "42,000" was refused; the form reads amounts with the one parser."""
    client = client_for(c.applicants[0][1])
    response = client.post(url("my_proposal", c.challenge), {**FORM, "price": typed, "version": 0})
    assert response.status_code == 303
    assert str(Proposal.objects.get(challenge=c.challenge).price) == "42000.00"
    assert 'value="42,000"' in client.get(url("my_proposal", c.challenge)).content.decode()


@pytest.mark.parametrize("typed, says", [("-5", "cannot be negative"), ("lots", "written as a number"), ("4.005", "two decimals")])
def test_a_price_that_is_not_an_amount_is_refused_against_its_field(c, typed, says):
    response = client_for(c.applicants[0][1]).post(url("my_proposal", c.challenge), {**FORM, "price": typed, "version": 0})
    assert response.status_code == 400
    assert says in response.content.decode() and b'href="#id_price"' in response.content
    assert not Proposal.objects.exists()


def test_saving_a_submitted_proposal_unchanged_keeps_it_submitted(c):
    """Issue 13, item 2: a form saved unchanged writes nothing, so it does not turn a
    submitted proposal back into a draft."""
    client = client_for(c.applicants[0][1])
    saved = client.post(url("my_proposal", c.challenge), {**FORM, "plan": "Discover.\r\nPrototype.\r\nTest.", "price": "£45,000", "version": 0})
    assert saved.status_code == 303
    assert client.post(url("attachment_add", c.challenge), {"file": upload("plan.pdf", PDF)}).status_code == 303
    assert client.post(url("proposal_submit", c.challenge)).status_code == 303
    before = Proposal.objects.filter(challenge=c.challenge).values().get()
    assert before["status"] == Proposal.Status.SUBMITTED
    sent = as_sent(client.get(url("my_proposal", c.challenge)).content.decode(), containing="scale")
    assert client.post(url("my_proposal", c.challenge), sent).status_code == 303
    assert Proposal.objects.filter(challenge=c.challenge).values().get() == before
    assert client.post(url("my_proposal", c.challenge), {**sent, "team": "Three designers."}).status_code == 303
    after = Proposal.objects.get(challenge=c.challenge)
    assert after.status == Proposal.Status.DRAFT and after.team == "Three designers." and after.version == before["version"] + 1
