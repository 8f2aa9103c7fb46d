"""Changing and deleting a draft campaign: only a draft, only by those who run it, through the
services and each door (pages without JavaScript, the API with If-Match, the command), and a
stale change or a refusal writes nothing."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from citytools.core.errors import Conflict, DomainError, Forbidden
from citytools.freshness import services
from citytools.freshness.models import Campaign, Participant
from tests.browser_form import form_data as as_sent
from tests.freshness.test_doors import client_for, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def soon(days=10) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


@pytest.fixture
def draft(world):
    return services.create_campaign(
        network=world.north, title="Spring check", deadline=soon(), message="Please check.", actor=world.user("coordinator")
    )


def asked(campaign) -> list[str]:
    return sorted(Participant.objects.filter(campaign=campaign).values_list("organisation__slug", flat=True))


def state(campaign) -> tuple:
    campaign = Campaign.objects.get(pk=campaign.pk)
    return (
        campaign.title, campaign.deadline, campaign.message, campaign.kinds, campaign.reminder_days, campaign.version,
        sorted(campaign.service_areas.values_list("slug", flat=True)), asked(campaign),
    )


# Services ----------------------------------------------------------------------------------------


def test_a_draft_is_changed_whole_and_its_version_moves_on(world, draft):
    waste = world.area
    changed = services.update_campaign(
        draft, version=draft.version, title="Autumn check", deadline=soon(20), message="", kinds="systems",
        service_areas=[waste.slug], organisations=["own"], reminder_days="3", actor=world.user("coordinator"),
    )
    assert state(changed) == ("Autumn check", soon(20), "", "systems", [3], draft.version + 1, ["waste"], ["own"])


def test_a_stale_change_is_refused_and_writes_nothing(world, draft):
    before = state(draft)
    services.update_campaign(draft, version=draft.version, title="First", deadline=soon(), actor=world.user("admin"))
    with pytest.raises(Conflict):
        services.update_campaign(draft, version=draft.version, title="Second", deadline=soon(), actor=world.user("coordinator"))
    assert state(draft)[0] == "First" and before[0] == "Spring check"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"deadline": datetime.date.today() - datetime.timedelta(days=1)}, "deadline"),
        ({"organisations": ["stranger"]}, "organisations"),
        ({"service_areas": ["nowhere"]}, "service_areas"),
        ({"reminder_days": "soon"}, "reminder_days"),
    ],
)
def test_a_bad_change_names_its_field_and_writes_nothing(world, draft, changes, field):
    before = state(draft)
    with pytest.raises(DomainError) as refused:
        services.update_campaign(
            draft, version=draft.version, **{"title": "New", "deadline": soon(), **changes}, actor=world.user("coordinator")
        )
    assert refused.value.field == field
    assert state(draft) == before


def test_only_a_draft_is_changed_or_deleted(world, draft):
    coordinator = world.user("coordinator")
    read = draft.version
    launched = services.launch_campaign(draft, actor=coordinator)
    assert launched.version == read + 1, "launching moves the version on, so an edit of the draft is stale"
    before = state(launched)
    with pytest.raises(DomainError, match="Only a draft"):
        services.update_campaign(launched, version=launched.version, title="New", deadline=soon(), actor=coordinator)
    with pytest.raises(DomainError, match="Only a draft"):
        services.delete_campaign(launched, version=launched.version, actor=coordinator)
    assert state(launched) == before


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "member"])
def test_only_those_who_run_it_change_or_delete_a_draft(world, draft, role):
    before = state(draft)
    with pytest.raises(Forbidden):
        services.update_campaign(draft, version=draft.version, title="New", deadline=soon(), actor=world.user(role))
    with pytest.raises(Forbidden):
        services.delete_campaign(draft, version=draft.version, actor=world.user(role))
    assert state(draft) == before


def test_deleting_a_draft_removes_it_and_whom_it_asked(world, draft):
    with pytest.raises(Conflict):
        services.delete_campaign(draft, version=draft.version + 1, actor=world.user("coordinator"))
    assert Campaign.objects.filter(pk=draft.pk).exists()
    services.delete_campaign(draft, version=draft.version, actor=world.user("admin"))
    assert not Campaign.objects.filter(pk=draft.pk).exists() and not Participant.objects.filter(campaign_id=draft.pk).exists()


# Pages ---------------------------------------------------------------------------------------------


def test_the_pages_change_a_draft_without_javascript(world, draft):
    coordinator = client_for(world, "coordinator")
    page = coordinator.get(draft.get_absolute_url()).content.decode()
    edit_url = reverse("freshness:campaign_edit", args=[draft.pk])
    assert f'href="{edit_url}"' in page and reverse("freshness:campaign_delete", args=[draft.pk]) in page
    form = coordinator.get(edit_url).content.decode()
    assert 'value="Spring check"' in form and f'value="{soon().isoformat()}"' in form and "Please check." in form
    assert f'name="version" value="{draft.version}"' in form
    answer = coordinator.post(edit_url, {
        "title": "Autumn check", "deadline": soon(30).isoformat(), "kinds": "contracts", "reminder_days": "5, 2",
        "organisations": ["peer"], "message": "New words.", "version": draft.version,
    })
    assert answer.status_code == 303 and answer["Location"] == draft.get_absolute_url()
    assert state(draft) == ("Autumn check", soon(30), "New words.", "contracts", [5, 2], draft.version + 1, [], ["peer"])
    # The same form again, on the version it was opened at: refused, the input kept.
    stale = coordinator.post(edit_url, {"title": "Late", "deadline": soon().isoformat(), "kinds": "both", "version": draft.version})
    assert stale.status_code == 409 and "Someone else changed this campaign" in stale.content.decode()
    assert 'value="Late"' in stale.content.decode() and state(draft)[0] == "Autumn check"
    bad = coordinator.post(edit_url, {"title": "", "deadline": soon().isoformat(), "kinds": "both", "version": draft.version + 1})
    assert bad.status_code == 400 and "Enter a title." in bad.content.decode() and state(draft)[0] == "Autumn check"


def test_the_pages_delete_a_draft_after_asking(world, draft):
    coordinator = client_for(world, "coordinator")
    delete_url = reverse("freshness:campaign_delete", args=[draft.pk])
    page = coordinator.get(delete_url).content.decode()
    assert "Delete the draft campaign “Spring check”?" in page and f'value="{draft.version}"' in page
    assert coordinator.post(delete_url, {"version": draft.version + 1}).status_code == 409
    assert Campaign.objects.filter(pk=draft.pk).exists()
    answer = coordinator.post(delete_url, {"version": draft.version}, follow=True)
    assert answer.redirect_chain[-1] == (reverse("freshness:campaigns"), 303)
    assert "The draft campaign “Spring check” was deleted." in answer.content.decode()
    assert not Campaign.objects.filter(pk=draft.pk).exists()


def test_a_running_campaign_has_no_edit_or_delete_page(world, draft):
    coordinator = client_for(world, "coordinator")
    services.launch_campaign(draft, actor=world.user("coordinator"))
    page = coordinator.get(draft.get_absolute_url()).content.decode()
    assert reverse("freshness:campaign_edit", args=[draft.pk]) not in page
    for name in ("freshness:campaign_edit", "freshness:campaign_delete"):
        answer = coordinator.get(reverse(name, args=[draft.pk]), follow=True)
        assert "Only a draft campaign can be changed or deleted" in answer.content.decode()
    answer = coordinator.post(reverse("freshness:campaign_delete", args=[draft.pk]), {"version": draft.version + 1})
    assert answer.status_code == 303 and Campaign.objects.filter(pk=draft.pk).exists()


# API ------------------------------------------------------------------------------------------------


def test_the_api_changes_and_deletes_a_draft_with_if_match(world, draft):
    coordinator = client_for(world, "coordinator")
    url = f"/api/v1/campaigns/{draft.pk}"
    read = coordinator.get(url)
    assert read["ETag"] == f'"{draft.version}"' and read.json()["version"] == draft.version
    body = {"title": "API check", "deadline": soon(15).isoformat(), "organisations": ["own"], "reminder_days": [2]}

    def put(headers):
        return coordinator.put(url, json.dumps(body), content_type="application/json", headers=headers)

    assert put({}).status_code == 428
    assert put({"If-Match": f'"{draft.version + 5}"'}).status_code == 412
    assert state(draft)[0] == "Spring check"
    answer = put({"If-Match": read["ETag"]})
    assert answer.status_code == 200 and answer["ETag"] == f'"{draft.version + 1}"'
    assert (answer.json()["title"], answer.json()["reminder_days"], asked(draft)) == ("API check", [2], ["own"])
    patched = coordinator.patch(url, json.dumps({"deadline": soon(25).isoformat()}), content_type="application/json",
                                headers={"If-Match": answer["ETag"]})
    assert patched.status_code == 200 and patched.json()["title"] == "API check" and state(draft)[1] == soon(25)
    assert coordinator.delete(url).status_code == 428
    assert coordinator.delete(url, headers={"If-Match": answer["ETag"]}).status_code == 412
    assert coordinator.delete(url, headers={"If-Match": patched["ETag"]}).status_code == 204
    assert not Campaign.objects.filter(pk=draft.pk).exists()


def test_the_api_refuses_a_running_campaign_and_outsiders(world, draft):
    url = f"/api/v1/campaigns/{draft.pk}"
    body = json.dumps({"title": "X", "deadline": soon().isoformat()})
    outsider = client_for(world, "other_coordinator")
    assert outsider.put(url, body, content_type="application/json", headers={"If-Match": "*"}).status_code == 404
    assert client_for(world, "member").delete(url, headers={"If-Match": "*"}).status_code == 404  # a draft is not theirs to see
    services.launch_campaign(draft, actor=world.user("coordinator"))
    coordinator = client_for(world, "coordinator")
    answer = coordinator.put(url, body, content_type="application/json", headers={"If-Match": "*"})
    assert answer.status_code == 400 and answer["Content-Type"].startswith("application/problem+json")
    assert coordinator.delete(url, headers={"If-Match": "*"}).status_code == 400
    assert Campaign.objects.get(pk=draft.pk).title == "Spring check"


# Command -------------------------------------------------------------------------------------------


def test_the_command_changes_and_deletes_a_draft(world, draft, capsys):
    call_command("campaign", "edit", str(draft.pk), "--as", "coordinator@example.org", "--title", "CLI check", "--remind", "4")
    assert state(draft)[:5] == ("CLI check", soon(), "Please check.", "both", [4]), "what is not given is kept"
    assert "Campaign" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No such campaign"):  # a draft is for those who run it
        call_command("campaign", "delete", str(draft.pk), "--as", "editor@example.org")
    call_command("campaign", "delete", str(draft.pk), "--as", "coordinator@example.org")
    assert not Campaign.objects.filter(pk=draft.pk).exists()
    running = services.create_campaign(network=world.north, title="Running", deadline=soon(), actor=world.user("coordinator"))
    services.launch_campaign(running, actor=world.user("coordinator"))
    with pytest.raises(CommandError, match="Only a draft"):
        call_command("campaign", "edit", str(running.pk), "--as", "coordinator@example.org", "--title", "No")
    with pytest.raises(CommandError, match="Only a draft"):
        call_command("campaign", "delete", str(running.pk), "--as", "coordinator@example.org")


def test_saving_a_draft_unchanged_writes_nothing_and_one_change_changes_only_that(world, draft):
    coordinator = client_for(world, "coordinator")
    edit_url = reverse("freshness:campaign_edit", args=[draft.pk])
    before = state(draft)
    sent = as_sent(coordinator.get(edit_url).content.decode())
    assert sent["deadline"] == soon().isoformat()
    assert coordinator.post(edit_url, sent).status_code == 303
    assert state(draft) == before
    assert coordinator.post(edit_url, {**sent, "title": "Summer check"}).status_code == 303
    assert state(draft) == ("Summer check", *before[1:5], before[5] + 1, *before[6:])
