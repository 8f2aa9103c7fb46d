"""A network's survey (citytools.registers.surveys): a messy spreadsheet previews with the
right organisations and the right errors, imports to each council's review queue (or onto
its map when trusted), again changes nothing, and a later edition lists what disappeared."""

import datetime
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from citytools.core import history
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import NetworkMembership as Membership
from citytools.directory.services import add_local_authorities
from citytools.inventory.models import Product, System
from citytools.inventory.services import load_service_areas
from citytools.notices import services as notice_services
from citytools.notices.models import Suggestion
from citytools.registers import surveys
from citytools.registers.models import SurveyImport
from citytools.satisfaction.models import Rating
from tests.factories import NetworkFactory, ProductFactory, RoleFactory

CAMDEN, KINGSTON, WESTMINSTER, ADUR, WORTHING, LEEDS = (
    "E09000007", "E09000021", "E09000033", "E07000223", "E07000229", "E08000035",
)
HEADER = ["Council", "Service area", "System", "Supplier", "Go-live", "Contract start", "Contract end", "Contract title", "Satisfaction", "Comments"]


@pytest.fixture
def world(db):
    load_service_areas()
    councils = add_local_authorities([CAMDEN, KINGSTON, WESTMINSTER, ADUR, WORTHING, LEEDS])
    network = NetworkFactory(slug="south", name="South network")
    by_code = {o.identifier: o for o in councils}
    for code in (CAMDEN, KINGSTON, WESTMINSTER, ADUR, WORTHING):
        Membership.objects.create(network=network, organisation=by_code[code])
    coordinator = RoleFactory(kind="coordinator", network=network, user__email="coordinator@example.org").user
    editor = RoleFactory(kind="editor", organisation=by_code[CAMDEN], user__email="editor@example.org").user
    return SimpleNamespace(network=network, coordinator=coordinator, editor=editor, **{k.lower(): by_code[v] for k, v in {
        "camden": CAMDEN, "kingston": KINGSTON, "westminster": WESTMINSTER, "adur": ADUR, "worthing": WORTHING, "leeds": LEEDS}.items()})


def xlsx(rows: list[list], *, title: str | None = "Systems survey 2026") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    import io

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MESSY = [
    ["LB Camden", "Libraries", "Spydus", "Civica", datetime.datetime(2019, 4, 1), "01/04/2024", datetime.datetime(2027, 3, 31), "Library system", 4, "Works"],
    ["Royal Borough of Kingston", "Libraries", "spydus ", "Civica", 43556, None, None, None, None, None],
    ["City of Westminster", "Libraries", "Arena", None, None, None, None, None, 3, None],
    ["Adur & Worthing", "Libraries", "Spydus", "Civica", None, None, None, None, None, None],
    [None, None, None, None, None, None, None, None, None, None],
    ["Leeds City Council", "Libraries", "Spydus", "Civica", None, None, None, None, None, None],
    ["Narnia", "Libraries", "Spydus", "Civica", None, None, None, None, None, None],
    ["E09000007", "Nowhere area", "Spydus", "Civica", None, None, None, None, 9, "Too high"],
    ["Westminster", "Libraries", "Spydus", "Civica", None, None, "31/03/2027", "Library system", None, None],
]


def start(world, content=None, **kwargs):
    return surveys.start_survey(
        world.network, filename="survey.xlsx", content=content or xlsx(MESSY), label="South survey 2026",
        actor=kwargs.pop("actor", world.coordinator), **kwargs,
    )


def by_row(report) -> dict[int, list]:
    rows = {}
    for row in report.rows:
        rows.setdefault(row.row, []).append(row)
    return rows


def test_a_messy_survey_previews_with_the_right_organisations_and_errors(world):
    survey = start(world)
    report = surveys.shown(survey)
    rows = by_row(report)
    assert report.header_row == 2
    assert [r.organisation for r in rows[3]] == [CAMDEN] and rows[3][0].status == "suggested"
    assert rows[3][0].matched_by == "name"
    assert rows[4][0].organisation == KINGSTON and rows[4][0].status == "suggested"
    assert rows[5][0].organisation == WESTMINSTER
    assert rows[5][0].status == "error" and "Arena" in rows[5][0].error  # new product, no maker
    assert rows[6][0].status == "decision" and {c["gss_code"] for c in rows[6][0].candidates} == {ADUR, WORTHING}
    assert 7 not in rows  # the blank row
    assert rows[8][0].status == "error" and "not a member of South network" in rows[8][0].error
    assert rows[9][0].status == "error" and "Narnia" in rows[9][0].error
    assert rows[10][0].status == "error" and "Nowhere area" in rows[10][0].error and "Satisfaction" in rows[10][0].error
    assert rows[11][0].status == "suggested"  # its contract lacks a start: the editor gives it on accepting
    assert not Suggestion.objects.exists() and not Product.objects.exists()  # a preview writes nothing
    camden = next(o for o in report.organisations if o["gss_code"] == CAMDEN)
    assert camden["suggested"] == 1 and camden["error"] == 1


