"""The doors of freshness: pages, API and commands, each calling the same services. What
they show, what they refuse, and that a stale confirmation or a bad form changes nothing."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from citytools.freshness import services
from citytools.freshness.models import Campaign
from citytools.inventory import services as system_services
from tests.factories import ProductFactory, ServiceAreaFactory
from tests.people import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    cast = people()
    cast.area = ServiceAreaFactory(slug="waste", name="Waste")
    cast.product = ProductFactory(slug="binsight", name="Binsight")
    cast.system = system_services.create_system(
        organisation=cast.own, product=cast.product, service_areas=[cast.area], actor=cast.user("editor")
    )
    cast.secret = system_services.create_system(
        organisation=cast.own, product=ProductFactory(slug="hidden", name="Hidden Thing"), service_areas=[cast.area],
        confidential=True, actor=cast.user("editor"),
    )
    return cast


def client_for(world, role):
    client = Client()
    if world.user(role):
        client.force_login(world.user(role))
    return client


def break_seal(world, record):
    """An admin's change: someone other than the responsible editor."""
    return system_services.update_system(record, version=record.version, changes={"hosting": "hosted"}, actor=world.user("admin"))


def test_the_record_page_shows_the_seal_and_names_people_only_to_staff(world):
    page = client_for(world, "editor").get(reverse("inventory:system", args=[world.system.pk])).content.decode()
    assert "Quality seal" in page and "editor@example.org" in page and "Confirm this record is correct" in page
    public = client_for(world, "public").get(reverse("inventory:system", args=[world.system.pk])).content.decode()
    assert "Quality seal" in public and "Last confirmed" in public
    assert "editor@example.org" not in public and "Confirm this record is correct" not in public


def test_a_broken_seal_says_why_and_one_click_restores_it(world):
    system = break_seal(world, world.system)
    editor = client_for(world, "editor")
    page = editor.get(reverse("inventory:system", args=[system.pk])).content.decode()
    assert "Check needed" in page and "Changed by someone other than its responsible editor" in page
    answer = editor.post(
        reverse("freshness:confirm", args=["own"]), {"records": [f"system:{system.pk}:{system.version}"], "next": f"/systems/{system.pk}/"}
    )
    assert answer.status_code == 303 and answer["Location"] == f"/systems/{system.pk}/"
    page = editor.get(answer["Location"]).content.decode()
    assert "1 record confirmed." in page and "Check needed" not in page


def test_a_stale_confirmation_through_the_page_is_named_and_changes_nothing(world):
    old_version = world.system.version
    break_seal(world, world.system)
    editor = client_for(world, "editor")
    answer = editor.post(reverse("freshness:confirm", args=["own"]), {"records": [f"system:{world.system.pk}:{old_version}"]}, follow=True)
    assert "changed since you opened the page" in answer.content.decode()
    world.system.refresh_from_db()
    assert world.system.changed_by_other


def test_the_organisation_page_lists_what_needs_a_check(world):
    break_seal(world, world.system)
    page = client_for(world, "member").get(reverse("freshness:organisation", args=["own"])).content.decode()
    assert "Records that need a check (1)" in page and "Binsight" in page
    assert "Confirm the ticked records" not in page, "members see, editors confirm"
    page = client_for(world, "editor").get(reverse("freshness:organisation", args=["own"])).content.decode()
    assert "Confirm the ticked records" in page and "Freshness 100%" in page


def test_the_network_page_sorts_and_sets_the_review_period(world):
    coordinator = client_for(world, "coordinator")
    page = coordinator.get(reverse("freshness:network", args=["north"]) + "?sort=-records").content.decode()
    assert page.index("Own") < page.index("Peer") and 'aria-sort="descending"' in page
    answer = coordinator.post(reverse("freshness:review_period", args=["north"]), {"review_months": "40"})
    assert answer.status_code == 400 and "There is a problem" in answer.content.decode()
    world.north.refresh_from_db()
    assert world.north.review_months == 6
    assert coordinator.post(reverse("freshness:review_period", args=["north"]), {"review_months": "3"}).status_code == 303
    world.north.refresh_from_db()
    assert world.north.review_months == 3


def test_the_public_score_never_counts_a_confidential_record(world):
    public = client_for(world, "public").get(reverse("directory:organisation", args=["own"])).content.decode()
    staff = client_for(world, "member").get(reverse("directory:organisation", args=["own"])).content.decode()
    assert "1 of 1 record confirmed" in public
    assert "2 of 2 records confirmed" in staff


