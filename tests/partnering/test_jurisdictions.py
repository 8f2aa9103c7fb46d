"""Publication rules per jurisdiction: a challenge takes the rules of its lead organisation,
owners cannot pick looser ones, and only platform admins set them, through the services,
the pages, the API and the command."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.directory.models import NetworkMembership
from citytools.partnering import lifecycle
from citytools.partnering.models import Challenge, Jurisdiction, PublicationRules, State
from citytools.partnering.services import authoring as services
from tests.partnering.test_authoring_services import cast  # noqa: F401 (fixture)
from tests.partnering.world import OWNER, make_challenge

pytestmark = pytest.mark.django_db


def as_(user) -> dict:
    return {"actor": user, "viewer": Viewer.for_user(user)}


def strict_rules(cast, organisations=()):
    """A jurisdiction with a lower cap than the default rules (CAD 50,000)."""
    rules, _ = services.save_publication_rules(
        **as_(cast.admin), slug="strict", name="Strict borough", currency="CAD", max_budget=Decimal("20000"),
        organisations=list(organisations),
    )
    return rules


def draft_for(cast, owners, **fields):
    return services.create_challenge(
        **as_(cast.editor), owners=owners, title="Faster answers", budget_cap=Decimal("45000"), codesign_weeks=14, **fields
    )


# Services ---------------------------------------------------------------------------------------


def test_a_challenge_takes_the_rules_of_its_lead_organisations_jurisdiction(cast):
    assert draft_for(cast, [cast.own]).rules == cast.rules  # no jurisdiction: the default rules
    strict = strict_rules(cast, [cast.own])
    challenge = draft_for(cast, [cast.own])
    assert challenge.rules == strict
    problems = [p.field for p in lifecycle.publication_problems(challenge)]
    assert "budget_cap" in problems  # 45,000 is over the strict jurisdiction's 20,000


def test_a_new_lead_brings_its_rules_and_setting_a_jurisdiction_moves_its_drafts(cast):
    strict = strict_rules(cast, [cast.peer])
    NetworkMembership.objects.get_or_create(network=cast.network, organisation=cast.peer)
    challenge = draft_for(cast, [cast.own])
    assert challenge.rules == cast.rules
    published = make_challenge(owners=[cast.own], state=State.PUBLISHED, steward=cast.coordinator)
    services.save_publication_rules(**as_(cast.admin), slug="strict", organisations=[cast.own, cast.peer])
    challenge.refresh_from_db()
    published.refresh_from_db()
    assert challenge.rules == strict  # a draft meets its lead's new rules
    assert published.rules == cast.rules  # a published challenge keeps the checks it passed
    assert set(Jurisdiction.objects.filter(rules=strict).values_list("organisation", flat=True)) == {cast.own.pk, cast.peer.pk}
    services.save_publication_rules(**as_(cast.admin), slug="strict", organisations=[cast.peer])
    assert services.rules_for(cast.own) == cast.rules


def test_only_admins_set_rules_and_a_stale_change_is_refused(cast):
    for user in (cast.editor, cast.coordinator, cast.vendor):
        with pytest.raises(Forbidden):
            services.save_publication_rules(**as_(user), slug="loose", name="Loose", max_budget=Decimal("1000000"))
    assert not PublicationRules.objects.filter(slug="loose").exists()
    rules = strict_rules(cast)
    services.save_publication_rules(**as_(cast.admin), slug="strict", version=rules.version, max_budget=Decimal("25000"))
    with pytest.raises(Conflict):
        services.save_publication_rules(**as_(cast.admin), slug="strict", version=rules.version, max_budget=Decimal("30000"))
    assert PublicationRules.objects.get(slug="strict").max_budget == Decimal("25000")
    with pytest.raises(DomainError):
        services.save_publication_rules(**as_(cast.admin), slug="strict", create=True, name="Again")
    with pytest.raises(NotFound):
        services.save_publication_rules(**as_(cast.admin), slug="nowhere", create=False, name="Nowhere")
    with pytest.raises(DomainError, match="shortest co-design"):
        services.save_publication_rules(**as_(cast.admin), slug="strict", min_weeks=20, max_weeks=10)


# Pages ---------------------------------------------------------------------------------------------


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def rules_form(rules, **changes) -> dict:
    data = {
        "name": rules.name, "currency": rules.currency, "max_budget": str(rules.max_budget), "min_weeks": rules.min_weeks,
        "max_weeks": rules.max_weeks, "weights_total": rules.weights_total,
        "min_eligibility_criteria": rules.min_eligibility_criteria, "addendum_notice_days": rules.addendum_notice_days,
        "min_submission_days": rules.min_submission_days, "min_question_days": rules.min_question_days,
        "require_scale_texts": "yes", "require_terms": "yes", "version": rules.version,
    }
    data.update(changes)
    return data


def test_anyone_reads_the_rules_and_who_is_under_them(cast):
    strict_rules(cast, [cast.own])
    page = client().get("/challenges/all/rules/").content.decode()
    assert "Strict borough" in page and "At most CAD 20,000" in page and str(cast.own) in page
    assert "Change the rules" not in page
    assert "Change the rules" in client(cast.admin).get("/challenges/all/rules/").content.decode()


def test_an_admin_changes_rules_and_their_organisations_without_javascript(cast):
    NetworkMembership.objects.get_or_create(network=cast.network, organisation=cast.own)
    rules = strict_rules(cast)
    response = client(cast.admin).post("/challenges/all/rules/strict/", rules_form(rules, max_budget="30000", organisations=[cast.own.slug]))
    assert response.status_code == 303
    rules.refresh_from_db()
    assert rules.max_budget == Decimal("30000") and services.rules_for(cast.own) == rules
    stale = client(cast.admin).post("/challenges/all/rules/strict/", rules_form(rules, max_budget="1", version=rules.version - 1))
    assert stale.status_code == 409 and "changed since you opened them" in stale.content.decode()
    assert 'value="1"' in stale.content.decode()  # what was typed is kept
    wrong = client(cast.admin).post("/challenges/all/rules/strict/", rules_form(rules, min_weeks="20", max_weeks="10"))
    assert wrong.status_code == 400 and "shortest co-design" in wrong.content.decode()
    rules.refresh_from_db()
    assert rules.max_budget == Decimal("30000") and rules.min_weeks == 12


def test_an_admin_adds_rules_and_nobody_else_may(cast):
    data = rules_form(PublicationRules(name="Hill town"), slug="hill-town")
    for user in (cast.editor, cast.coordinator):
        assert client(user).get("/challenges/all/rules/new/").status_code == 403
        assert client(user).post("/challenges/all/rules/new/", data).status_code == 403
    assert client(cast.admin).post("/challenges/all/rules/new/", data).status_code == 303
    assert PublicationRules.objects.get(slug="hill-town").name == "Hill town"
    again = client(cast.admin).post("/challenges/all/rules/new/", data)
    assert again.status_code == 400 and "exist already" in again.content.decode()


# API -----------------------------------------------------------------------------------------------


def put(user, slug, body, **headers):
    return client(user).put(f"/api/v1/publication-rules/{slug}", json.dumps(body), content_type="application/json", headers=headers)


def test_the_api_reads_and_an_admin_writes_with_if_match(cast):
    body = {"name": "Hill town", "max_budget": "15000", "organisations": [cast.own.slug]}
    assert put(cast.editor, "hill-town", body).status_code == 403
    created = put(cast.admin, "hill-town", body)
    assert created.status_code == 201 and created.json()["organisations"] == [cast.own.slug]
    assert services.rules_for(cast.own).slug == "hill-town"
    listed = client().get("/api/v1/publication-rules").json()
    assert {r["slug"] for r in listed} == {cast.rules.slug, "hill-town"}
    one = client().get("/api/v1/publication-rules/hill-town")
    assert one.status_code == 200 and one["ETag"] == '"1"'
    assert put(cast.admin, "hill-town", {**body, "max_budget": "16000"}).status_code == 428
    assert put(cast.admin, "hill-town", {**body, "max_budget": "16000"}, **{"If-Match": '"9"'}).status_code == 412
    changed = put(cast.admin, "hill-town", {**body, "max_budget": "16000"}, **{"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["max_budget"] == "16000.00"
    assert put(cast.admin, "Hill Town", body).status_code == 400
    assert put(cast.admin, "other", {**body, "organisations": ["nowhere"]}).status_code == 400
    assert not PublicationRules.objects.filter(slug="other").exists()


def test_creating_a_challenge_through_the_api_cannot_choose_rules(cast):
    strict_rules(cast, [cast.own])
    body = {"title": "Faster answers", "owners": [cast.own.slug], "rules": cast.rules.slug}
    response = client(cast.editor).post("/api/v1/challenges/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["rules"] == "strict"


# Command -------------------------------------------------------------------------------------------


def test_the_command_puts_organisations_under_rules(cast):
    out = io.StringIO()
    call_command("publication_rules", "hill-town", "--name", "Hill town", "--organisations", cast.own.slug, stdout=out)
    assert services.rules_for(cast.own).slug == "hill-town"
    listing = io.StringIO()
    call_command("publication_rules", stdout=listing)
    assert f"organisations: {cast.own.slug}." in listing.getvalue()
    with pytest.raises(CommandError, match="nowhere"):
        call_command("publication_rules", "hill-town", "--organisations", "nowhere")


# Time to apply (issue 13, item 14) -----------------------------------------------------------------


def test_a_fifteen_minute_window_is_not_sent_for_review_unless_the_jurisdiction_allows_it(cast):
    now = timezone.now()
    challenge = make_challenge(
        owners=[cast.own], steward=cast.coordinator,
        question_deadline=now + datetime.timedelta(minutes=5), submission_deadline=now + datetime.timedelta(minutes=15),
    )
    with pytest.raises(DomainError, match="Applicants would have 15 minutes") as refused:
        lifecycle.transition(challenge, State.IN_REVIEW, roles=OWNER, now=now)
    assert "Questions would close 10 minutes before" in refused.value.message
    assert State(Challenge.objects.get(pk=challenge.pk).state) == State.DRAFT
    services.save_publication_rules(**as_(cast.admin), slug=challenge.rules.slug, min_submission_days=0, min_question_days=0)
    challenge.refresh_from_db()
    assert lifecycle.transition(challenge, State.IN_REVIEW, roles=OWNER, now=now).state == State.IN_REVIEW


def test_the_time_to_apply_is_set_on_the_page_the_api_and_the_command(cast):
    rules = strict_rules(cast)
    response = client(cast.admin).post(
        "/challenges/all/rules/strict/", rules_form(rules, min_submission_days="21", min_question_days="7")
    )
    assert response.status_code == 303
    page = client().get("/challenges/all/rules/").content.decode()
    assert "At least 21 days from publication to the submission deadline" in page
    assert "At least 7 days before the submission deadline" in page
    body = {"name": "Strict borough", "max_budget": "20000", "min_submission_days": 10, "min_question_days": 3}
    changed = put(cast.admin, "strict", body, **{"If-Match": f'"{rules.version + 1}"'})
    assert changed.status_code == 200
    assert (changed.json()["min_submission_days"], changed.json()["min_question_days"]) == (10, 3)
    assert put(cast.admin, "strict", {**body, "min_submission_days": -1}, **{"If-Match": '"3"'}).status_code in (400, 422)
    call_command("publication_rules", "strict", "--min-submission-days", "12", "--min-question-days", "4", stdout=io.StringIO())
    rules.refresh_from_db()
    assert (rules.min_submission_days, rules.min_question_days) == (12, 4)
    listing = io.StringIO()
    call_command("publication_rules", stdout=listing)
    assert "at least 12 days to apply; questions close 4 days before" in listing.getvalue()


# The currency of a new challenge (issue 13, item 19) -------------------------------------------------


def test_a_new_challenge_is_budgeted_in_its_jurisdictions_currency(cast):
    services.save_publication_rules(
        **as_(cast.admin), slug="london", name="London boroughs", currency="GBP", max_budget=Decimal("30000"),
        organisations=[cast.own],
    )
    form = client(cast.editor).get("/challenges/new/").content.decode()
    assert 'name="currency" value="GBP"' in form
    body = {"title": "Faster answers", "owners": [cast.own.slug]}
    created = client(cast.editor).post("/api/v1/challenges/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["currency"] == "GBP"
    assert draft_for(cast, [cast.own]).currency == "GBP"
