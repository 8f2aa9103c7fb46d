"""The pages for writing a challenge: success and refusal for each door, without JavaScript."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from citytools.partnering.models import Addendum, Challenge, Interest, Question, State
from tests.browser_form import form_data as as_sent
from tests.partnering.test_authoring_services import cast  # noqa: F401 (fixture)
from tests.partnering.world import make_challenge

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def url(name, challenge=None, **kw):
    return reverse(f"partnering:{name}", kwargs={"slug": challenge.slug, **kw} if challenge else kw or None)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def draft(cast):
    return make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member])


@pytest.fixture
def published(cast):
    return make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member], state=State.PUBLISHED)


# Reading ------------------------------------------------------------------------------------------


def test_the_list_shows_published_challenges_to_everyone_and_drafts_to_their_panel(cast, draft, published):
    public = text(client().get(url("challenges")))
    assert published.title in public and draft.title not in public
    assert "Challenges by state" in public and "<caption" in public
    staff = text(client(cast.member).get(url("challenges")))
    assert draft.title in staff
    filtered = text(client(cast.member).get(url("challenges") + "?state=draft"))
    assert draft.title in filtered and published.title not in filtered
    by_owner = text(client().get(url("challenges") + f"?owner={cast.stranger.slug}"))
    assert published.title in by_owner  # an unknown owner filter is ignored, not an error


def test_an_unpublished_challenge_is_404_to_people_off_its_panel(cast, draft):
    for user in (None, cast.vendor, cast.other_editor):
        assert client(user).get(url("challenge", draft)).status_code == 404
    assert client(cast.member).get(url("challenge", draft)).status_code == 200


def test_the_challenge_page_is_the_plain_language_document(cast, published):
    page = text(client().get(url("challenge", published)))
    for words in ("The Challenge", "Residents wait too long", "Understanding of the challenge", "Team and experience",
                  "Key dates", "Question deadline", "non-binding", "vendor owns the prototype", "separate contract",
                  "partner@example.org", "Equal totals", "Excellent", "Can start within four weeks"):
        assert words in page, words
    assert re.search(r"Understanding of the challenge</th>\s*<td[^>]*>40<", client().get(url("challenge", published)).content.decode())
    assert 'aria-current="step"' in page
    assert "Cancel" not in page  # the public has no moves


def test_owners_see_the_publication_problems_and_their_moves(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, budget_cap=60000)
    page = text(client(cast.editor).get(url("challenge", challenge)))
    assert "cannot be published yet" in page and "The budget cap is 60,000 CAD" in page
    assert "Send for review" in page
    assert "cannot be published yet" not in text(client(cast.vendor).get(url("challenge", make_challenge(owners=[cast.own], state=State.PUBLISHED, steward=cast.coordinator))))


def test_links_of_this_part_appear_for_owners(cast, draft):
    page = text(client(cast.editor).get(url("challenge", draft)))
    for name in ("challenge_edit", "challenge_criteria", "challenge_panel"):
        assert url(name, draft) in page


# Writing the document -----------------------------------------------------------------------------


def form(**changes):
    data = {
        "title": "Faster answers for 311", "problem_statement": "Residents wait.", "currency": "CAD",
        "budget_cap": "45000", "codesign_weeks": "14", "question_deadline": "2030-03-01T17:00",
        "submission_deadline": "2030-03-31T17:00", "terms_non_binding": "on", "tie_break": "criteria-price-time",
    }
    data.update(changes)
    return data


def test_an_editor_creates_a_challenge_without_javascript(cast):
    assert client(cast.editor).get(url("challenge_new")).status_code == 200
    response = client(cast.editor).post(url("challenge_new"), form(owners=[cast.own.slug]))
    assert response.status_code == 303
    challenge = Challenge.objects.get()
    assert response["Location"] == challenge.get_absolute_url()
    assert challenge.owner_ids == {cast.own.pk} and challenge.codesign_weeks == 14
    assert challenge.question_deadline.hour == 17


def test_creating_refuses_other_organisations_and_shows_errors(cast):
    assert client(cast.member).get(url("challenge_new")).status_code == 403
    assert client(cast.vendor).post(url("challenge_new"), form(owners=[cast.own.slug])).status_code == 403
    assert client(cast.editor).post(url("challenge_new"), form(owners=[cast.peer.slug])).status_code == 403
    response = client(cast.editor).post(url("challenge_new"), form(owners=[cast.own.slug], title=""))
    assert response.status_code == 400
    assert "govuk-error-summary" in text(response) and "Give the challenge a title" in text(response)
    assert 'href="#id_title"' in text(response)
    assert not Challenge.objects.exists()


def test_editing_a_draft_and_a_stale_edit_keeping_the_input(cast, draft):
    data = form(title="A better title", version=str(draft.version))
    assert client(cast.editor).post(url("challenge_edit", draft), data).status_code == 303
    draft.refresh_from_db()
    assert draft.title == "A better title"
    stale = client(cast.editor).post(url("challenge_edit", draft), form(title="Lost edit", version=str(draft.version - 1)))
    assert stale.status_code == 409
    assert "Someone else changed this challenge" in text(stale) and 'value="Lost edit"' in text(stale)
    draft.refresh_from_db()
    assert draft.title == "A better title"


def test_edit_is_refused_to_non_owners_and_after_publication(cast, draft, published):
    assert client(cast.member).get(url("challenge_edit", draft)).status_code == 403
    assert client(cast.editor).get(url("challenge_edit", published)).status_code == 403
    assert client(cast.vendor).get(url("challenge_edit", draft)).status_code == 404


def criteria_data(challenge, **changes):
    data = {
        "criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name": "Understanding", "criteria-0-weight": "70", "criteria-0-scale_max": "2",
        "criteria-0-level_texts": "None\nSome\nDeep",
        "criteria-1-name": "Team", "criteria-1-weight": "30", "criteria-1-scale_max": "1", "criteria-1-level_texts": "No\nYes",
        "criteria-2-name": "", "eligibility": "Insured\n\nCan start in four weeks", "version": str(challenge.version),
    }
    data.update(changes)
    return data


def test_the_criteria_form_works_without_javascript(cast, draft):
    page = client(cast.editor).get(url("challenge_criteria", draft))
    assert page.status_code == 200
    names = re.findall(r'name="criteria-\d+-name"', page.content.decode())
    assert len(names) == 3 + 2  # the three criteria and two blank rows
    added = client(cast.editor).post(url("challenge_criteria", draft), {**criteria_data(draft), "add": "1"})
    assert added.status_code == 200
    assert len(re.findall(r'name="criteria-\d+-name"', added.content.decode())) == 4
    assert 'value="Understanding"' in added.content.decode()
    saved = client(cast.editor).post(url("challenge_criteria", draft), criteria_data(draft))
    assert saved.status_code == 303
    assert [(c.name, c.weight, c.level_texts) for c in draft.criteria.all()] == [
        ("Understanding", 70, ["None", "Some", "Deep"]), ("Team", 30, ["No", "Yes"])
    ]
    assert [e.text for e in draft.eligibility_criteria.all()] == ["Insured", "Can start in four weeks"]


def test_criteria_errors_are_summarised_and_nothing_is_saved(cast, draft):
    response = client(cast.editor).post(url("challenge_criteria", draft), criteria_data(draft, **{"criteria-1-level_texts": "No"}))
    assert response.status_code == 400
    assert "govuk-error-summary" in text(response) and "needs 2 level texts" in text(response)
    assert draft.criteria.count() == 3
    missing_weight = client(cast.editor).post(url("challenge_criteria", draft), criteria_data(draft, **{"criteria-1-weight": ""}))
    assert missing_weight.status_code == 400 and "Give this criterion a weight" in text(missing_weight)


@pytest.mark.parametrize(
    "field, value, words",
    [("weight", "0", "needs a whole-number weight of 1 or more"), ("weight", "1001", "has a weight above 1000, which cannot be right"),
     ("scale_max", "11", "needs a scale from 0 to a whole number between 1 and 10")],
)
def test_the_form_and_the_api_refuse_a_criterion_s_weight_and_scale_alike(cast, draft, field, value, words):
    """One rule (partnering.rules) for both doors, with one default top score."""
    import json

    page = client(cast.editor).post(url("challenge_criteria", draft), criteria_data(draft, **{f"criteria-0-{field}": value}))
    assert page.status_code == 400 and f"This criterion {words}." in text(page)
    row = {"name": "Fit", "weight": 100, "scale_max": 1, "level_texts": ["No", "Yes"], field: int(value)}
    api = client(cast.editor).put(
        f"/api/v1/challenges/{draft.slug}/criteria", json.dumps({"criteria": [row], "eligibility": []}),
        content_type="application/json", headers={"If-Match": f'"{draft.version}"'},
    )
    assert api.status_code == 400 and f"Criterion 1 ('Fit') {words}." == api.json()["detail"]
    assert draft.criteria.count() == 3


def test_the_form_and_the_api_give_a_criterion_the_same_top_score_by_default(cast, draft):
    import json

    from citytools.partnering.rules import DEFAULT_SCALE_MAX

    page = client(cast.editor).get(url("challenge_criteria", draft)).content.decode()
    blank_row = re.search(r'<input type="number" name="criteria-3-scale_max"[^>]*>', page).group(0)
    assert f'value="{DEFAULT_SCALE_MAX}"' in blank_row
    api = client(cast.editor).put(
        f"/api/v1/challenges/{draft.slug}/criteria",
        json.dumps({"criteria": [{"name": "Fit", "weight": 100, "level_texts": list("012345")}], "eligibility": []}),
        content_type="application/json", headers={"If-Match": f'"{draft.version}"'},
    )
    assert api.status_code == 200 and api.json()["criteria"][0]["scale_max"] == DEFAULT_SCALE_MAX


def test_criteria_are_frozen_on_the_page_once_published(cast, published):
    assert client(cast.editor).get(url("challenge_criteria", published)).status_code == 403
    assert client(cast.editor).post(url("challenge_criteria", published), criteria_data(published)).status_code == 403
    assert published.criteria.count() == 3


# Panel and moves ----------------------------------------------------------------------------------


def test_the_panel_page_sets_steward_and_evaluators(cast, draft):
    data = {"steward": str(cast.coordinator.pk), "evaluators": [str(cast.member.pk), str(cast.second.pk)]}
    assert client(cast.editor).post(url("challenge_panel", draft), data).status_code == 303
    assert set(draft.evaluators.values_list("user", flat=True)) == {cast.member.pk, cast.second.pk}
    clash = client(cast.editor).post(url("challenge_panel", draft), {"steward": str(cast.second.pk), "evaluators": [str(cast.second.pk)]})
    assert clash.status_code == 400 and "never scores" in text(clash)
    assert client(cast.member).get(url("challenge_panel", draft)).status_code == 200
    assert client(cast.member).post(url("challenge_panel", draft), data).status_code == 403


def test_a_move_is_confirmed_with_a_reason_where_needed(cast, published):
    confirm = client(cast.editor).get(url("challenge_move", published) + "?to=cancelled")
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    no_reason = client(cast.editor).post(url("challenge_move", published), {"to": "cancelled", "reason": "", "version": published.version})
    assert no_reason.status_code == 400 and "Give the reason" in text(no_reason)
    done = client(cast.editor).post(
        url("challenge_move", published), {"to": "cancelled", "reason": "The service is being merged.", "version": published.version}
    )
    assert done.status_code == 303
    published.refresh_from_db()
    assert published.state == State.CANCELLED and published.closing_reason == "The service is being merged."
    log = text(client().get(url("challenge_log", published)))
    assert "The service is being merged." in log and str(cast.editor) not in log
    assert str(cast.editor) in text(client(cast.member).get(url("challenge_log", published)))


def test_moves_are_refused_to_those_the_table_does_not_name(cast):
    review = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.IN_REVIEW)
    assert client(cast.editor).post(url("challenge_move", review), {"to": "published", "version": review.version}).status_code == 403
    assert client(cast.member).get(url("challenge_move", review)).status_code == 403
    ok = client(cast.coordinator).post(url("challenge_move", review), {"to": "published", "version": review.version})
    assert ok.status_code == 303
    review.refresh_from_db()
    assert review.state == State.PUBLISHED


def test_a_move_whose_checks_fail_lists_every_problem(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, budget_cap=60000, codesign_weeks=20)
    response = client(cast.editor).post(url("challenge_move", challenge), {"to": "in_review", "version": challenge.version})
    assert response.status_code == 400
    assert "60,000 CAD" in text(response) and "20 weeks" in text(response)
    challenge.refresh_from_db()
    assert challenge.state == State.DRAFT


def test_a_stale_move_is_409(cast, draft):
    response = client(cast.editor).post(url("challenge_move", draft), {"to": "in_review", "version": draft.version - 1})
    assert response.status_code == 409


# Questions, addenda, interest -------------------------------------------------------------------


def test_questions_are_asked_and_answered_without_naming_the_asker(cast, published):
    asked = client(cast.vendor).post(url("questions", published), {"text": "Is open source fine?"})
    assert asked.status_code == 303
    question = Question.objects.get()
    assert client(cast.editor).post(url("questions", published), {"text": "Me too?"}).status_code == 403
    assert "Is open source fine?" not in text(client().get(url("questions", published)))
    answer = client(cast.editor).post(
        url("question_answer", published, pk=question.pk), {f"q{question.pk}-answer": "Yes, any licence."}
    )
    assert answer.status_code == 303
    for page in (client().get(url("questions", published)), client().get(url("challenge", published))):
        assert "Yes, any licence." in text(page)
        assert cast.vendor.email not in text(page) and cast.supplier.name not in text(page) and str(cast.vendor) not in text(page)
    assert client(cast.vendor).post(url("question_answer", published, pk=question.pk), {f"q{question.pk}-answer": "x"}).status_code == 403


def test_an_empty_question_shows_the_error_summary(cast, published):
    response = client(cast.vendor).post(url("questions", published), {"text": ""})
    assert response.status_code == 400 and "Write your question" in text(response) and "govuk-error-summary" in text(response)


def test_owners_issue_numbered_addenda(cast, published):
    first = client(cast.editor).post(url("addenda", published), {"title": "Clarified scope", "body": "Phones are out."})
    assert first.status_code == 303
    client(cast.editor).post(url("addenda", published), {"title": "Second", "body": "More."})
    assert list(Addendum.objects.values_list("number", flat=True)) == [1, 2]
    page = text(client().get(url("addenda", published)))
    assert "Addendum 1: Clarified scope" in page and "Issue an addendum" not in page
    assert client(cast.vendor).post(url("addenda", published), {"title": "T", "body": "B"}).status_code == 403
    earlier = client(cast.editor).post(
        url("addenda", published), {"title": "T", "body": "B", "new_submission_deadline": "2000-01-01T10:00"}
    )
    assert earlier.status_code == 400 and "never earlier" in text(earlier)


def test_vendors_register_interest(cast, published):
    response = client(cast.vendor).post(url("interest", published))
    assert response.status_code == 303 and Interest.objects.filter(user=cast.vendor).exists()
    assert "You registered interest" in text(client(cast.vendor).get(url("challenge", published)))
    assert client(cast.editor).post(url("interest", published)).status_code == 403
    assert client(cast.vendor).get(url("interest", published)).status_code == 405


# The document -------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def test_the_pdf_contains_the_criteria_and_their_weights(cast, published):
    response = client().get(url("challenge_pdf", published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = pdf_text(response.content)
    for name, weight in (("Understanding of the challenge", 40), ("Approach to co-design with residents and staff", 35), ("Team and experience", 25)):
        assert name in body
        assert re.search(rf"{re.escape(name)} \(weight {weight}\)", body), name
    assert "The Challenge" in body and "Residents wait too long" in body


def test_the_pdf_shows_an_addendum_issued_after_it_was_first_rendered(cast, published):
    """PDFs are kept by a digest of their HTML; a change makes a new document, never the old one."""
    from citytools.accounts.viewer import Viewer
    from citytools.partnering.services.authoring import issue_addendum

    first = client().get(url("challenge_pdf", published)).content
    assert first == client().get(url("challenge_pdf", published)).content
    issue_addendum(
        published, actor=cast.editor, viewer=Viewer.for_user(cast.editor),
        title="Addendum on the data", body="Call records for 2025 are available to applicants.",
    )
    again = client().get(url("challenge_pdf", published)).content
    assert "Call records for 2025 are available" in pdf_text(again)
    assert "Call records for 2025" not in pdf_text(first)


def test_the_pdf_never_fetches_from_the_network(monkeypatch):
    import urllib.request

    from weasyprint import HTML

    from citytools.core.pdf import offline_fetcher

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to fetch a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetcher = offline_fetcher()
    for address in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(address)
    html = "<p>Hi</p><img src='http://example.org/x.png'><link rel=stylesheet href='https://example.org/x.css'>"
    assert HTML(string=html, url_fetcher=fetcher).write_pdf().startswith(b"%PDF")


def test_the_command_writes_the_document(cast, published, draft, tmp_path):
    target = tmp_path / "itp.pdf"
    out = io.StringIO()
    call_command("challenge_document", published.slug, "--output", str(target), stdout=out)
    assert "Team and experience" in pdf_text(target.read_bytes())
    html = io.StringIO()
    call_command("challenge_document", published.slug, "--output", "-", stdout=html)
    assert "Team and experience" in html.getvalue() and "<html" in html.getvalue()
    with pytest.raises(CommandError):
        call_command("challenge_document", draft.slug, "--output", str(tmp_path / "draft.pdf"))
    call_command("challenge_document", draft.slug, "--output", str(tmp_path / "draft.html"), "--draft", stdout=out)
    assert "Understanding of the challenge" in (tmp_path / "draft.html").read_text()
    with pytest.raises(CommandError):
        call_command("challenge_document", "no-such-challenge", "--output", str(tmp_path / "x.pdf"))


def test_the_publication_rules_command_lists_creates_and_changes(cast):
    out = io.StringIO()
    call_command("publication_rules", "london-boroughs", "--name", "London boroughs", "--currency", "gbp", "--max-budget", "40000", stdout=out)
    assert "Created london-boroughs" in out.getvalue()
    call_command("publication_rules", "london-boroughs", "--max-weeks", "10", "--min-weeks", "8", "--require-terms", "no", stdout=out)
    from citytools.partnering.models import PublicationRules

    rules = PublicationRules.objects.get(slug="london-boroughs")
    assert (rules.currency, rules.max_budget, rules.min_weeks, rules.max_weeks, rules.require_terms) == ("GBP", 40000, 8, 10, False)
    listing = io.StringIO()
    call_command("publication_rules", stdout=listing)
    assert "london-boroughs: London boroughs; budget at most 40,000 GBP; co-design 8–10 weeks" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("publication_rules", "london-boroughs", "--min-weeks", "12")
    with pytest.raises(CommandError):
        call_command("publication_rules", "nowhere")


def test_a_challenge_from_a_blank_form_to_published_through_the_pages(cast):
    """An editor writes it, sets the criteria and panel, sends it for review; the steward
    publishes it; a vendor asks, the editor answers and issues an addendum."""
    editor, steward, vendor = client(cast.editor), client(cast.coordinator), client(cast.vendor)
    created = editor.post(
        url("challenge_new"),
        form(owners=[cast.own.slug], contact_email="itp@example.org", terms_vendor_owns_prototype="on",
             terms_separate_purchase="on", tie_break="price-criteria-time"),
    )
    challenge = Challenge.objects.get()
    assert created.status_code == 303
    assert "Equal totals are separated by the lower price" in text(editor.get(url("challenge", challenge)))
    blocked = text(editor.get(url("challenge", challenge)))
    assert "Add the evaluation criteria" in blocked
    assert editor.post(url("challenge_criteria", challenge), criteria_data(challenge)).status_code == 303
    panel = {"steward": str(cast.coordinator.pk), "evaluators": [str(cast.member.pk)]}
    assert editor.post(url("challenge_panel", challenge), panel).status_code == 303
    challenge.refresh_from_db()
    assert "cannot be published yet" not in text(editor.get(url("challenge", challenge)))
    assert editor.post(url("challenge_move", challenge), {"to": "in_review", "version": challenge.version}).status_code == 303
    challenge.refresh_from_db()
    assert client().get(url("challenge", challenge)).status_code == 404
    assert "Approve and publish" in text(steward.get(url("challenge", challenge)))
    assert steward.post(url("challenge_move", challenge), {"to": "published", "version": challenge.version}).status_code == 303
    challenge.refresh_from_db()
    assert challenge.state == State.PUBLISHED and challenge.criteria_frozen_at is not None
    assert client().get(url("challenge", challenge)).status_code == 200
    assert vendor.post(url("interest", challenge)).status_code == 303
    assert vendor.post(url("questions", challenge), {"text": "May we partner with a charity?"}).status_code == 303
    question = Question.objects.get()
    editor.post(url("question_answer", challenge, pk=question.pk), {f"q{question.pk}-answer": "Yes."})
    editor.post(url("addenda", challenge), {"title": "Partnering with charities", "body": "Allowed."})
    page = text(client().get(url("challenge", challenge)))
    assert "May we partner with a charity?" in page and "Addendum 1: Partnering with charities" in page
    log = text(editor.get(url("challenge_log", challenge)))
    assert "Draft → In review" in log and "In review → Open for questions" in log and "Criteria changed" in log


def test_the_first_challenge_gets_default_rules_and_the_form_writes_nothing_on_get(cast):
    from citytools.partnering.models import PublicationRules

    PublicationRules.objects.all().delete()
    assert client(cast.editor).get(url("challenge_new")).status_code == 200
    assert not PublicationRules.objects.exists()
    response = client(cast.editor).post(url("challenge_new"), form(owners=[cast.own.slug]))
    assert response.status_code == 303
    assert Challenge.objects.get().rules.max_budget == 50000


def test_the_new_challenge_form_shows_lessons_and_starts_from_an_earlier_challenge(cast):
    earlier = make_challenge(owners=[cast.own], state=State.PUBLISHED, steward=cast.coordinator, how_to_apply="Send a short video.")
    page = text(client(cast.editor).get(url("challenge_new")))
    assert "Lessons from earlier challenges" in page and f"?from={earlier.slug}" in page
    prefilled = client(cast.editor).get(url("challenge_new") + f"?from={earlier.slug}").content.decode()
    assert "Send a short video." in prefilled and f'name="template" value="{earlier.slug}"' in prefilled
    response = client(cast.editor).post(url("challenge_new"), form(owners=[cast.own.slug], title="Next one", template=earlier.slug))
    assert response.status_code == 303
    assert Challenge.objects.get(title="Next one").criteria.count() == earlier.criteria.count()
    hidden = make_challenge(owners=[cast.stranger])
    assert client(cast.editor).get(url("challenge_new") + f"?from={hidden.slug}").status_code == 404


def test_saving_a_draft_unchanged_keeps_its_dates_and_writes_nothing(cast):
    """Issue 13, items 1 and 2: the dates showed blank, so saving wiped them."""
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=30)
    draft = make_challenge(
        owners=[cast.own], steward=cast.coordinator, publication_date=start.date(),
        question_deadline=start + datetime.timedelta(days=14), submission_deadline=start + datetime.timedelta(days=28),
    )
    before = Challenge.objects.filter(pk=draft.pk).values().get()
    history = draft.history.count()
    page = client(cast.editor).get(url("challenge_edit", draft)).content.decode()
    sent = as_sent(page)
    assert sent["publication_date"] == start.date().isoformat() and sent["evaluation_date"] == draft.evaluation_date.isoformat()
    assert client(cast.editor).post(url("challenge_edit", draft), sent).status_code == 303
    assert Challenge.objects.filter(pk=draft.pk).values().get() == before and draft.history.count() == history

    assert client(cast.editor).post(url("challenge_edit", draft), {**sent, "contact_name": "Sam"}).status_code == 303
    after = Challenge.objects.filter(pk=draft.pk).values().get()
    assert {k for k in after if after[k] != before[k]} == {"contact_name", "version", "updated_at"}
