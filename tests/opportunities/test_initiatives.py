"""Opportunities as people see them, and joint procurement initiatives: starting one from an
opportunity, answers, notes, dates, the outcome and a joint Invitation to Partner; through
the services, the pages and the API, with refusals and stale edits."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from citytools.accounts.viewer import Viewer
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.opportunities import queries, services
from citytools.opportunities.models import Answer, Initiative, Invitation
from tests.browser_form import form_data as as_sent
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.people import people

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def world(db):
    """own and peer (network north) and stranger (south) each run Binsight for waste, from
    Maker; their contracts end within four months of each other, in early 2027."""
    cast = people()
    area = ServiceAreaFactory(slug="waste", name="Waste")
    maker = SupplierFactory(slug="maker", name="Maker")
    product = ProductFactory(slug="binsight", name="Binsight", manufacturer=maker)
    contracts = {}
    for n, name in enumerate(("own", "peer", "stranger")):
        organisation = getattr(cast, name)
        system = SystemFactory(organisation=organisation, product=product, service_areas=[area])
        contracts[name] = ContractFactory(
            organisation=organisation, supplier=maker, systems=[system], title=f"Waste at {name}",
            end_date=datetime.date(2027, 1 + 2 * n, 31), annual_value=Decimal("100000") * (n + 1),
        )
    cast.area, cast.contracts = area, contracts
    return cast


def viewer(world, role):
    return Viewer.public() if role == "public" else Viewer.for_user(world.user(role))


def test_the_finder_sees_what_each_person_may(world):
    public = queries.find_opportunities(Viewer.public(), today=TODAY)
    assert len(public) == 1
    found = public[0]
    assert {c.title for c in found.members} == {"Waste at own", "Waste at peer", "Waste at stranger"}
    assert found.opportunity.annual_value is None  # values are for members
    member = queries.find_opportunities(viewer(world, "member"), today=TODAY)[0]
    assert member.opportunity.annual_value == 300000  # own's and peer's, not stranger's
    assert member.opportunity.values_known == 2


def test_a_confidential_contract_is_no_part_of_an_outsiders_opportunity(world):
    world.contracts["peer"].confidential = True
    world.contracts["peer"].save()
    outsider = queries.find_opportunities(viewer(world, "other_editor"), today=TODAY)[0]
    assert {c.title for c in outsider.members} == {"Waste at own", "Waste at stranger"}
    insider = queries.find_opportunities(viewer(world, "peer_member"), today=TODAY)[0]
    assert "Waste at peer" in {c.title for c in insider.members}


def start(world, role="editor", names=("own", "peer")):
    return services.start_initiative(
        actor=world.user(role), viewer=viewer(world, role), area=world.area,
        contracts=[world.contracts[n].pk for n in names],
        window_start=datetime.date(2027, 1, 1), window_end=datetime.date(2027, 12, 31),
    )


def test_starting_an_initiative_invites_every_organisation_and_the_starter_leads(world):
    initiative = start(world)
    assert initiative.lead == world.own
    answers = dict(Invitation.objects.filter(initiative=initiative).values_list("organisation__slug", "answer"))
    assert answers == {"own": Answer.INTERESTED, "peer": Answer.PENDING}
    assert set(initiative.contracts.all()) == {world.contracts["own"], world.contracts["peer"]}


@pytest.mark.parametrize("role", ["vendor", "other_coordinator"])
def test_outsiders_cannot_start_one(world, role):
    with pytest.raises(Forbidden):
        start(world, role)
    assert not Initiative.objects.exists()


def test_one_organisation_is_not_a_joint_procurement(world):
    with pytest.raises(DomainError) as error:
        start(world, names=("own",))
    assert error.value.code == "too_few"
    assert not Initiative.objects.exists()


def test_answers_notes_dates_and_outcome(world):
    initiative = start(world)
    services.answer(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), organisation=world.peer, answer="not_now", note="After our restructure")
    with pytest.raises(Forbidden):
        services.answer(initiative, actor=world.user("member"), viewer=viewer(world, "member"), organisation=world.peer, answer="declined")
    with pytest.raises(DomainError):
        services.answer(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), organisation=world.peer, answer="maybe")
    services.add_note(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), body="Call on Tuesday")
    planned = services.update_plan(initiative, actor=world.user("member"), viewer=viewer(world, "member"), version=1,
                                   decision_date=datetime.date(2026, 3, 1), target_date=datetime.date(2026, 12, 1))
    assert planned.version == 2
    with pytest.raises(Conflict):
        services.update_plan(initiative, actor=world.user("coordinator"), viewer=viewer(world, "coordinator"), version=1)
    with pytest.raises(Forbidden):  # peer is invited but does not lead
        services.update_plan(planned, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), version=2)
    with pytest.raises(DomainError) as error:
        services.record_outcome(planned, actor=world.user("member"), viewer=viewer(world, "member"), version=2,
                                status="procured", outcome="Joint call-off", savings="50000")
    assert error.value.field == "evidence"
    done = services.record_outcome(planned, actor=world.user("member"), viewer=viewer(world, "member"), version=2,
                                   status="procured", outcome="Joint call-off", savings="50000", evidence="Cabinet report")
    assert (done.status, done.savings, done.version) == ("procured", Decimal("50000"), 3)
    assert Invitation.objects.get(initiative=initiative, organisation=world.peer).note == "After our restructure"


def test_only_those_taking_part_see_an_initiative(world):
    initiative = start(world)
    for role in ("member", "peer_member", "coordinator", "admin"):
        assert services.readable_initiative(viewer(world, role), initiative.pk) == initiative
    for role in ("public", "vendor", "other_editor", "other_coordinator"):
        with pytest.raises(NotFound):
            services.readable_initiative(viewer(world, role), initiative.pk)


def test_a_joint_invitation_to_partner_is_owned_by_the_interested(world):
    initiative = start(world, role="member")  # a member leads; own is interested
    with pytest.raises(Forbidden):  # a member may not open a challenge
        services.launch_challenge(initiative, actor=world.user("member"), viewer=viewer(world, "member"))
    services.answer(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), organisation=world.peer, answer="interested")
    challenge = services.launch_challenge(initiative, actor=world.user("coordinator"), viewer=viewer(world, "coordinator"))
    assert set(challenge.owners.all()) == {world.own, world.peer} and challenge.state == "draft"
    assert Initiative.objects.get().challenge == challenge


def test_a_joint_invitation_to_partner_speaks_the_jurisdictions_currency_and_of_its_owners_staff(world):
    """Launched from a London initiative: pounds and the boroughs' staff, not CAD and "the
    city's staff" (issue 13, item 19)."""
    from citytools.partnering.services import authoring

    world.area.name = "Finance and ERP"
    world.area.save()
    authoring.save_publication_rules(
        actor=world.user("admin"), viewer=viewer(world, "admin"), slug="london", name="London boroughs",
        currency="GBP", max_budget=Decimal("30000"), organisations=[world.own, world.peer],
    )
    initiative = start(world, role="member")
    services.answer(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), organisation=world.peer, answer="interested")
    challenge = services.launch_challenge(initiative, actor=world.user("coordinator"), viewer=viewer(world, "coordinator"))
    assert (challenge.currency, challenge.budget_cap, challenge.rules.slug) == ("GBP", Decimal("30000"), "london")
    assert challenge.background.startswith("Contracts for finance and ERP at ")
    coordinator = Client()
    coordinator.force_login(world.user("coordinator"))
    page = coordinator.get(challenge.get_absolute_url()).content.decode()
    assert "the staff of" in page and f"{world.own.name}" in page
    assert "the city’s staff" not in page


