"""The import and export pages: success and refusal for each."""

import pytest
from django.test import Client

from citytools.contracts.models import Contract
from citytools.spreadsheets.models import Upload
from tests.spreadsheets.world import checksum


def client_for(world, role):
    client = Client()
    if world.user(role):
        client.force_login(world.user(role))
    return client


def upload_text(client, text, kind="contracts"):
    return client.post("/organisations/own/import/", {"kind": kind, "text": text})


def test_an_editor_uploads_previews_maps_and_imports(world):
    client = client_for(world, "editor")
    assert "Import systems or contracts from a spreadsheet" in client.get("/organisations/own/").content.decode()
    page = client.get("/organisations/own/import/")
    assert page.status_code == 200 and "Upload and preview" in page.content.decode()
    response = upload_text(client, "Contract ref,Annual,Odd\nCON-001,\"£120,000\",x\n")
    assert response.status_code == 303
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert preview.status_code == 200 and "100000.00 → 120000.00" in body and "Column C: Odd" in body
    upload = Upload.objects.get()
    response = client.post(f"/imports/{upload.pk}/", {"column_0": "reference", "column_1": "annual_value", "column_2": ""})
    assert response.status_code == 303
    response = client.post(f"/imports/{upload.pk}/commit/")
    assert response.status_code == 303 and response["Location"] == "/organisations/own/"
    assert "1 changed" in client.get("/organisations/own/").content.decode()
    world.contract.refresh_from_db()
    assert world.contract.annual_value == 120000


def test_a_malformed_file_is_a_form_error_and_writes_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world, "editor")
    before = checksum()
    response = client.post("/organisations/own/import/", {"kind": "contracts", "file": SimpleUploadedFile("x.csv", b"%PDF-1.4\n")})
    assert response.status_code == 400 and "looks like a PDF file" in response.content.decode()
    assert checksum() == before