def test_a_joint_service_goes_where_the_coordinator_decides(world):
    rows = [MESSY[0], MESSY[3]]
    survey = start(world, xlsx(rows))
    report = surveys.decide(survey, row=4, organisations=[world.adur.pk, world.worthing.pk], actor=world.coordinator)
    assert [(r.organisation, r.status, r.matched_by) for r in report.rows if r.row == 4] == [
        (ADUR, "suggested", "decision"), (WORTHING, "suggested", "decision")]
    surveys.request_commit(survey, actor=world.coordinator)
    assert Suggestion.objects.filter(organisation__in=[world.adur, world.worthing]).count() == 2


def test_an_import_fills_each_queue_and_again_changes_nothing(world):
    rows = [MESSY[0], MESSY[1]]
    survey = start(world, xlsx(rows))
    report = surveys.request_commit(survey, actor=world.coordinator)
    assert report.counts["suggested"] == 2
    assert Product.objects.filter(name="Spydus").count() == 1  # "spydus " is the same product
    suggestion = Suggestion.objects.get(organisation=world.camden)
    assert suggestion.origin_label == "South survey 2026" and suggestion.facts["rating"] == {"score": 4, "comment": "Works"}
    assert suggestion.facts["contract"]["end_date"] == "2027-03-31"
    again = surveys.request_commit(start(world, xlsx(rows)), actor=world.coordinator)
    assert again.counts["unchanged"] == 2 and Suggestion.objects.count() == 2


def test_a_trusted_survey_goes_on_the_map_unconfirmed_with_its_source(world):
    survey = start(world, xlsx([MESSY[0]]), trusted=True)
    surveys.request_commit(survey, actor=world.coordinator)
    system = System.objects.get(organisation=world.camden)
    assert system.provenance["label"] == "South survey 2026" and system.confirmed_at is None
    assert Rating.objects.get(system=system).comment == "Works"


def test_a_trusted_preview_shows_what_the_map_would_refuse(world):
    survey = start(world, xlsx([MESSY[-1]]), trusted=True)
    row = surveys.shown(survey).rows[0]
    assert row.status == "error" and row.error.startswith("Contract start:")
    assert not System.objects.exists()


def test_a_trusted_row_the_map_refuses_leaves_nothing_in_the_batch(world):
    """A trusted survey's rows are checked one by one and written together: a row whose
    contract the map refuses takes back the system it had already added to the batch."""
    spydus = ProductFactory(slug="spydus", name="Spydus", manufacturer__slug="civica")
    batch = history.Batch()
    with pytest.raises(DomainError, match="start"):
        notice_services.propose(
            world.westminster, key="survey:south:spydus", label="South survey 2026", actor=world.coordinator, trusted=True,
            facts={"product": spydus.slug, "supplier": "civica", "service_areas": ["libraries"],
                   "contract": {"title": "Library system", "end_date": "2027-03-31"}},
            provenance={"row": 11}, batch=batch,
        )
    assert len(batch) == 0
    assert notice_services.propose(
        world.camden, key="survey:south:spydus", label="South survey 2026", actor=world.coordinator, trusted=True,
        facts={"product": spydus.slug, "service_areas": ["libraries"], "rating": {"score": 4, "comment": "Works"}},
        provenance={"row": 3}, batch=batch,
    ) == "applied"
    assert len(batch) == 3 and not System.objects.exists()  # the system, its rating, the suggestion
    batch.write()
    system = System.objects.get()
    assert system.organisation == world.camden and Rating.objects.get().system == system
    assert Suggestion.objects.get().system == system and system.history.count() == 1


def test_a_later_edition_lists_what_disappeared_and_retires_nothing(world):
    surveys.request_commit(start(world, xlsx([MESSY[0], MESSY[1]]), trusted=True), actor=world.coordinator)
    later = surveys.request_commit(start(world, xlsx([MESSY[0]]), trusted=True), actor=world.coordinator)
    assert [(d["slug"], d["product"]) for d in later.disappeared] == [(world.kingston.slug, "spydus")]
    assert System.objects.filter(organisation=world.kingston, retired_at__isnull=True).count() == 1


def test_rows_with_errors_import_nothing(world):
    survey = start(world)
    with pytest.raises(DomainError, match="errors"):
        surveys.request_commit(survey, actor=world.coordinator)
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("who", ["editor", None])
def test_only_the_networks_coordinators_and_admins_import(world, who):
    with pytest.raises(Forbidden):
        start(world, actor=getattr(world, who) if who else None)
    assert not SurveyImport.objects.exists()