def test_campaign_pages_from_draft_to_close(world):
    coordinator = client_for(world, "coordinator")
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    answer = coordinator.post(reverse("freshness:campaign_new", args=["north"]), {"title": "", "deadline": deadline, "kinds": "both"})
    assert answer.status_code == 400 and "Enter a title." in answer.content.decode()
    assert not Campaign.objects.exists()
    answer = coordinator.post(
        reverse("freshness:campaign_new", args=["north"]), {"title": "Check", "deadline": deadline, "kinds": "both", "reminder_days": "3", "organisations": ["stranger"]}
    )
    assert answer.status_code == 400 and not Campaign.objects.exists(), "only the network's organisations can be asked"
    answer = coordinator.post(
        reverse("freshness:campaign_new", args=["north"]), {"title": "Check", "deadline": deadline, "kinds": "both", "reminder_days": "3", "organisations": ["own"]}
    )
    campaign = Campaign.objects.get()
    assert answer.status_code == 303 and campaign.reminder_days == [3]
    assert list(campaign.participants.values_list("organisation__slug", flat=True)) == ["own"]
    assert client_for(world, "member").get(campaign.get_absolute_url()).status_code == 404, "a draft is for those who run it"
    assert coordinator.post(reverse("freshness:campaign_launch", args=[campaign.pk])).status_code == 303
    page = client_for(world, "editor").get(reverse("freshness:campaign_organisation", args=[campaign.pk, "own"])).content.decode()
    assert "0 of 2" in page and "Nothing else changed: confirm 2 records" in page
    system = world.system
    editor = client_for(world, "editor")
    editor.post(
        reverse("freshness:confirm", args=["own"]),
        {"records": [f"system:{system.pk}:{system.version}", f"system:{world.secret.pk}:{world.secret.version}"], "campaign": campaign.pk},
    )
    page = client_for(world, "member").get(campaign.get_absolute_url()).content.decode()
    assert "Own" in page
    assert coordinator.post(reverse("freshness:campaign_close", args=[campaign.pk])).status_code == 303
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.report[0]["unchanged"] == 2


def test_the_edit_page_goes_back_where_it_was_sent_from_and_only_on_this_site(world):
    editor = client_for(world, "editor")
    form = {"product": "binsight", "service_areas": ["waste"], "status": "live", "hosting": "saas", "version": world.system.version}
    answer = editor.post(reverse("inventory:system_edit", args=[world.system.pk]), {**form, "next": "/campaigns/"})
    assert answer["Location"] == "/campaigns/"
    answer = editor.post(reverse("inventory:system_edit", args=[world.system.pk]), {**form, "version": world.system.version + 1, "next": "https://evil.example/"})
    assert answer["Location"] == f"/systems/{world.system.pk}/"


# API --------------------------------------------------------------------------------------


def test_the_api_reads_and_confirms(world):
    break_seal(world, world.system)
    editor = client_for(world, "editor")
    body = editor.get("/api/v1/organisations/own/data-quality").json()
    broken = [r for r in body["records"] if r["seal"] == "check_needed"]
    assert [r["reasons"] for r in broken] == [["changed_by_other"]]
    answer = editor.post("/api/v1/organisations/own/confirmations", json.dumps({"records": [broken[0]["key"]]}), content_type="application/json")
    assert answer.status_code == 201 and answer.json()["confirmed"] == ["Binsight"]
    answer = editor.post("/api/v1/organisations/own/confirmations", json.dumps({"records": ["system:nope"]}), content_type="application/json")
    assert answer.status_code == 400 and answer["Content-Type"].startswith("application/problem+json")
    answer = editor.put("/api/v1/organisations/own/responsible", json.dumps({"record": f"system:{world.system.pk}", "responsible": "member@example.org"}), content_type="application/json")
    assert answer.status_code == 400


def test_the_api_runs_a_campaign(world):
    coordinator = client_for(world, "coordinator")
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    answer = coordinator.post("/api/v1/networks/north/campaigns", json.dumps({"title": "API check", "deadline": deadline, "organisations": ["own"]}), content_type="application/json")
    assert answer.status_code == 201
    campaign_id = answer.json()["id"]
    assert coordinator.post(f"/api/v1/campaigns/{campaign_id}/launch").json()["status"] == "running"
    assert coordinator.post(f"/api/v1/campaigns/{campaign_id}/launch").status_code == 400
    records = client_for(world, "editor").get(f"/api/v1/campaigns/{campaign_id}/organisations/own").json()
    assert len(records) == 2 and not any(r["done"] for r in records)
    body = coordinator.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert (body["records"], body["done"], [p["organisation"] for p in body["progress"]]) == (2, 0, ["own"])
    assert client_for(world, "public").get("/api/v1/campaigns").status_code == 401


# Commands ---------------------------------------------------------------------------------


