"""Large files: previewed and imported by the worker, with progress on the upload's page and
in the API, refusals and failures kept for the person, and nothing done twice at once.

The test settings run tasks at once (the immediate backend), so a queued job has finished
when the call that queued it returns; with the dummy backend a job stays queued until the
test runs it (services.run_job), as the worker would."""

import base64

import pytest
from django.test import Client, override_settings

from citytools.contracts.models import Contract
from citytools.core import jobs
from citytools.core.errors import DomainError
from citytools.spreadsheets import services
from citytools.spreadsheets.models import Upload
from tests.spreadsheets.world import checksum

QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
ROWS = "title,supplier,start_date,end_date\n" + "".join(f"Job contract {n},civic-forge,2025-01-01,2026-01-01\n" for n in range(5))


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 3


def start(world, text=ROWS):
    return services.start_import(organisation=world.own, kind="contracts", filename="big.csv", content=text.encode(), actor=world.editor)


def editor(world):
    client = Client()
    client.force_login(world.editor)
    return client


def test_a_large_file_is_previewed_and_imported_by_the_worker(world):
    upload = start(world)
    assert upload.preview is None, "the worker previews it"
    upload.refresh_from_db()
    assert (upload.job, upload.job_done, upload.job_total, upload.job_error) == ("", 5, 5, "")
    assert upload.summary["new"] == 5 and len(services.shown_preview(upload).rows) == 5
    assert services.request_commit(upload, actor=world.editor) is None, "the worker imports it"
    upload.refresh_from_db()
    assert upload.status == "committed" and upload.job == ""
    assert Contract.objects.filter(title__startswith="Job contract").count() == 5


def test_a_small_file_is_done_at_once(world):
    upload = start(world, "title,supplier,start_date,end_date\nSmall,civic-forge,2025-01-01,2026-01-01\n")
    assert upload.preview is not None and upload.job == ""


@override_settings(TASKS=QUEUED)
def test_the_page_and_the_api_show_how_far_the_worker_has_got(world, monkeypatch):
    client = editor(world)
    answer = client.post("/organisations/own/import/", {"kind": "contracts", "text": ROWS})
    upload = Upload.objects.get()
    page = client.get(answer["Location"]).content.decode()
    assert "Checking every row" in page and "0 of 5 rows checked" in page and "Import 5 new" not in page
    body = client.get(f"/api/v1/imports/{upload.pk}").json()
    assert (body["job"], body["job_done"], body["job_total"], body["can_commit"]) == ("preview", 0, 5, False)
    fragment = client.get(f"/imports/{upload.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert 'id="job"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    # The worker reports after each chunk, outside the rows' own transactions.
    monkeypatch.setattr(services, "CHUNK", 2)
    seen = []
    real = services._write

    def watching(plan, **kwargs):
        seen.append(Upload.objects.get(pk=upload.pk).job_done)
        return real(plan, **kwargs)

    monkeypatch.setattr(services, "_write", watching)
    services.run_job(upload.pk)
    assert seen == [0, 0, 2, 2, 4]
    done = client.get(f"/imports/{upload.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "Import 5 new and 0 changed" in client.get(answer["Location"]).content.decode()


@override_settings(TASKS=QUEUED)
def test_nothing_else_is_done_to_a_file_while_the_worker_has_it(world):
    upload = start(world)
    before = checksum()
    with pytest.raises(DomainError, match="still being previewed"):
        services.set_mapping(upload, mapping=["title", "supplier", "start_date", "end_date"], actor=world.editor)
    with pytest.raises(DomainError, match="still being previewed"):
        services.request_commit(upload, actor=world.editor)
    assert checksum() == before


@override_settings(TASKS=QUEUED)
def test_a_refusal_or_a_failure_in_the_worker_is_kept_for_the_person(world, monkeypatch):
    upload = start(world)
    services.run_job(upload.pk)
    upload.refresh_from_db()
    services.request_commit(upload, actor=world.editor)
    Contract.objects.create(organisation=world.own, supplier=world.maker, title="Job contract 0", start_date="2025-01-01", end_date="2026-01-01")
    before = Contract.objects.count()
    services.run_job(upload.pk)
    upload.refresh_from_db()
    assert upload.job == "" and upload.status == "previewed" and "changed since your preview" in upload.job_error
    assert Contract.objects.count() == before, "all or nothing"
    page = editor(world).get(f"/imports/{upload.pk}/").content.decode()
    assert "changed since your preview" in page

    second = start(world)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "_preview_and_keep", broken)
    services.run_job(second.pk)
    second.refresh_from_db()
    assert second.job == "" and second.job_error == jobs.WORKER_FAILED


@override_settings(TASKS=QUEUED)
def test_the_api_answers_202_for_a_large_file(world):
    client = editor(world)
    answer = client.post(
        "/api/v1/organisations/own/imports",
        {"kind": "contracts", "filename": "big.csv", "content_base64": base64.b64encode(ROWS.encode()).decode()},
        content_type="application/json",
    )
    assert answer.status_code == 202 and answer.json()["job"] == "preview"
    services.run_job(answer.json()["id"])
    commit = client.post(f"/api/v1/imports/{answer.json()['id']}/commit")
    assert commit.status_code == 202 and commit.json()["job"] == "commit"
    services.run_job(answer.json()["id"])
    body = client.get(f"/api/v1/imports/{answer.json()['id']}").json()
    assert body["status"] == "committed" and body["job"] == "" and body["job_error"] == ""