def test_each_council_finds_its_rows_waiting_and_the_campaign_counts_them_unconfirmed(world, client):
    """The issue's end to end: the survey's rows wait in each council's queue; one is accepted
    on the page and one rejected through the API; the accepted system keeps the survey as its
    source, and a freshness campaign asks the council to confirm it."""
    from citytools.freshness import services as freshness_services
    from citytools.freshness.queries import campaign_progress

    kingston_editor = RoleFactory(kind="editor", organisation=world.kingston, user__email="kingston@example.org").user
    surveys.request_commit(start(world, xlsx([MESSY[0], MESSY[1]])), actor=world.coordinator)
    camden, kingston = (Suggestion.objects.get(organisation=o) for o in (world.camden, world.kingston))
    client.force_login(world.editor)
    form = {"product": camden.facts["product"], "service_area": "libraries", "supplier": camden.facts["supplier"],
            "title": "Library system", "start_date": "2024-04-01", "end_date": "2027-03-31", "currency": "GBP"}
    response = client.post(f"/suggestions/{camden.pk}/accept/", form)
    assert response.status_code == 303, response.content[:500]
    system = System.objects.get(organisation=world.camden)
    assert system.provenance["label"] == "South survey 2026" and system.confirmed_at is None
    client.force_login(kingston_editor)
    response = client.post(f"/api/v1/suggestions/{kingston.pk}/reject", {"reason": "We moved to another system."},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert not System.objects.filter(organisation=world.kingston).exists()
    client.force_login(world.editor)
    assert "South survey 2026" in client.get(f"/systems/{system.pk}/").content.decode()  # its source, shown
    campaign = freshness_services.create_campaign(
        network=world.network, title="Confirm the survey", deadline=datetime.date.today() + datetime.timedelta(days=30),
        actor=world.coordinator, organisations=[world.camden],
    )
    freshness_services.launch_campaign(campaign, actor=world.coordinator)
    progress = campaign_progress(campaign)
    assert (progress.records, progress.outstanding) == (2, 2)  # the system and its contract, both unconfirmed


def test_a_later_trusted_edition_updates_what_changed_unless_a_person_changed_it(world):
    from citytools.inventory.services import update_system

    first = [MESSY[0], ["Royal Borough of Kingston", "Libraries", "Spydus", "Civica", 43556, None, None, None, None, None]]
    surveys.request_commit(start(world, xlsx(first), trusted=True), actor=world.coordinator)
    camden = System.objects.get(organisation=world.camden)
    kingston = System.objects.get(organisation=world.kingston)
    editor = RoleFactory(kind="editor", organisation=world.kingston).user
    update_system(kingston, version=kingston.version, changes={"go_live": datetime.date(2018, 1, 1)}, actor=editor)
    later = [list(MESSY[0]), list(first[1])]
    later[0][4] = later[1][4] = datetime.datetime(2020, 9, 1)
    report = surveys.request_commit(start(world, xlsx(later), trusted=True), actor=world.coordinator)
    assert [(r.organisation, r.status) for r in report.rows] == [(CAMDEN, "applied"), (KINGSTON, "unchanged")]
    camden.refresh_from_db()
    kingston.refresh_from_db()
    assert camden.go_live == datetime.date(2020, 9, 1) and camden.confirmed_at is None
    assert kingston.go_live == datetime.date(2018, 1, 1)  # the editor's own correction wins
    again = surveys.request_commit(start(world, xlsx(later), trusted=True), actor=world.coordinator)
    assert again.counts["unchanged"] == 2


def csv(rows: list[list]) -> bytes:
    lines = [",".join(HEADER)] + [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_bad_cells_are_errors_naming_their_row_and_column(world):
    rows = [
        ["Camden", "Libraries", "Spydus", "Civica", "31/02/2027", "", "", "", "", ""],
        ["Camden", "Libraries", "Spydus", "Civica", "01/01/9999", "", "", "", "", ""],
    ]
    survey = surveys.start_survey(world.network, filename="s.csv", content=csv(rows), label="South survey 2026", actor=world.coordinator)
    errors = [row.error for row in surveys.shown(survey).rows]
    assert errors[0].startswith("Live since:") and "not a date" in errors[0]
    assert errors[1].startswith("Live since:") and "too far" in errors[1]
    with pytest.raises(DomainError, match="binary data"):  # a NUL byte: not a CSV file at all
        surveys.start_survey(world.network, filename="s.csv", content=csv([["Camden", "Libraries", "Spy\x00dus"]]),
                             label="South survey 2026", actor=world.coordinator)


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02 not a spreadsheet", "binary data"),
    (b"PK\x03\x04 broken zip", "XLSX"),
    (b"a,b,c\n1,2,3\n", "No column of this file"),
    (",".join(HEADER).encode() + b"\n", "no records"),
])
def test_a_file_that_cannot_be_read_is_refused_before_anything_is_kept(world, content, message):
    name = "s.xlsx" if content.startswith(b"PK") else "s.csv"
    with pytest.raises(DomainError, match=message):
        surveys.start_survey(world.network, filename=name, content=content, label="South survey 2026", actor=world.coordinator)
    assert not SurveyImport.objects.exists()