def test_the_commands(world, capsys):
    call_command("data_quality", "--as", "coordinator@example.org", "--network", "north")
    out = capsys.readouterr().out
    assert "Own" in out and "100%" in out
    call_command("set_review_period", "north", "12", "--as", "coordinator@example.org")
    world.north.refresh_from_db()
    assert world.north.review_months == 12
    with pytest.raises(CommandError, match="coordinators"):
        call_command("set_review_period", "north", "3", "--as", "editor@example.org")
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    call_command("campaign", "create", "--as", "coordinator@example.org", "--network", "north", "--title", "CLI check", "--deadline", deadline)
    campaign = Campaign.objects.get()
    call_command("campaign", "launch", str(campaign.pk), "--as", "coordinator@example.org")
    call_command("campaign", "status", str(campaign.pk), "--as", "coordinator@example.org")
    out = capsys.readouterr().out
    assert "0 of 2 confirmed" in out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("campaign", "create", "--as", "coordinator@example.org", "--network", "north", "--title", "X", "--deadline", "soon")
    with pytest.raises(CommandError, match="--deadline must be between 1 January 1900 and 31 December 2200"):
        call_command("campaign", "create", "--as", "coordinator@example.org", "--network", "north", "--title", "X", "--deadline", "9999-12-31")
    with pytest.raises(CommandError):
        call_command("campaign", "status", str(campaign.pk), "--as", "other_editor@example.org")
    call_command("data_quality", "--as", "editor@example.org", "--organisation", "own", "--records")
    assert "freshness 100%" in capsys.readouterr().out
    campaign.refresh_from_db()
    services.close_campaign(campaign, actor=world.user("coordinator"))
    call_command("campaign", "remind")
    assert "0 reminder e-mails sent" in capsys.readouterr().out


def test_the_staff_of_an_organisation_asked_see_only_their_own_progress(world):
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    campaign = services.create_campaign(network=world.north, title="Both", deadline=deadline, actor=world.user("coordinator"))
    services.launch_campaign(campaign, actor=world.user("coordinator"))
    body = client_for(world, "peer_member").get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert [p["organisation"] for p in body["progress"]] == ["peer"] and body["report"] is None
    page = client_for(world, "peer_member").get(campaign.get_absolute_url()).content.decode()
    table = page.split('id="campaign-progress"')[1].split("</table>")[0]
    assert "Peer" in table and "Own" not in table
    assert client_for(world, "peer_member").get(reverse("freshness:campaign_organisation", args=[campaign.pk, "own"])).status_code == 403
    coordinator = client_for(world, "coordinator").get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert [p["organisation"] for p in coordinator["progress"]] == ["own", "peer"]


def test_the_status_command_counts_only_what_the_person_may_see(world, capsys):
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    system_services.create_system(organisation=world.peer, product=world.product, service_areas=[world.area], actor=world.user("admin"))
    campaign = services.create_campaign(network=world.north, title="Both", deadline=deadline, actor=world.user("coordinator"))
    services.launch_campaign(campaign, actor=world.user("coordinator"))
    call_command("campaign", "status", str(campaign.pk), "--as", "peer_member@example.org")
    out = capsys.readouterr().out
    assert "0 of 1 confirmed" in out and "Own" not in out
    call_command("campaign", "status", str(campaign.pk), "--as", "coordinator@example.org")
    assert "0 of 3 confirmed" in capsys.readouterr().out


@pytest.mark.parametrize("campaign", ["not-a-number", "999999"])
def test_a_confirmation_naming_no_campaign_confirms_nothing(world, campaign):
    system = break_seal(world, world.system)
    answer = client_for(world, "editor").post(
        reverse("freshness:confirm", args=["own"]), {"records": [f"system:{system.pk}:{system.version}"], "campaign": campaign}
    )
    assert answer.status_code in (303, 404)
    system.refresh_from_db()
    assert system.changed_by_other, "nothing was confirmed"


def test_a_public_badge_does_not_count_a_link_to_a_hidden_system(world):
    from citytools.contracts import services as contract_services
    from tests.factories import SupplierFactory

    contract_services.create_contract(
        organisation=world.own, supplier=SupplierFactory(), title="Hidden link", start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 1, 1), systems=[world.secret], actor=world.user("editor"),
    )
    from citytools.accounts.viewer import Viewer
    from citytools.freshness import queries

    public = queries.organisation_score(Viewer.public(), world.own)
    member = queries.organisation_score(Viewer.for_user(world.user("member")), world.own)
    assert public.missing["Linked systems"] == 1 and member.missing.get("Linked systems", 0) == 0


def test_the_network_page_leads_its_coordinators_to_its_data_quality_and_campaigns(world):
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    coordinator = client_for(world, "coordinator")
    coordinator.post(
        reverse("freshness:campaign_new", args=["north"]),
        {"title": "Spring check", "deadline": deadline, "kinds": "both", "reminder_days": "3", "organisations": ["own"]},
    )
    campaign = Campaign.objects.get()
    page = coordinator.get(reverse("directory:network", args=["north"])).content.decode()
    assert f'href="{reverse("freshness:network", args=["north"])}"' in page
    assert f'href="{campaign.get_absolute_url()}"' in page and "Spring check" in page
    # Neither the public nor the coordinator of another network is shown the draft or the link.
    for role in ("public", "member", "other_coordinator"):
        other = client_for(world, role).get(reverse("directory:network", args=["north"])).content.decode()
        assert "Spring check" not in other and reverse("freshness:network", args=["north"]) not in other, role
