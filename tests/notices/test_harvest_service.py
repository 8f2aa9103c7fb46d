"""The harvest service: each page of a publisher's API is imported as it comes, where it
stopped is remembered, a failure keeps the pages before it, and the next harvest resumes
there; the worker harvests only what settings schedule, when it is due."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from citytools.notices import services
from citytools.notices.harvesting import HarvestFailed
from citytools.notices.models import Harvest, Notice, Release, Suggestion
from tests.notices.ocds import CONTRACTS_FINDER, release
from tests.notices.test_harvesting import PATH, api, packaged, releases, served, timer  # noqa: F401 - the fixtures
from tests.people import people

pytestmark = [pytest.mark.django_db, served]


@pytest.fixture
def world():
    return people()


@pytest.fixture
def local(api):
    with override_settings(CITYTOOLS_OCDS_HARVEST_URLS={"find-a-tender": api.base, "contracts-finder": api.base}):
        yield api


def harvest(world, timer, **options):
    return services.harvest("find-a-tender", actor=world.user("coordinator"), sleep=timer.sleep, **options)


def test_a_harvest_imports_every_page_and_remembers_that_it_finished(world, local, timer, releases):
    result = harvest(world, timer, since=datetime.date(2017, 1, 1))
    assert result.finished and result.pages == len(local.packages)
    assert result.summary.releases == len(releases)
    assert Release.objects.count() == len({(r["ocid"], r["id"]) for r in releases})
    state = Harvest.objects.get(source="find-a-tender")
    assert state.next_url == "" and state.since is not None and state.pages == len(local.packages)
    assert "updatedFrom=2017-01-01T00:00:00" in local.asked[0]["path"]


def test_a_failure_keeps_the_pages_before_it_and_the_next_harvest_resumes_there(world, local, timer, releases):
    local.trouble = [None, ("status", 404, {})]
    with pytest.raises(HarvestFailed):
        harvest(world, timer, since=datetime.date(2017, 1, 1))
    state = Harvest.objects.get(source="find-a-tender")
    assert "cursor=1" in state.next_url and "404" in state.last_error
    kept = Notice.objects.count()
    assert 0 < kept < len(releases)
    result = harvest(world, timer)
    assert result.finished and "cursor=1" in local.asked[-len(local.packages) + 1]["path"]
    assert Notice.objects.count() == len({r["ocid"] for r in releases})
    assert Harvest.objects.get(source="find-a-tender").last_error == ""


def test_a_harvest_stops_after_its_pages_and_the_next_resumes(world, local, timer):
    first = harvest(world, timer, since=datetime.date(2017, 1, 1), max_pages=1)
    assert not first.finished and first.pages == 1
    second = harvest(world, timer)
    assert second.finished and second.pages == len(local.packages) - 1


def test_a_harvest_after_a_finished_one_asks_for_what_is_new(world, local, timer):
    harvest(world, timer, since=datetime.date(2017, 1, 1))
    began = Harvest.objects.get(source="find-a-tender").since
    harvest(world, timer)
    asked = [entry["path"] for entry in local.asked if "updatedFrom" in entry["path"]][-1]
    assert (began - datetime.timedelta(days=1)).strftime("%Y-%m-%d") in asked


def test_a_coordinators_harvest_reaches_every_organisation_not_only_their_networks(world, local, timer):
    """The harvest's place is the site's: had it suggested only to the starting coordinator's
    networks, the notices it moved past would never reach the others' queues."""
    local.packages = packaged(local, [
        release(ocid=f"{CONTRACTS_FINDER}-north", buyer=world.own.name),
        release(ocid=f"{CONTRACTS_FINDER}-south", buyer=world.stranger.name),
    ])
    harvest(world, timer, since=datetime.date(2017, 1, 1))  # the coordinator of "north"
    queued = dict(Suggestion.objects.values_list("notice__ocid", "organisation__slug"))
    assert queued == {f"{CONTRACTS_FINDER}-north": world.own.slug, f"{CONTRACTS_FINDER}-south": world.stranger.slug}


def test_only_coordinators_and_admins_harvest(world, local, timer):
    with pytest.raises(services.Forbidden):
        services.harvest("find-a-tender", actor=world.user("editor"), sleep=timer.sleep)
    assert not local.asked


def test_the_worker_harvests_only_what_is_due(world, local, monkeypatch):
    called = []
    monkeypatch.setattr(services, "harvest", lambda source, **options: called.append(source))
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={}):
        assert services.harvest_when_due() == []
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={"find-a-tender": 24}, CITYTOOLS_OCDS_HARVEST_AS="coordinator@example.org"):
        assert services.harvest_when_due() == ["find-a-tender"]
        Harvest.objects.create(source="find-a-tender")
        assert services.due_harvests() == []
        assert services.due_harvests(timezone.now() + datetime.timedelta(hours=25)) == ["find-a-tender"]
    assert called == ["find-a-tender"]
