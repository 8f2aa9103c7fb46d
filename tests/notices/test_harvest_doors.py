"""Harvests from the web, each door with its success and its refusals: a coordinator starts a
harvest of a publisher's API on the network's notices page (or through the API), the worker
runs it against a local stand-in for the publisher (tests.notices.test_harvesting), the
import's page follows it, and the page and the API show where each publisher's harvest
stands and when the schedule runs it next."""

import datetime
from dataclasses import replace

import pytest
from django.test import override_settings
from django.utils import timezone

from citytools.notices import harvesting, services
from citytools.notices.models import Harvest, Import
from citytools.notices.services import run_web_import
from tests.notices.test_api import problem
from tests.notices.test_harvesting import api, releases, served, timer  # noqa: F401 - the fixtures
from tests.notices.test_views import client_for, text
from tests.spreadsheets.world import checksum

HARVEST = "/networks/north/notices/harvest/"
NETWORK = "/networks/north/notices/"


@pytest.fixture
def local(api, monkeypatch):
    """Both publishers' API roots at the local server, asked without the real pace (the
    worker's side takes the sources' own sleeps, which the service tests replace)."""
    for slug, source in harvesting.SOURCES.items():
        monkeypatch.setitem(harvesting.SOURCES, slug, replace(source, min_interval=0.0))
    with override_settings(CITYTOOLS_OCDS_HARVEST_URLS={"find-a-tender": api.base, "contracts-finder": api.base}):
        yield api


def harvest_import(world, **values) -> Import:
    return Import.objects.create(network=world.north, harvest="find-a-tender", created_by=world.user("coordinator"), **values)


# The page -------------------------------------------------------------------------------------


@served
def test_a_coordinator_harvests_from_the_network_page_and_follows_it(world, local, django_capture_on_commit_callbacks):
    client = client_for(world, "coordinator")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(HARVEST, {"source": "find-a-tender", "since": "2017-01-01"})
    job = Import.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/notices/imports/{job.pk}/"
    assert (job.harvest, job.since, job.filename, len(queued)) == ("find-a-tender", datetime.date(2017, 1, 1), "", 1)
    page = text(client.get(response["Location"]))
    assert "Harvest of Find a Tender" in page and "The harvest is waiting its turn" in page
    assert "Notices published since 1 January 2017, starting afresh" in page

    run_web_import(job.pk)  # as the worker would
    assert "updatedFrom=2017-01-01T00:00:00" in local.asked[0]["path"]
    page = text(client.get(f"/notices/imports/{job.pk}/"))
    assert "Harvested" in page and f"{len(local.packages)} pages read" in page and "reached the publisher’s last page" in page
    network = text(client.get(NETWORK))
    assert "Harvest of Find a Tender" in network and "Finished" in network
    state = Harvest.objects.get(source="find-a-tender")
    assert f"Harvested so far {state.pages} pages, {state.releases} releases" in network
    assert f"Will ask for notices since {state.since.date() - datetime.timedelta(days=1):%-d %B %Y}" in network


def test_the_import_page_names_the_harvest_while_it_runs(world):
    job = harvest_import(world, status=Import.Status.RUNNING, summary={"stage": "harvesting", "count": 230})
    client = client_for(world, "coordinator")
    fragment = text(client.get(f"/notices/imports/{job.pk}/?progress=1", HTTP_HX_REQUEST="true"))
    assert "Harvesting Find a Tender: 230 releases so far" in fragment
    assert "Where the last harvest of Find a Tender stopped" in text(client.get(f"/notices/imports/{job.pk}/"))
    assert "Harvesting now" in text(client.get(NETWORK))


@served
def test_a_harvest_that_fails_says_so_and_the_next_resumes_at_the_page(world, local):
    local.trouble = [None, ("status", 404, {})]
    job = services.start_import(world.north, actor=world.user("coordinator"), harvest="find-a-tender", since=datetime.date(2017, 1, 1))
    run_web_import(job.pk)
    client = client_for(world, "coordinator")
    page = text(client.get(f"/notices/imports/{job.pk}/"))
    assert "Failed" in page and "The harvest stopped" in page and "404" in page
    assert "the next harvest of Find a Tender resumes at the page that failed" in page
    network = text(client.get(NETWORK))
    assert "Resumes where it stopped, at http://127.0.0.1:" in network and "cursor=1" in network
    assert "Last error" in network and "404" in network