@time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False)
def test_the_pages_run_an_initiative_without_javascript(world):
    client = Client()
    client.force_login(world.user("editor"))
    page = client.get(reverse("opportunities:finder"), {"months": 12}).content.decode()
    assert "Start a joint procurement initiative" in page and "Why it scores" in page
    response = client.post(reverse("opportunities:initiative_start"), {
        "area": "waste", "window_start": "2027-01-01", "window_end": "2027-12-31",
        "contracts": [world.contracts["own"].pk, world.contracts["peer"].pk],
    })
    assert response.status_code == 303
    url = response["Location"]
    initiative = Initiative.objects.get()
    assert client.post(url + "notes/", {"body": ""}).status_code == 400
    assert client.post(url + "plan/", {"decision_date": "2026-03-01", "target_date": "2026-12-01", "version": "1"}).status_code == 303
    stale = client.post(url + "plan/", {"decision_date": "2026-04-01", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()
    assert client.post(url + "outcome/", {"status": "procured", "outcome": "", "savings_currency": "GBP", "version": "2"}).status_code == 400
    done = client.post(url + "outcome/", {"status": "procured", "outcome": "Joint framework call-off", "savings": "75000",
                                          "savings_currency": "GBP", "evidence": "Decision record 7", "version": "2"})
    assert done.status_code == 303
    page = client.get(url).content.decode()
    assert "Joint framework call-off" in page and "£75,000" in page
    assert Initiative.objects.get(pk=initiative.pk).version == 3


@time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False)
def test_the_api_runs_an_initiative(world):
    client = Client()
    client.force_login(world.user("coordinator"))
    found = client.get(reverse("api:opportunities"), {"months": 12}).json()["items"]
    assert found[0]["organisations"] == 3 and found[0]["reasons"]
    created = client.post(reverse("api:initiative_create"), json.dumps({
        "service_area": "waste", "window_start": "2027-01-01", "window_end": "2027-12-31",
        "contracts": [world.contracts["own"].pk, world.contracts["peer"].pk],
    }), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    missing = client.put(reverse("api:initiative_plan", args=[pk]), json.dumps({"decision_date": "2026-02-01"}), content_type="application/json")
    assert missing.status_code == 428
    planned = client.put(reverse("api:initiative_plan", args=[pk]), json.dumps({"decision_date": "2026-02-01"}),
                         content_type="application/json", headers={"If-Match": '"1"'})
    assert planned.status_code == 200 and planned.json()["decision_date"] == "2026-02-01"
    far = client.put(reverse("api:initiative_plan", args=[pk]), json.dumps({"target_date": "9999-12-31"}),
                     content_type="application/json", headers={"If-Match": '"2"'})
    assert far.status_code == 422 and far.json()["detail"][0]["loc"][-1] == "target_date"
    nobody = client.post(reverse("api:initiative_challenge", args=[pk]))
    assert nobody.status_code == 400  # nobody has said they are interested yet
    outsider = Client()
    outsider.force_login(world.user("other_editor"))
    assert outsider.get(reverse("api:initiative", args=[pk])).status_code == 404


def test_the_lead_time_is_set_per_area_and_moves_the_act_by_date(world, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    before = queries.find_opportunities(Viewer.public(), today=TODAY)[0].opportunity.act_by
    call_command("set_lead_time", "waste", "3")
    world.area.refresh_from_db()
    assert world.area.procurement_lead_months == 3
    after = queries.find_opportunities(Viewer.public(), today=TODAY)[0].opportunity.act_by
    assert after > before
    for bad in (["waste", "0"], ["waste", "99"], ["nowhere", "6"]):
        with pytest.raises(CommandError):
            call_command("set_lead_time", *bad)


@time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False)
def test_the_command_lists_opportunities_with_reasons_and_filters(world, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("opportunities", "--as", "member@example.org", "--organisation", "own")
    out = capsys.readouterr().out
    assert "Waste: 3 organisations" in out and "Organisations:" in out
    call_command("opportunities", "--supplier", "maker", "--csv")
    assert "Waste at peer" not in capsys.readouterr().out  # CSV names contracts by number
    for bad in (["--months", "0"], ["--network", "nowhere"], ["--as", "nobody@example.org"]):
        with pytest.raises(CommandError):
            call_command("opportunities", *bad)


def test_a_bad_initiative_is_refused_without_a_server_error(world):
    client = Client()
    client.force_login(world.user("editor"))
    huge = client.post(reverse("opportunities:initiative_start"), {
        "area": "waste", "window_start": "2027-01-01", "window_end": "2027-12-31", "contracts": ["99999999999999999999", "1"],
    })
    assert huge.status_code == 400
    bad_date = client.post(reverse("opportunities:initiative_start"), {"area": "waste", "window_start": "soon", "window_end": "2027-12-31"})
    assert bad_date.status_code == 400
    # Outside the one range of dates (citytools.core.dates), as a tampered form would send it.
    far = client.post(reverse("opportunities:initiative_start"), {
        "area": "waste", "window_start": "2027-01-01", "window_end": "9999-12-31",
        "contracts": [world.contracts["own"].pk, world.contracts["peer"].pk],
    })
    assert far.status_code == 400
    other = ServiceAreaFactory(slug="parking", name="Parking")
    wrong_area = client.post(reverse("opportunities:initiative_start"), {
        "area": other.slug, "window_start": "2027-01-01", "window_end": "2027-12-31",
        "contracts": [world.contracts["own"].pk, world.contracts["peer"].pk],
    })
    assert wrong_area.status_code == 400 and "Every contract must cover a system in Parking" in wrong_area.content.decode()
    assert not Initiative.objects.exists()


def test_a_closed_initiative_takes_no_more_answers_and_invites_only_its_network(world):
    initiative = start(world)
    with pytest.raises(DomainError) as error:
        services.invite(initiative, actor=world.user("editor"), viewer=viewer(world, "editor"), organisation=world.stranger)
    assert error.value.code == "other_network"
    services.record_outcome(initiative, actor=world.user("editor"), viewer=viewer(world, "editor"), version=1, status="not_pursued")
    initiative.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.answer(initiative, actor=world.user("peer_member"), viewer=viewer(world, "peer_member"), organisation=world.peer, answer="interested")
    assert error.value.code == "closed"


def test_saving_the_plan_and_outcome_unchanged_keeps_the_dates_and_writes_nothing(world):
    """Issue 13, items 1 and 2: "Decide by" was lost when another date was changed."""
    initiative = start(world)
    initiative = services.update_plan(
        initiative, actor=world.user("editor"), viewer=viewer(world, "editor"), version=1,
        decision_date=datetime.date(2026, 3, 1), target_date=datetime.date(2026, 12, 1),
    )
    client = Client()
    client.force_login(world.user("editor"))
    url = reverse("opportunities:initiative", args=[initiative.pk])
    row = Initiative.objects.filter(pk=initiative.pk).values().get()
    plan = as_sent(client.get(url).content.decode(), containing="decision_date")
    assert (plan["decision_date"], plan["target_date"]) == ("2026-03-01", "2026-12-01")
    assert client.post(url + "plan/", plan).status_code == 303
    outcome = as_sent(client.get(url).content.decode(), containing="savings")
    assert client.post(url + "outcome/", outcome).status_code == 303
    assert Initiative.objects.filter(pk=initiative.pk).values().get() == row

    assert client.post(url + "plan/", {**plan, "target_date": "2027-01-04"}).status_code == 303
    after = Initiative.objects.filter(pk=initiative.pk).values().get()
    assert {k for k in after if after[k] != row[k]} == {"target_date", "version", "updated_at"}
    assert after["decision_date"] == datetime.date(2026, 3, 1)
