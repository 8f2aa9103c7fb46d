"""The outcome pages (citytools.partnering.views.outcome): each door's success and refusal."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from citytools.partnering.access import roles_for
from citytools.partnering.models import CheckIn, FollowOnPurchase, Milestone, State, SurveyResponse
from citytools.partnering.views.outcome import nav_links
from tests.factories import ContractFactory
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return cast(applicants=3, evaluators=2)


def client(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def url(name, challenge, **kwargs):
    return reverse(f"partnering:{name}", kwargs={"slug": challenge.slug, **kwargs})


def test_the_award_page_is_public_and_shows_no_scores(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    response = client().get(url("award", challenge))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Applicant 1 Ltd" in text and "Small (fewer than 50 staff)" in text
    assert "Applicant 2 Ltd" not in text  # only the partner is named
    assert "Debrief" not in text  # the public gets no debrief links


def test_no_award_page_before_the_sign_off(c):
    challenge = challenge_in(c, State.SELECTION)
    assert client(c.owner).get(url("award", challenge)).status_code == 404


def test_an_applicant_reads_their_own_debrief_and_not_anothers(c):
    challenge = challenge_in(c, State.PARTNERED)
    applicant = c.applicants[1][1]
    own = url("debrief_proposal", challenge, pk=c.proposal_of(1).pk)
    response = client(applicant).get(url("debriefs", challenge))
    assert response.status_code == 302 and response["Location"] == own
    page = client(applicant).get(own)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ranked <strong>2</strong> of 3" in text and "Evaluator 1" not in text
    assert "The owners are reviewing the panel’s feedback" in text
    assert client(applicant).get(url("debrief_proposal", challenge, pk=c.proposal_of(0).pk)).status_code == 404
    assert client().get(own).status_code == 302  # to the sign-in page


def test_the_owner_lists_every_debrief(c):
    challenge = challenge_in(c, State.PARTNERED)
    response = client(c.owner).get(url("debriefs", challenge))
    assert response.status_code == 200
    assert response.content.decode().count("/debriefs/") == 3


def test_the_partner_adds_a_milestone_marks_it_done_and_checks_in(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    partner = client(c.applicants[0][1])
    response = partner.post(url("milestone_add", challenge), {"title": "Prototype", "due_date": "2030-01-31"})
    assert response.status_code == 303 and response["Location"] == url("codesign", challenge)
    milestone = Milestone.objects.get(challenge=challenge)
    assert partner.post(url("milestone_done", challenge, pk=milestone.pk)).status_code == 303
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    assert partner.post(url("checkin_add", challenge), {"status": "on_track", "note": "Good week."}).status_code == 303
    page = client(c.member).get(url("codesign", challenge)).content.decode()
    assert "Prototype" in page and "Good week." in page and "Add a milestone" not in page


def test_a_check_in_without_a_note_shows_the_error(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    response = client(c.owner).post(url("checkin_add", challenge), {"status": "at_risk", "note": ""})
    assert response.status_code == 400
    assert "Write a short note on how it is going." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_another_applicant_cannot_touch_the_codesign(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    other = client(c.applicants[1][1])
    assert other.get(url("codesign", challenge)).status_code == 404
    assert other.post(url("milestone_add", challenge), {"title": "X", "due_date": "2030-01-31"}).status_code == 404
    assert client(c.evaluators[0]).post(url("milestone_add", challenge), {"title": "X", "due_date": "2030-01-31"}).status_code == 403
    assert not Milestone.objects.exists()


def test_the_survey_page_takes_one_answer(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    applicant = client(c.applicants[1][1])
    form = {"satisfaction": "4", "clarity": "3", "effort_hours": "20", "would_apply_again": "yes", "change": "More time."}
    assert applicant.post(url("survey", challenge), form).status_code == 303
    response = SurveyResponse.objects.get()
    assert (response.respondent, response.would_apply_again, response.effort_hours) == ("applicant", True, 20)
    assert "You answered on" in applicant.get(url("survey", challenge)).content.decode()
    assert applicant.post(url("survey", challenge), form).status_code == 403


def test_the_survey_refuses_others_and_waits_for_the_demo(c):
    closed = challenge_in(c, State.CLOSED_OUT)
    assert client(c.evaluators[0]).get(url("survey", closed)).status_code == 404
    partnered = challenge_in(c, State.PARTNERED)
    page = client(c.applicants[0][1]).get(url("survey", partnered))
    assert page.status_code == 200 and "opens at the demo" in page.content.decode()
    assert client(c.applicants[0][1]).post(url("survey", partnered), {"satisfaction": "4", "clarity": "4"}).status_code == 403


def test_survey_comments_reach_the_owners_only(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    client(c.applicants[1][1]).post(url("survey", challenge), {"satisfaction": "2", "clarity": "3", "change": "Shorter form."})
    results = client(c.owner).get(url("survey_results", challenge)).content.decode()
    assert "Shorter form." in results
    satisfaction = re.search(r'<table class="govuk-table" id="survey-satisfaction-table">(.*?)</table>', results, re.S).group(1)
    assert re.search(r"2 of 5</th>\s*<td[^>]*>1</td>", satisfaction) and re.search(r"4 of 5</th>\s*<td[^>]*>0</td>", satisfaction)
    for_steward = client(c.steward).get(url("survey_results", challenge))
    assert for_steward.status_code == 200 and "Shorter form." not in for_steward.content.decode()
    assert client(c.applicants[1][1]).get(url("survey_results", challenge)).status_code == 404


def test_owners_link_a_follow_on_purchase_shown_on_the_award_page(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    contract = ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0], title="Status page licences")
    ContractFactory(organisation=c.organisation, supplier=c.applicants[1][0], title="Not the partner's")
    form = client(c.owner).get(url("purchase_add", challenge)).content.decode()
    assert "Status page licences" in form and "Not the partner" not in form
    response = client(c.owner).post(url("purchase_add", challenge), {"contract": str(contract.pk), "note": "Two years."})
    assert response.status_code == 303
    assert FollowOnPurchase.objects.get().contract == contract
    assert "Status page licences" in client().get(url("award", challenge)).content.decode()
    assert client(c.steward).post(url("purchase_add", challenge), {"contract": str(contract.pk)}).status_code == 403


def test_metrics_pages(c):
    challenge = challenge_in(c, State.PARTNERED)
    page = client().get(url("challenge_metrics", challenge)).content.decode()
    assert "Applicants (submitted proposals)" in page and "3 (100.0%)" in page
    across = client().get(reverse("partnering:metrics")).content.decode()
    assert "Does the Invitation to Partner attract small and medium-sized firms?" in across
    assert "3 of 3 applicants (100.0%) were micro, small or medium-sized." in across
    assert 'id="itp-applicants-table"' in across  # the chart's table alternative
    # The chart splits each challenge's applicants into SMEs and large firms, as its title says.
    spec = re.search(r'<script id="itp-applicants-spec" type="application/json">(.*?)</script>', across, re.S).group(1)
    values = json.loads(spec)["data"]["values"]
    assert {(v["size"], v["applicants"]) for v in values if v["challenge"] == challenge.reference} == {
        ("Micro, small or medium", 3), ("Large", 0)
    }
    sizes = re.search(r'<table class="govuk-table" id="itp-sizes-table">(.*?)</table>', page, re.S).group(1)
    assert re.search(r"Small</th>\s*<td[^>]*>3</td>", sizes) and re.search(r"Large</th>\s*<td[^>]*>0</td>", sizes)
    draft = challenge_in(c, State.DRAFT)
    assert client(c.owner).get(url("challenge_metrics", draft)).status_code == 404


def test_the_ocds_file_is_public_for_published_challenges_only(c):
    challenge = challenge_in(c, State.PARTNERED)
    response = client().get(url("ocds", challenge))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["releases"][-1]["tag"] == ["award"]
    assert client(c.owner).get(url("ocds", challenge_in(c, State.IN_REVIEW))).status_code == 404


def test_notifications_and_lessons_pages(c, django_capture_on_commit_callbacks):
    from citytools.partnering import lifecycle
    from tests.partnering.world import STEWARD

    challenge = challenge_in(c, State.SELECTION)
    challenge.selected_proposal = c.proposal_of(0)
    challenge.save()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(challenge, State.PARTNERED, actor=c.steward, roles=STEWARD)
    page = client(c.applicants[2][1]).get(reverse("partnering:notifications")).content.decode()
    assert "Your proposal was not selected" in page
    assert "Your proposal was selected" not in page
    assert client().get(reverse("partnering:notifications")).status_code == 302
    assert client(c.owner).get(reverse("partnering:lessons")).status_code == 200


def test_nav_links_follow_the_roles(c):
    challenge = challenge_in(c, State.CO_DESIGN)

    def labels(user):
        viewer = c.viewer(user)
        return [label for label, _ in nav_links(challenge, roles_for(viewer, challenge), viewer)]

    assert labels(None) == ["Process metrics", "Open data (OCDS)", "Award notice"]
    assert "Debriefs" in labels(c.owner) and "Co-design progress" in labels(c.owner)
    assert "Your debrief" in labels(c.applicants[1][1]) and "Co-design progress" not in labels(c.applicants[1][1])
    assert "Co-design progress" in labels(c.applicants[0][1])


def test_lessons_include_for_the_new_challenge_page(c):
    from django.template.loader import render_to_string

    from citytools.partnering.services.outcome import lessons

    challenge = challenge_in(c, State.CLOSED_OUT)
    SurveyResponse.objects.create(
        challenge=challenge, user=c.applicants[1][1], respondent="applicant", satisfaction=3, clarity=4,
        change="Say who scores.", submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    html = render_to_string("partnering/_lessons.html", {"lessons": lessons(c.organisation, viewer=c.viewer(c.owner))})
    assert "satisfaction 3 out of 5" in html and "Say who scores." in html