@served
def test_a_web_harvest_reads_at_most_the_pages_settings_allow_and_the_next_resumes(world, local):
    client = client_for(world, "coordinator")
    with override_settings(CITYTOOLS_OCDS_HARVEST_PAGES=1):
        client.post(HARVEST, {"source": "find-a-tender", "since": "2017-01-01"})
        first = Import.objects.get()
        run_web_import(first.pk)
        first.refresh_from_db()
        assert first.summary["pages"] == 1 and first.summary["finished"] is False
        assert "the next harvest carries on from there" in text(client.get(f"/notices/imports/{first.pk}/"))
        client.post(HARVEST, {"source": "find-a-tender"})  # no date: resume
        second = Import.objects.latest("pk")
        run_web_import(second.pk)
    assert "cursor=1" in local.asked[-1]["path"] and second.since is None
    assert Harvest.objects.get(source="find-a-tender").pages == 2


def test_the_state_section_shows_what_each_harvest_row_holds(world):
    began = timezone.now() - datetime.timedelta(days=3)
    last = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
    Harvest.objects.create(source="find-a-tender", next_url="https://fts.example/api/1.0/ocdsReleasePackages?cursor=9",
                           pages=7, releases=650, last_error="https://fts.example/...: the server answered 503.")
    Harvest.objects.filter(source="find-a-tender").update(updated_at=last)
    Harvest.objects.create(source="contracts-finder", since=began, pages=2, releases=120)
    client = client_for(world, "coordinator")
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={"find-a-tender": 24}, CITYTOOLS_OCDS_HARVEST_AS="admin@example.org"):
        page = text(client.get(NETWORK))
    fts = page[page.index("Find a Tender Last harvested"):]
    assert f"Last harvested {timezone.localtime(last):%-d %B %Y, %H:%M}" in fts
    assert "Harvested so far 7 pages, 650 releases" in fts
    assert "Resumes where it stopped, at https://fts.example/api/1.0/ocdsReleasePackages?cursor=9" in fts
    assert "Last error https://fts.example/...: the server answered 503." in fts
    assert f"Every 24 hours: next around {timezone.localtime(last + datetime.timedelta(hours=24)):%-d %B %Y, %H:%M}" in fts
    cf = page[page.index("Contracts Finder Last harvested"):page.index("Find a Tender Last harvested")]
    assert "Harvested so far 2 pages, 120 releases" in cf and "Last error" not in cf and "Not scheduled" in cf
    assert f"Will ask for notices since {began.date() - datetime.timedelta(days=1):%-d %B %Y}" in cf
    # Without someone for the worker to act as, nothing is harvested on schedule, and the page says so.
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={"find-a-tender": 24}, CITYTOOLS_OCDS_HARVEST_AS=""):
        assert "Every 24 hours" not in text(client.get(NETWORK))


