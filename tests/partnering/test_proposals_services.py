"""Proposals through their services: drafting, the deadline to the second, attachments,
submitting, withdrawing and resubmitting, receipts, re-confirmation, sealing and screening."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.partnering import lifecycle
from citytools.partnering.models import Addendum, Attachment, EligibilityDecision, Proposal, State
from citytools.partnering.services import proposals as services
from tests.factories import RoleFactory, SupplierFactory
from tests.partnering.evaluation_world import (
    DOCX,
    ELF,
    FORM,
    JPEG,
    MACHO,
    ODP,
    ODS,
    ODT,
    PDF,
    PE,
    PNG,
    PPTX,
    SCRIPT,
    XLSX,
    ZIP,
    cast,
    challenge_in,
    open_challenge,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    world = cast()
    open_challenge(world)
    return world


def draft(c, index=0, **changes):
    _supplier, user = c.applicants[index]
    return services.save_proposal(c.challenge, **c.as_(user), **{**FORM, **changes})


# Drafting -----------------------------------------------------------------------------------


def test_a_vendor_user_drafts_one_proposal_for_their_supplier(c):
    proposal = draft(c)
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.supplier == c.applicants[0][0]
    again = draft(c, summary="A better idea.")
    assert again.pk == proposal.pk
    assert Proposal.objects.filter(challenge=c.challenge).count() == 1
    assert again.summary == "A better idea."
    assert again.version == proposal.version + 1


@pytest.mark.parametrize("who", ["owner", "steward", "admin", "member", "stranger", "evaluator1"])
def test_only_vendor_users_apply(c, who):
    user = c.everyone()[who]
    with pytest.raises(Forbidden):
        services.save_proposal(c.challenge, **c.as_(user), **FORM)
    assert not Proposal.objects.exists()


def test_a_vendor_user_who_is_also_staff_of_an_owner_may_not_apply(c):
    _supplier, user = c.applicants[0]
    RoleFactory(user=user, kind="member", organisation=c.organisation)
    with pytest.raises(Forbidden):
        services.save_proposal(c.challenge, **c.as_(user), **FORM)


def test_a_vendor_user_of_several_suppliers_chooses_one(c):
    _supplier, user = c.applicants[0]
    second = SupplierFactory(slug="second-firm", name="Second Firm")
    RoleFactory(user=user, kind="vendor", supplier=second)
    with pytest.raises(DomainError) as error:
        services.save_proposal(c.challenge, **c.as_(user), **FORM)
    assert error.value.field == "supplier"
    proposal = services.save_proposal(c.challenge, **c.as_(user), supplier="second-firm", **FORM)
    assert proposal.supplier == second
    stranger_firm = SupplierFactory(slug="not-theirs")
    with pytest.raises(Forbidden):
        services.save_proposal(c.challenge, **c.as_(user), supplier=stranger_firm.pk, **FORM)


def test_the_price_may_not_exceed_the_budget_cap(c):
    with pytest.raises(DomainError) as error:
        draft(c, price="50000.01")
    assert error.value.field == "price"
    assert draft(c, price="50000").price == 50000


@pytest.mark.parametrize("price", ["-1", "abc", "1.234", "NaN"])
def test_a_price_must_be_a_sum_of_money(c, price):
    with pytest.raises(DomainError):
        draft(c, price=price)


def test_a_stale_version_is_a_conflict(c):
    proposal = draft(c)
    _supplier, user = c.applicants[0]
    with pytest.raises(Conflict):
        services.save_proposal(c.challenge, **c.as_(user), version=proposal.version - 1, **FORM)


def test_an_unpublished_challenge_does_not_exist_for_applicants():
    world = cast()
    challenge_in(world, State.DRAFT, applicants=[])
    _supplier, user = world.applicants[0]
    with pytest.raises(NotFound):
        services.save_proposal(world.challenge, **world.as_(user), **FORM)


# The deadline, to the second ------------------------------------------------------------------


def test_submitting_one_second_before_the_deadline_works_and_at_it_does_not(c):
    proposal = draft(c)
    _supplier, user = c.applicants[0]
    deadline = c.challenge.submission_deadline
    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        submitted = services.submit_proposal(proposal, **c.as_(user))
        assert submitted.status == Proposal.Status.SUBMITTED
        services.withdraw_proposal(submitted, **c.as_(user))
    with time_machine.travel(deadline, tick=False):
        # The clock has not moved the challenge on yet, and still the deadline holds.
        c.refresh()
        assert c.challenge.state == State.PUBLISHED or c.challenge.state == State.QUESTIONS_CLOSED
        with pytest.raises(Forbidden):
            services.submit_proposal(proposal, **c.as_(user))
        with pytest.raises(Forbidden):
            draft(c)
    with time_machine.travel(deadline + datetime.timedelta(seconds=1), tick=False), pytest.raises(Forbidden):
        services.submit_proposal(proposal, **c.as_(user))
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.WITHDRAWN


def test_nothing_changes_after_the_deadline(c):
    proposal = services.submit_proposal(draft(c), **c.as_(c.applicants[0][1]))
    user = c.applicants[0][1]
    attachment = services.add_attachment(proposal, **c.as_(user), upload=upload("plan.pdf", PDF))
    proposal = services.submit_proposal(Proposal.objects.get(pk=proposal.pk), **c.as_(user))
    after = c.challenge.submission_deadline + datetime.timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        for call in (
            lambda: services.withdraw_proposal(proposal, **c.as_(user)),
            lambda: services.add_attachment(proposal, **c.as_(user), upload=upload("more.pdf", PDF)),
            lambda: services.remove_attachment(attachment, **c.as_(user)),
            lambda: draft(c, summary="Too late"),
        ):
            with pytest.raises(Forbidden):
                call()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.summary == FORM["summary"]
    assert proposal.attachments.count() == 1


def test_submitting_needs_a_complete_proposal(c):
    proposal = draft(c, team="", price="")
    with pytest.raises(DomainError) as error:
        services.submit_proposal(proposal, **c.as_(c.applicants[0][1]))
    assert "your team" in error.value.message and "your price" in error.value.message
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_only_the_supplier_submits_its_proposal(c):
    proposal = draft(c)
    for user in (c.applicants[1][1], c.owner, c.admin):
        with pytest.raises((NotFound, Forbidden)):
            services.submit_proposal(proposal, **c.as_(user))


# Withdraw, resubmit, receipts ------------------------------------------------------------------


def test_withdraw_edit_and_resubmit_before_the_deadline(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(draft(c), **c.as_(user))
    first_hash = proposal.receipt_hash
    assert len(first_hash) == 64
    withdrawn = services.withdraw_proposal(proposal, **c.as_(user))
    assert withdrawn.status == Proposal.Status.WITHDRAWN and not withdrawn.receipt_hash
    assert services.submitted_count(c.challenge) == 0
    edited = draft(c, summary="Second thoughts.")
    assert edited.status == Proposal.Status.DRAFT
    again = services.submit_proposal(edited, **c.as_(user))
    assert again.status == Proposal.Status.SUBMITTED
    assert again.receipt_hash != first_hash
    assert services.submitted_count(c.challenge) == 1


def test_changing_a_submitted_proposal_makes_it_a_draft_again(c):
    user = c.applicants[0][1]
    services.submit_proposal(draft(c), **c.as_(user))
    changed = draft(c, summary="Changed after submitting.")
    assert changed.status == Proposal.Status.DRAFT
    assert changed.receipt_hash == "" and changed.submitted_at is None
    assert services.submitted_count(c.challenge) == 0


def test_the_receipt_hash_can_be_derived_again_from_the_receipt(c):
    user = c.applicants[0][1]
    proposal = draft(c)
    services.add_attachment(proposal, **c.as_(user), upload=upload("plan.pdf", PDF))
    proposal = services.submit_proposal(Proposal.objects.get(pk=proposal.pk), **c.as_(user))
    receipt = services.receipt(proposal, viewer=c.viewer(user))
    document = json.loads(json.dumps(receipt["document"]))  # as a client would read it
    import hashlib

    recomputed = hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert recomputed == receipt["sha256"] == proposal.receipt_hash
    assert document["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert document["summary"] == FORM["summary"]
    # Any change to what was submitted gives another hash.
    document["price"] = "44999.00"
    assert services.receipt_hash(document) != proposal.receipt_hash


def test_only_the_applicant_gets_the_receipt(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(draft(c), **c.as_(user))
    for other in (c.applicants[1][1], c.owner, c.admin, c.steward):
        with pytest.raises(NotFound):
            services.receipt(proposal, viewer=c.viewer(other))


def test_reconfirming_after_a_material_addendum_gives_a_new_receipt(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(draft(c), **c.as_(user))
    with pytest.raises(DomainError):
        services.reconfirm_proposal(proposal, **c.as_(user))
    Addendum.objects.create(
        challenge=c.challenge, number=1, title="New data", body="The data set is bigger.", material=True,
        issued_at=timezone.now(),
    )
    Proposal.objects.filter(pk=proposal.pk).update(needs_reconfirmation=True)
    proposal.refresh_from_db()
    confirmed = services.reconfirm_proposal(proposal, **c.as_(user))
    assert confirmed.needs_reconfirmation is False
    assert confirmed.receipt_hash != proposal.receipt_hash
    assert confirmed.submitted_at == proposal.submitted_at
    receipt = services.receipt(confirmed, viewer=c.viewer(user))
    assert receipt["document"]["addenda_seen"] == 1
    assert services.receipt_hash(receipt["document"]) == confirmed.receipt_hash


# Attachments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,stored",
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("plan.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("costs.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("deck.pptx", PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("plan.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("costs.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("deck.odp", ODP, "application/vnd.oasis.opendocument.presentation"),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("notes.txt", "Plain notes, café.".encode(), "text/plain"),
        ("people.csv", b"name,role\nAda,designer\n", "text/csv"),
    ],
)
def test_allowed_files_are_stored_with_their_hash(c, name, content, stored, settings):
    proposal = draft(c)
    attachment = services.add_attachment(proposal, **c.as_(c.applicants[0][1]), upload=upload(name, content))
    import hashlib

    assert attachment.content_type == stored
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.name == name
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert name not in attachment.file.name  # stored under a random name
    with attachment.file.open("rb") as stored_file:
        assert stored_file.read() == content


@pytest.mark.parametrize(
    "name,content,says",
    [
        ("empty.pdf", b"", "empty"),
        ("setup.pdf", PE, "Programs"),
        ("tool.pdf", ELF, "Programs"),
        ("app.pdf", MACHO, "Programs"),
        ("run.txt", SCRIPT, "Programs"),
        ("setup.exe", PE, "Programs"),
        ("bundle.zip", ZIP, "cannot be attached"),
        ("bundle.docx", ZIP, "Archives"),
        ("photo.pdf", PNG, "does not match"),
        ("plan.png", PDF, "does not match"),
        ("binary.txt", b"\x00\x01\x02 not text", "not plain text"),
        ("page.html", b"<html></html>", "cannot be attached"),
        ("noextension", PDF, "cannot be attached"),
    ],
)
def test_refused_files(c, name, content, says):
    proposal = draft(c)
    with pytest.raises(DomainError) as error:
        services.add_attachment(proposal, **c.as_(c.applicants[0][1]), upload=upload(name, content))
    assert says in error.value.message
    assert error.value.field == "file"
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(c, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    proposal = draft(c)
    user = c.applicants[0][1]
    services.add_attachment(proposal, **c.as_(user), upload=upload("exact.txt", b"a" * 100))
    with pytest.raises(DomainError) as error:
        services.add_attachment(proposal, **c.as_(user), upload=upload("big.txt", b"a" * 101))
    assert "too large" in error.value.message
    assert Attachment.objects.count() == 1


def test_at_most_so_many_attachments(c, settings):
    settings.ATTACHMENTS_PER_PROPOSAL = 2
    proposal = draft(c)
    user = c.applicants[0][1]
    for i in range(2):
        services.add_attachment(proposal, **c.as_(user), upload=upload(f"p{i}.pdf", PDF))
    with pytest.raises(DomainError) as error:
        services.add_attachment(proposal, **c.as_(user), upload=upload("p3.pdf", PDF))
    assert "at most 2" in error.value.message
    first = proposal.attachments.first()
    services.remove_attachment(first, **c.as_(user))
    services.add_attachment(proposal, **c.as_(user), upload=upload("p3.pdf", PDF))
    assert proposal.attachments.count() == 2


def test_a_file_name_is_kept_only_as_data(c):
    proposal = draft(c)
    attachment = services.add_attachment(
        proposal, **c.as_(c.applicants[0][1]), upload=upload("../../etc/passwd.pdf", PDF)
    )
    assert attachment.name == "passwd.pdf"
    assert ".." not in attachment.file.name


def test_attaching_to_a_submitted_proposal_makes_it_a_draft_again(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(draft(c), **c.as_(user))
    services.add_attachment(proposal, **c.as_(user), upload=upload("late.pdf", PDF))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_nobody_else_attaches_or_removes(c):
    user = c.applicants[0][1]
    proposal = draft(c)
    attachment = services.add_attachment(proposal, **c.as_(user), upload=upload("p.pdf", PDF))
    for other in (c.applicants[1][1], c.owner, c.admin):
        with pytest.raises((NotFound, Forbidden)):
            services.add_attachment(proposal, **c.as_(other), upload=upload("x.pdf", PDF))
        with pytest.raises((NotFound, Forbidden)):
            services.remove_attachment(attachment, **c.as_(other))
    assert Attachment.objects.count() == 1


# Sealed --------------------------------------------------------------------------------------


def test_before_the_close_nobody_but_the_supplier_reads_a_proposal(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(draft(c), **c.as_(user))
    attachment = services.add_attachment(proposal, **c.as_(user), upload=upload("p.pdf", PDF))
    people = c.everyone()
    for name, person in people.items():
        viewer = c.viewer(person)
        if name == "applicant1":
            assert services.readable_proposal(viewer, c.challenge, proposal.pk) == proposal
            assert services.readable_attachment(viewer, attachment.pk) == attachment
            continue
        with pytest.raises(NotFound):
            services.readable_proposal(viewer, c.challenge, proposal.pk)
        with pytest.raises(NotFound):
            services.readable_attachment(viewer, attachment.pk)
        if name not in ("public",):
            assert services.panel_proposals(viewer, c.challenge) is None
    assert services.submitted_count(c.challenge) == 0  # it went back to a draft with the attachment
    services.submit_proposal(Proposal.objects.get(pk=proposal.pk), **c.as_(user))
    assert services.submitted_count(c.challenge) == 1


def test_after_the_close_the_panel_reads_submitted_proposals_only():
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED)
    first = world.proposal_of(0)
    # A draft never submitted stays unreadable to the panel.
    Proposal.objects.filter(pk=world.proposal_of(1).pk).update(status=Proposal.Status.DRAFT)
    for who in ("owner", "admin", "steward"):
        viewer = world.viewer(world.everyone()[who])
        assert services.readable_proposal(viewer, world.challenge, first.pk) == first
        listed = services.panel_proposals(viewer, world.challenge)
        assert first in listed and world.proposal_of(1) not in listed
        with pytest.raises(NotFound):
            services.readable_proposal(viewer, world.challenge, world.proposal_of(1).pk)
    # Staff of the owner who are not on the panel, strangers, other applicants: never.
    for who in ("member", "stranger", "applicant2", "public"):
        with pytest.raises(NotFound):
            services.readable_proposal(world.viewer(world.everyone()[who]), world.challenge, first.pk)
    # An evaluator reads only after declaring no conflict.
    evaluator = world.evaluators[0]
    with pytest.raises(NotFound):
        services.readable_proposal(world.viewer(evaluator), world.challenge, first.pk)
    from citytools.partnering.services import evaluation

    evaluation.declare_interests(world.challenge, **world.as_(evaluator), has_conflict=False)
    assert services.readable_proposal(world.viewer(evaluator), world.challenge, first.pk) == first


# Screening -----------------------------------------------------------------------------------


def decisions(challenge, passed=True, note=""):
    return {e.pk: (passed, note) for e in challenge.eligibility_criteria.all()}


def test_screening_after_the_close_by_owner_or_steward():
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED)
    proposal = world.proposal_of(0)
    screened = services.screen_proposal(proposal, **world.as_(world.owner), decisions=decisions(world.challenge))
    assert screened.eligible is True
    criteria = list(world.challenge.eligibility_criteria.all())
    mixed = {criteria[0].pk: (True, ""), criteria[1].pk: (False, "No insurance certificate.")}
    screened = services.screen_proposal(world.proposal_of(1), **world.as_(world.steward), decisions=mixed)
    assert screened.eligible is False
    assert EligibilityDecision.objects.filter(proposal=screened, passed=False).get().note == "No insurance certificate."


def test_a_failed_criterion_needs_a_note_and_every_criterion_a_decision():
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED)
    proposal = world.proposal_of(0)
    with pytest.raises(DomainError):
        services.screen_proposal(proposal, **world.as_(world.owner), decisions=decisions(world.challenge, False))
    first = world.challenge.eligibility_criteria.first()
    with pytest.raises(DomainError):
        services.screen_proposal(proposal, **world.as_(world.owner), decisions={first.pk: (True, "")})
    proposal.refresh_from_db()
    assert proposal.eligible is None


def test_a_proposal_not_reconfirmed_after_a_material_addendum_cannot_pass():
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED)
    proposal = world.proposal_of(0)
    Proposal.objects.filter(pk=proposal.pk).update(needs_reconfirmation=True)
    proposal.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.screen_proposal(proposal, **world.as_(world.owner), decisions=decisions(world.challenge))
    assert error.value.code == "not_reconfirmed"
    proposal.refresh_from_db()
    assert proposal.eligible is None and not EligibilityDecision.objects.filter(proposal=proposal).exists()
    failed = decisions(world.challenge, False, "Not re-confirmed after addendum 1, which changed the data offered.")
    assert services.screen_proposal(proposal, **world.as_(world.owner), decisions=failed).eligible is False


@pytest.mark.parametrize("who", ["evaluator1", "member", "stranger", "applicant1"])
def test_only_owners_and_steward_screen(who):
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED)
    user = world.everyone()[who]
    with pytest.raises((Forbidden, NotFound)):
        services.screen_proposal(world.proposal_of(0), **world.as_(user), decisions=decisions(world.challenge))
    assert not EligibilityDecision.objects.exists()


def test_screening_happens_only_while_submissions_are_closed():
    world = cast()
    challenge_in(world, State.EVALUATION)
    with pytest.raises(Forbidden):
        services.screen_proposal(world.proposal_of(0), **world.as_(world.owner), decisions=decisions(world.challenge))


def test_the_clock_closes_submissions_and_unseals():
    world = cast()
    challenge = open_challenge(world)
    user = world.applicants[0][1]
    proposal = services.submit_proposal(
        services.save_proposal(challenge, **world.as_(user), **FORM), **world.as_(user)
    )
    lifecycle.advance_due(challenge.submission_deadline)
    world.refresh()
    assert world.challenge.state == State.SUBMISSIONS_CLOSED
    assert services.readable_proposal(world.viewer(world.owner), world.challenge, proposal.pk) == proposal