def test_a_file_over_the_limit_is_refused_with_its_real_size(world, settings):
    """The page reads no further than the limit; the refusal still gives the file's own size
    and the limit as people read them, not the number of bytes read."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.csv", b"reference,title\n" + b"CON-1,A\n" * (3 * 1024 * 1024 // 8))
    client = client_for(world, "editor")
    before = checksum()
    response = client.post("/organisations/own/import/", {"kind": "contracts", "file": big})
    assert response.status_code == 400
    assert "The file is 3 MB; the largest accepted is 1 MB." in response.content.decode()
    assert "1,048,577" not in response.content.decode()
    assert checksum() == before and not Upload.objects.exists()


def test_rows_with_errors_show_their_row_number_and_the_commit_is_refused(world):
    client = client_for(world, "editor")
    response = upload_text(client, "reference,end_date\nCON-001,soon\n")
    body = client.get(response["Location"]).content.decode()
    assert "Row 2: End date: &#x27;soon&#x27; is not a date" in body and "Nothing can be imported" in body
    before = checksum()
    upload = Upload.objects.get()
    assert client.post(f"/imports/{upload.pk}/commit/").status_code == 400
    assert checksum() == before


def test_a_stale_preview_is_refused_with_409(world):
    from citytools.contracts.services import update_contract

    client = client_for(world, "editor")
    upload_text(client, "reference,annual_value\nCON-001,1\n")
    upload = Upload.objects.get()
    update_contract(world.contract, version=1, changes={"title": "Elsewhere"}, actor=world.editor)
    response = client.post(f"/imports/{upload.pk}/commit/")
    assert response.status_code == 409 and "changed since your preview" in response.content.decode()
    assert Contract.objects.get(pk=world.contract.pk).annual_value == 100000
    # The page previews the file again against the records as they are now, so a second try imports.
    assert "The preview below is against the records as they are now" in response.content.decode()
    assert client.post(f"/imports/{upload.pk}/commit/").status_code == 303
    assert Contract.objects.get(pk=world.contract.pk).annual_value == 1


@pytest.mark.parametrize("role,status", [("public", 302), ("member", 403), ("other_editor", 403), ("coordinator", 403)])
def test_only_editors_reach_the_import_page(world, role, status):
    client = client_for(world, role)
    before = checksum()
    assert client.get("/organisations/own/import/").status_code == status
    assert upload_text(client, "reference,annual_value\nCON-001,1\n").status_code == status
    assert checksum() == before


def test_an_upload_does_not_exist_for_anyone_else(world):
    upload_text(client_for(world, "editor"), "reference,annual_value\nCON-001,1\n")
    upload = Upload.objects.get()
    for role in ("member", "other_editor", "coordinator"):
        client = client_for(world, role)
        assert client.get(f"/imports/{upload.pk}/").status_code == 404
        assert client.post(f"/imports/{upload.pk}/commit/").status_code == 404


@pytest.mark.parametrize("url,kind", [
    ("/contracts/export/?organisation=own&format=xlsx", "application/vnd.openxmlformats"),
    ("/organisations/own/export/?kind=contracts&format=json", "application/json"),
    ("/networks/north/export/?kind=systems&format=csv", "text/csv"),
    ("/imports/template/?kind=contracts&format=xlsx", "application/vnd.openxmlformats"),
])
def test_downloads(world, url, kind):
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    assert response["Content-Disposition"].startswith("attachment")


def test_an_unknown_format_is_a_bad_request(world):
    assert Client().get("/organisations/own/export/?format=pdf").status_code == 400


def test_the_filtered_view_links_to_its_downloads(world):
    body = Client().get("/contracts/?organisation=own").content.decode()
    assert "/contracts/export/?organisation=own&amp;format=xlsx" in body
    network = Client().get("/networks/north/").content.decode()
    assert "/networks/north/export/?kind=contracts&format=json" in network.replace("&amp;", "&")


def test_the_instructions_explain_every_column(world):
    from citytools.spreadsheets.models import Kind
    from citytools.spreadsheets.rules import COLUMNS

    body = Client().get("/imports/instructions/").content.decode()
    for kind in Kind.values:  # an organisation's files (a network's survey has its own page)
        for column in COLUMNS[kind]:
            assert f"<code>{column.name}</code>" in body


def test_pages_use_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    from tests.factories import ContractFactory

    for _ in range(30):
        ContractFactory(organisation=world.own, supplier=world.maker, systems=[world.system])
    client = client_for(world, "editor")
    with django_assert_max_num_queries(25):
        client.get("/networks/north/export/?kind=contracts&format=xlsx")
    with django_assert_max_num_queries(25):
        client.get("/organisations/own/export/?kind=systems&format=csv")
    upload_text(client, "id,title\n" + "".join(f"{c.pk},Renamed {c.pk}\n" for c in Contract.objects.all()))
    upload = Upload.objects.get()
    # The dry run writes each changed row through the services: a fixed cost per row, not more.
    with django_assert_max_num_queries(30 + 20 * Contract.objects.count()):
        client.get(f"/imports/{upload.pk}/")


def test_reading_the_preview_again_does_not_run_the_dry_run_again(world, monkeypatch):
    """A 5,000-row file takes seconds to preview: the page shows the preview kept from the
    upload, and only "preview again" (saving the columns) runs it again."""
    from citytools.spreadsheets import services

    client = client_for(world, "editor")
    location = upload_text(client, "Contract ref,Annual\nCON-001,\"£120,000\"\n")["Location"]

    def refused(*args, **kwargs):
        raise AssertionError("the dry run ran again")

    monkeypatch.setattr(services, "_dry_run", refused)
    page = client.get(location)
    assert page.status_code == 200 and "100000.00 → 120000.00" in page.content.decode()
    assert client.get(f"/api/v1{location.rstrip('/')}").json()["counts"]["changed"] == 1


def test_the_systems_of_a_product_area_or_network_are_exported(world):
    client = client_for(world, "public")
    body = client.get("/systems/export/?product=ledger&format=json").json()
    assert [row["product"] for row in body["records"]] == ["ledger"]
    assert client.get("/systems/export/?product=keystone&format=json").json()["records"] == []
    assert client.get("/systems/export/?service_area=housing&format=json").json()["records"][0]["organisation"] == "own"
    assert client.get("/systems/export/?network=south&format=json").json()["records"] == []
    assert client.get("/systems/export/?product=nowhere").status_code == 400
    assert client.get("/api/v1/exports/systems?product=nowhere").status_code == 404