def test_a_source_never_harvested_asks_for_the_last_month_at_the_next_run(world):
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={"contracts-finder": 6}, CITYTOOLS_OCDS_HARVEST_AS="admin@example.org"):
        page = text(client_for(world, "coordinator").get(NETWORK))
    month_ago = timezone.localdate() - datetime.timedelta(days=30)
    assert f"Last harvested Never Harvested so far 0 pages, 0 releases Next harvest Will ask for notices since {month_ago:%-d %B %Y}" in page
    assert "Every 6 hours: at the worker’s next run" in page


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "Choose Contracts Finder or Find a Tender."),
        ({"source": "tenders-daily"}, "Choose Contracts Finder or Find a Tender."),
        ({"source": "find-a-tender\x00"}, "Choose Contracts Finder or Find a Tender."),
        ({"source": "find-a-tender", "since": "2017-02-30"}, "The date must be a real date"),
        ({"source": "find-a-tender", "since": "2017-01-01\x00"}, "The date must be a real date"),
        ({"source": "find-a-tender", "since": "9999-12-31"}, "The date must be between"),
        ({"source": "find-a-tender", "since": "1066-10-14"}, "The date must be between"),
        ({"source": "find-a-tender", "since": "tomorrow"}, "today or earlier"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_is_written(world, body, error):
    if body.get("since") == "tomorrow":
        body = {**body, "since": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    client = client_for(world, "coordinator")
    before = checksum()
    response = client.post(HARVEST, body)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in text(response) and "There is a problem" in page and "<title>Error:" in page
    assert 'href="#harvest-source_0"' in page or 'href="#harvest-since"' in page
    assert checksum() == before and not Import.objects.exists()


@pytest.mark.parametrize("role", ["editor", "member", "other_coordinator", "vendor"])
def test_a_networks_harvests_are_its_coordinators(world, role):
    client = client_for(world, role)
    before = checksum()
    assert client.post(HARVEST, {"source": "find-a-tender"}).status_code == 403
    assert client.post(HARVEST, {"source": "tenders-daily"}).status_code == 403
    assert client.get(HARVEST).status_code == 405
    assert checksum() == before


def test_signing_in_comes_first(world):
    response = client_for(world, "public").post(HARVEST, {"source": "find-a-tender"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Import.objects.exists()


def test_a_date_goes_with_a_harvest_only(world):
    with pytest.raises(services.DomainError, match="goes with a harvest"):
        services.start_import(world.north, actor=world.admin, filename="a.json", content=b"{}", since=datetime.date(2020, 1, 1))


# The API -------------------------------------------------------------------------------------


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@served
def test_the_api_starts_a_harvest_and_says_where_each_stands(world, local):
    client = client_for(world, "coordinator")
    response = post(client, "/api/v1/networks/north/notice-harvests", {"source": "find-a-tender", "since": "2017-01-01"})
    assert response.status_code == 202, response.content
    job = Import.objects.get()
    assert response.json() == {"id": job.pk, "url": f"/api/v1/notice-imports/{job.pk}"}
    body = client.get(response.json()["url"]).json()
    assert (body["status"], body["harvest"], body["since"], body["filename"]) == ("queued", "find-a-tender", "2017-01-01", "")
    run_web_import(job.pk)
    body = client.get(response.json()["url"]).json()
    assert body["status"] == "done" and body["summary"]["pages"] == len(local.packages) and body["summary"]["finished"] is True
    states = {state["source"]: state for state in client.get("/api/v1/notice-harvests").json()}
    assert list(states) == ["contracts-finder", "find-a-tender"]
    fts = states["find-a-tender"]
    harvested = Harvest.objects.get(source="find-a-tender")
    assert (fts["pages"], fts["releases"], fts["resumes"], fts["next_url"], fts["last_error"]) == (
        harvested.pages, harvested.releases, False, "", "")
    assert fts["since"] == (harvested.since.date() - datetime.timedelta(days=1)).isoformat()
    assert fts["every_hours"] is None and fts["next_run"] is None and fts["running"] is False
    assert states["contracts-finder"]["last_run"] is None and states["contracts-finder"]["pages"] == 0


def test_the_api_gives_the_schedule(world):
    Harvest.objects.create(source="contracts-finder", next_url="https://cf.example/next", pages=1, releases=100)
    last = Harvest.objects.get().updated_at
    with override_settings(CITYTOOLS_OCDS_HARVEST_SCHEDULE={"contracts-finder": 12}, CITYTOOLS_OCDS_HARVEST_AS="admin@example.org"):
        cf = client_for(world, "other_coordinator").get("/api/v1/notice-harvests").json()[0]
    assert cf["resumes"] is True and cf["since"] is None and cf["every_hours"] == 12
    assert abs(datetime.datetime.fromisoformat(cf["next_run"]) - (last + datetime.timedelta(hours=12))) < datetime.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"source": "tenders-daily"}, 422),
        ({"source": "find-a-tender\x00"}, 400),  # the API's one text rule refuses a NUL anywhere
        ({"source": "find-a-tender", "since": "9999-12-31"}, 422),
        ({"source": "find-a-tender", "since": "2017-02-30"}, 422),
        ({"source": "find-a-tender", "since": "tomorrow"}, 400),
    ],
)
def test_the_api_refuses_bad_input_and_writes_nothing(world, body, status):
    if body.get("since") == "tomorrow":
        body = {**body, "since": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    client = client_for(world, "coordinator")
    before = checksum()
    found = problem(post(client, "/api/v1/networks/north/notice-harvests", body), status)
    if status == 400:
        assert "today or earlier" in found["detail"] or "NUL" in found["detail"]
    assert checksum() == before


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("other_coordinator", 403), ("vendor", 403), ("public", 401)])
def test_the_api_harvests_only_for_the_networks_coordinators(world, role, status):
    client = client_for(world, role)
    before = checksum()
    problem(post(client, "/api/v1/networks/north/notice-harvests", {"source": "find-a-tender"}), status)
    assert checksum() == before


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("vendor", 403), ("public", 401)])
def test_the_harvests_state_is_for_coordinators_and_admins(world, role, status):
    problem(client_for(world, role).get("/api/v1/notice-harvests"), status)
    for allowed in ("coordinator", "other_coordinator", "admin"):
        assert client_for(world, allowed).get("/api/v1/notice-harvests").status_code == 200