def test_a_file_over_the_limits_is_refused(world, settings):
    settings.NETWORK_IMPORT_MAX_ROWS = 1
    two_rows = csv([["Camden", "Libraries", "Spydus"], ["Kingston", "Libraries", "Spydus"]])
    with pytest.raises(DomainError, match="at most 1"):
        surveys.start_survey(world.network, filename="s.csv", content=two_rows, label="South survey 2026", actor=world.coordinator)
    settings.NETWORK_IMPORT_MAX_BYTES = 10
    with pytest.raises(DomainError, match="too large|larger|MB|KB|bytes"):
        start(world)
    assert not SurveyImport.objects.exists()


def test_a_source_needs_a_name(world):
    with pytest.raises(DomainError, match="Name the source"):
        surveys.start_survey(world.network, filename="s.xlsx", content=xlsx([MESSY[0]]), label="  ", actor=world.coordinator)


def test_a_survey_is_imported_once(world):
    survey = start(world, xlsx([MESSY[0]]))
    surveys.request_commit(survey, actor=world.coordinator)
    with pytest.raises(DomainError, match="already been imported"):
        surveys.request_commit(SurveyImport.objects.get(pk=survey.pk), actor=world.coordinator)
    assert Suggestion.objects.count() == 1


def test_a_decision_names_one_of_the_joint_services_councils(world):
    survey = start(world, xlsx([MESSY[3]]))
    with pytest.raises(DomainError, match="Choose among"):
        surveys.decide(survey, row=3, organisations=[world.camden.pk], actor=world.coordinator)
    with pytest.raises(DomainError, match="no joint service"):
        surveys.decide(survey, row=99, organisations=[world.adur.pk], actor=world.coordinator)


def test_a_decision_naming_another_organisation_leaves_the_row_undecided(world):
    """The command line passes its decisions straight to the run: one that names no candidate
    of the row keeps the row waiting, so the import is refused rather than the row dropped."""
    report = surveys.import_file(
        world.network, filename="s.xlsx", content=xlsx([MESSY[3]]), label="South survey 2026", actor=world.coordinator,
        decisions={"3": [world.camden.pk]},
    )
    assert [(r.row, r.status) for r in report.rows] == [(3, "decision")] and "another organisation" in report.rows[0].error
    assert not Suggestion.objects.exists()


def test_a_former_council_named_by_name_is_an_error_that_says_it_no_longer_exists(world):
    aylesbury = add_local_authorities(["E07000004"])[0]
    Membership.objects.create(network=world.network, organisation=aylesbury)
    rows = [["Aylesbury Vale District Council", "Libraries", "Spydus", "Civica", None, None, None, None, None, None],
            ["E07000004", "Libraries", "Spydus", "Civica", None, None, None, None, None, None]]
    first, second = surveys.shown(start(world, xlsx(rows))).rows
    assert first.status == "error" and "no longer exists" in first.error
    assert second.status == "suggested" and second.organisation == "E07000004"  # its own code, for the past


def test_a_later_trusted_edition_updates_the_contract_it_gave_unless_a_person_changed_it(world):
    from citytools.contracts.models import Contract
    from citytools.contracts.services import update_contract

    surveys.request_commit(start(world, xlsx([MESSY[0]]), trusted=True), actor=world.coordinator)
    contract = Contract.objects.get(organisation=world.camden)
    update_contract(contract, version=contract.version, changes={"title": "Library management system"}, actor=world.editor)
    later = list(MESSY[0])
    later[6], later[7] = datetime.datetime(2028, 3, 31), "Library platform"  # a new end, and a new title
    report = surveys.request_commit(start(world, xlsx([later]), trusted=True), actor=world.coordinator)
    assert [r.status for r in report.rows] == ["applied"]
    contract.refresh_from_db()
    assert contract.end_date == datetime.date(2028, 3, 31) and contract.confirmed_at is None
    assert contract.title == "Library management system"  # the editor's own title wins
    assert contract.provenance["label"] == "South survey 2026"
