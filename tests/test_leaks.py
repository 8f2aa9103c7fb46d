"""Field-level leak checks: member-only and confidential information never reaches people
who may not see it, through any page, API operation, export, search or error page.

The world is tests.people.people() plus records whose member-only fields hold unique marker
strings. Outsiders (the public, a vendor user, and the editor and coordinator of another
network) fetch every page the URL resolver knows, for every object in the database, and every
GET operation of the OpenAPI schema; no marker may appear (a PDF is read as its text).
Insiders are checked too, so the test fails if the markers stop reaching anyone (a check that
cannot fail proves nothing).
"""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.contracts.services import create_contract, update_contract
from citytools.core.errors import NotFound
from citytools.inventory import catalogue_services
from citytools.inventory.models import ServiceArea, System
from citytools.inventory.services import create_system, update_system
from citytools.inventory.services import restore_version as restore_system
from citytools.notices import services as notice_services
from citytools.notices.models import Suggestion
from citytools.partnering.models import State
from citytools.registers.surveys import start_survey
from citytools.satisfaction import services as satisfaction
from tests.documents import pdf_text, xlsx_text
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.notices.ocds import imported, release
from tests.pages import every_page, parameter_values
from tests.partnering.world import make_challenge
from tests.people import people
from tests.worlds import rolled_back_at_the_end

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)

# A peer's contract value: members of the network see it, nobody else.
VALUE_MARKERS = ["918273", "918,273", "7364519", "7,364,519"]
# Comments on a peer's system: member-only by default.
NOTES_MARKER = "Plumbracket"
# A confidential contract and system of `own`: its staff and the network's coordinators only.
CONFIDENTIAL_MARKERS = ["Zephyrquartz", "Quokkaflan", "6418302", "6,418,302"]
# Retired records: nobody reads them outside their history.
RETIRED_MARKERS = ["Vellichor", "Brumbleshank"]
# Satisfaction (citytools.satisfaction.rules): a peer's rating comment, a peer's note saying
# "we have this too" on a pain point about Vendor Company (which its vendor user may read, but
# not the note), and the title of a peer's pain point about Civic Forge: members of the
# network only.
RATING_MARKER = "Quillwhistle"
SHARE_NOTE_MARKER = "Snorkelbanyan"
PAIN_POINT_MARKER = "Gribblemoss"
SATISFACTION_MARKERS = [RATING_MARKER, SHARE_NOTE_MARKER, PAIN_POINT_MARKER]
# A supplier and product own proposed for the catalogue (citytools.inventory.catalogue_services),
# with own's system and contract that use them, and the proposal's note: own's staff, its
# reviewers (the note) and admins only, until accepted.
PROPOSAL_MARKERS = ["Thistlewhump", "Wobblecrank", "Grizzlenook"]
# History (citytools.accounts.viewer.Viewer.versions): a contract and a system of own that
# were confidential, then public, confidential again and public again, and a contract that
# was public and is now confidential. Every field of a confidential version holds a marker
# (text, values, dates; the supplier, product, links and choices are checked one by one in
# the history tests below): its staff and the network's coordinators only, whatever the
# record says now.
HISTORY_MARKERS = [
    "Xanthoglimmer", "XGL-5521", "Gloopwidget", "plinkeroo", "5813907", "5,813,907", "9175320", "9,175,320",
    "2019-11-23", "23 November 2019", "2034-08-29", "29 August 2034", "2036-08-29", "29 August 2036",
    "Snollygoster", "SNG-7788", "Crumblewick", "4729163", "4,729,163",
    "Fandangleaf", "Wimblequash", "2018-02-27", "27 February 2018",
    "Frobnostication", "FRB-3141", "2642057", "2,642,057",
]
# Public notices (citytools.notices): a notice disagrees with own's confidential contract, so
# the suggested change shows the map's value (the contract's total) beside the notice's, and
# names the contract. Its reviewers only: own's editors, north's coordinators and admins.
NOTICE_MARKERS = ["Quibblefrost", "8642097", "8,642,097"]
# A network's survey suggests a system to own with a satisfaction rating whose comment is
# members-only data: it waits in own's review queue, for its reviewers only; and the survey's
# file, previewed, whose page is for north's coordinators and admins.
SURVEY_MARKER = "Wugglethorpe"
OUTSIDER_MARKERS = (
    [*VALUE_MARKERS, NOTES_MARKER, *CONFIDENTIAL_MARKERS, *RETIRED_MARKERS, *SATISFACTION_MARKERS, *PROPOSAL_MARKERS, *HISTORY_MARKERS,
     *NOTICE_MARKERS, SURVEY_MARKER]
)
OUTSIDERS = ["public", "vendor", "other_editor", "other_coordinator"]


@pytest.fixture(scope="module")
def leak_world(django_db_setup, django_db_blocker):
    """Built once for the module (tests/worlds.py); each test reads it in a savepoint of its own."""
    with rolled_back_at_the_end(django_db_blocker):
        with time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False):
            world = build_world()
        yield world


@pytest.fixture
def world(leak_world, db):
    with time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False):
        yield leak_world


def build_world():
    """people() and the records whose member-only fields hold the markers, as of TODAY."""
    world = people()
    maker = SupplierFactory(slug="civic-forge", name="Civic Forge")
    area = ServiceAreaFactory(slug="housing-management", name="Housing management")
    ledger = ProductFactory(slug="ledger", name="Ledger", manufacturer=maker)
    hidden_product = ProductFactory(slug="vault", name="Vault Suite", manufacturer=world.vendor_company)
    soon = TODAY + datetime.timedelta(days=60)

    peer_system = SystemFactory(organisation=world.peer, product=ledger, service_areas=[area], notes=f"{NOTES_MARKER} migration planned")
    ContractFactory(
        organisation=world.peer, supplier=maker, title="Peer housing contract", systems=[peer_system],
        annual_value=Decimal("918273.00"), total_value=Decimal("7364519.00"), end_date=soon,
    )
    own_system = SystemFactory(organisation=world.own, product=ledger, service_areas=[area])
    ContractFactory(organisation=world.own, supplier=maker, title="Own housing contract", systems=[own_system], end_date=soon)
    secret_system = SystemFactory(
        organisation=world.own, product=hidden_product, service_areas=[area], confidential=True,
        notes="Quokkaflan pilot, not yet announced",
    )
    world.secret_contract = ContractFactory(
        organisation=world.own, supplier=world.vendor_company, title="Zephyrquartz renewal", confidential=True,
        systems=[secret_system, own_system], annual_value=Decimal("6418302.00"), end_date=soon,
    )
    stranger_system = SystemFactory(organisation=world.stranger, product=ledger, service_areas=[area])
    ContractFactory(organisation=world.stranger, supplier=maker, title="Stranger housing contract", systems=[stranger_system], end_date=soon)

    retired_system = SystemFactory(organisation=world.peer, product=ledger, service_areas=[area], notes="Brumbleshank legacy")
    retired = ContractFactory(organisation=world.peer, supplier=maker, title="Vellichor archive", systems=[retired_system], end_date=soon)
    for record in (retired_system, retired):
        type(record).objects.filter(pk=record.pk).update(retired_at=timezone.now())
    world.hidden_product = hidden_product
    add_proposals(world, area)
    world.peer_system = peer_system
    world.shared_point = add_satisfaction(world, peer_system=peer_system, own_system=own_system, maker=maker)
    add_history(world, own_system=own_system, ledger=ledger, area=area, maker=maker)
    add_notices(world, maker=maker)
    return world


NOTICE_OCID = "ocds-b5fd17-leak-support"


def add_notices(world, *, maker):
    """Own's editor keeps a support contract confidential; a public notice of the same process
    gives another value and end date, and an admin's import suggests the change."""
    create_contract(
        organisation=world.own, supplier=maker, title="Quibblefrost support", reference=NOTICE_OCID,
        total_value=Decimal("8642097"), start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2027, 3, 31),
        confidential=True, actor=world.user("editor"),
    )
    imported(
        release(ocid=NOTICE_OCID, buyer=world.own.name, title="Support renewal", amount=100000, start="2024-04-01", end="2028-03-31"),
        actor=world.user("admin"),
    )
    world.notice_suggestion = Suggestion.objects.get(notice__ocid=NOTICE_OCID)
    assert world.notice_suggestion.changes["total_value"]["map"] == "8642097.00"
    ProductFactory(slug="survey-desk", name="Survey Desk", manufacturer=maker)
    facts = {
        "product": "survey-desk", "supplier": maker.slug, "service_areas": ["housing-management"],
        "rating": {"score": 2, "comment": f"{SURVEY_MARKER}: slow to answer"},
    }
    assert notice_services.propose(
        world.own, key="survey:north-2026:own:survey-desk", label="North survey 2026", facts=facts,
        provenance={"label": "North survey 2026"}, actor=world.user("coordinator"),
    ) == "suggested"
    world.survey_suggestion = Suggestion.objects.get(origin_key="survey:north-2026:own:survey-desk")
    # The file itself, uploaded and previewed by north's coordinator: its page is for north's
    # coordinators and admins, and the comment is in its file, never on a page for outsiders.
    content = "\n".join([
        "Organisation,Service areas,Product,Satisfaction,Comment",
        f"{world.own.name},Housing management,Survey Desk,2,{SURVEY_MARKER} again",
    ]).encode()
    world.survey_import = start_survey(
        world.north, filename="north-survey.csv", content=content, label="North survey 2027", actor=world.user("coordinator"),
    )
    assert world.survey_import.report["counts"]["suggested"] == 1


def add_history(world, *, own_system, ledger, area, maker):
    """Own's editor keeps a contract and a system confidential, makes them public, confidential
    again, then public again; and makes a public contract confidential. Through the services,
    so each change is a version."""
    editor = world.user("editor")
    confidential_terms = {
        "title": "Xanthoglimmer bid", "reference": "XGL-5521", "framework": "Gloopwidget framework",
        "source_url": "https://example.org/plinkeroo", "annual_value": Decimal("5813907"),
        "total_value": Decimal("9175320"), "start_date": datetime.date(2019, 11, 23),
        "end_date": datetime.date(2034, 8, 29), "extension_end_date": datetime.date(2036, 8, 29),
        "route": "direct_award", "source": "foi", "currency": "CHF", "supplier": world.vendor_company,
        "systems": [own_system], "confidential": True,
    }
    world.public_terms = {
        "title": "Harbour ferries contract", "reference": "HFC-1", "framework": "", "source_url": "",
        "annual_value": Decimal("120000"), "total_value": Decimal("480000"), "start_date": datetime.date(2024, 4, 1),
        "end_date": datetime.date(2028, 3, 31), "extension_end_date": None, "route": "open",
        "source": "organisation", "currency": "GBP", "supplier": maker, "systems": [], "confidential": False,
    }
    contract = create_contract(organisation=world.own, actor=editor, **confidential_terms)
    for changes in (
        world.public_terms,
        {"title": "Snollygoster extension", "reference": "SNG-7788", "framework": "Crumblewick framework",
         "annual_value": Decimal("4729163"), "supplier": world.vendor_company, "confidential": True},
        {**world.public_terms, "title": "Harbour ferries contract 2", "reference": "HFC-2"},
    ):
        contract = update_contract(contract, version=contract.version, changes=changes, actor=editor)
    world.flipped_contract = contract

    system = create_system(
        organisation=world.own, product=world.hidden_product, service_areas=[area], supplier=world.vendor_company,
        hosting="on_premises", status="planned", go_live=datetime.date(2018, 2, 27), notes="Fandangleaf trial",
        confidential=True, actor=editor,
    )
    public_system = {
        "product": ledger, "supplier": None, "hosting": "saas", "status": "live", "go_live": datetime.date(2024, 1, 15),
        "notes": "In service", "confidential": False,
    }
    for changes in (
        public_system,
        {"product": world.hidden_product, "notes": "Wimblequash rollout", "confidential": True},
        {**public_system, "notes": "In service since January"},
    ):
        system = update_system(system, version=system.version, changes=changes, actor=editor)
    world.flipped_system = system

    hushed = create_contract(
        organisation=world.own, actor=editor, supplier=maker, title="Harbour buses", start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=700),
    )
    world.hushed_contract = update_contract(
        hushed, version=hushed.version, actor=editor,
        changes={"title": "Frobnostication buses", "reference": "FRB-3141", "annual_value": Decimal("2642057"),
                 "confidential": True},
    )


def add_proposals(world, area):
    """Own's editor proposes a supplier and its product, and uses both at once."""
    editor = world.user("editor")
    supplier = catalogue_services.propose(
        organisation=world.own, kind="supplier", name="Thistlewhump Systems", note="Grizzlenook invoices", actor=editor
    ).supplier
    product = catalogue_services.propose(
        organisation=world.own, kind="product", name="Wobblecrank Desk", manufacturer=supplier, actor=editor
    ).product
    system = create_system(organisation=world.own, product=product, service_areas=[area], actor=editor)
    create_contract(
        organisation=world.own, supplier=supplier, systems=[system], title="Desk licences", start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=400), actor=editor,
    )


def add_satisfaction(world, *, peer_system, own_system, maker):
    """Ratings of peer's and own's systems, a pain point own raised about Vendor Company that
    peer shares with a note (peer runs a Vendor Company product, as only organisations that
    use it say "we have this too"), and one peer raised about Civic Forge; made through the
    services."""
    SystemFactory(organisation=world.peer, product=ProductFactory(slug="civic-desk", name="Civic Desk", manufacturer=world.vendor_company))

    def acting(role):
        return {"actor": world.user(role), "viewer": Viewer.for_user(world.user(role))}

    satisfaction.rate_system(
        peer_system, **acting("peer_member"), overall=2, dimensions={"support": 1},
        comment=f"{RATING_MARKER}: support answers in weeks",
    )
    satisfaction.rate_system(own_system, **acting("member"), overall=4, comment="Works for us")
    point = satisfaction.raise_pain_point(
        **acting("member"), supplier=world.vendor_company, title="Month-end outages",
        description="The service fails on the last working day.", severity=4,
    )
    satisfaction.share_pain_point(point, **acting("peer_member"), note=f"{SHARE_NOTE_MARKER} lost a payroll run")
    satisfaction.raise_pain_point(
        **acting("peer_member"), supplier=maker, product="ledger", title=f"{PAIN_POINT_MARKER} export fails",
        description="Exports stop at 10,000 rows.", severity=3,
    )
    return point


def client_for(world, role) -> Client:
    client = Client()
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def page_urls() -> list[str]:
    found = every_page()
    missing = {name: reason for name, reason in found.items() if isinstance(reason, str)}
    assert not missing, f"pages the leak test cannot fill: {missing}"
    urls = [page.url for pages in found.values() for page in pages]
    # Lists in other states: everything, sorted by value, coloured by end date.
    urls += [
        "/?network=north",
        "/organisations/?everyone=1",
        "/contracts/?sort=-value",
        "/contracts/?ending_within=365",
        "/matrix/?colour=end&show_empty=1",
        "/matrix.csv",
        "/matrix.csv?network=north&colour=end",
        *SPREADSHEET_EXPORTS,
    ]
    return urls


# Exports in every format and of both kinds (every_page() fetches each organisation's and
# network's default, systems as CSV): the filtered contract list, each organisation's and
# network's records, and the same through the API.
SPREADSHEET_EXPORTS = [
    f"{base}{'&' if '?' in base else '?'}format={fmt}"
    for fmt in ("csv", "xlsx", "json")
    for base in (
        "/contracts/export/", "/contracts/export/?sort=-value", "/api/v1/exports/contracts",
        "/systems/export/", "/systems/export/?network=north", "/systems/export/?product=ledger", "/api/v1/exports/systems",
        *(f"{prefix}/{slug}/export{'/' if not prefix.startswith('/api') else ''}?kind={kind}"
          for prefix, slugs in (("/organisations", ("own", "peer", "stranger")), ("/networks", ("north", "south")),
                                ("/api/v1/organisations", ("own", "peer")), ("/api/v1/networks", ("north",)))
          for slug in slugs for kind in ("systems", "contracts")),
    )
]


def api_urls(client) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or path.endswith("openapi.json"):
            continue
        combinations = parameter_values(path.removeprefix("/api/v1"))
        assert combinations is not None, f"no values for the parameters of GET {path}: name its collection in tests/pages.py"
        for kwargs in combinations:
            url = path.format(**kwargs)
            params = {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
            urls.append(f"{url}?limit=500" if "limit" in params else url)
    urls += ["/api/v1/contracts?sort=-value&limit=500", "/api/v1/matrix?network=north", "/api/v1/overview?network=north"]
    return urls


def leaks(body: str, markers: list[str]) -> list[str]:
    return [marker for marker in markers if re.search(re.escape(marker), body, re.IGNORECASE)]


def body_of(response) -> str:
    """The text a person reads: a PDF's text (its streams are compressed), an XLSX file's
    cells, any other body as is."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return pdf_text(response.content)
    if content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        return xlsx_text(response.content)
    return response.content.decode()


def fetch_all(client, urls) -> dict[str, str]:
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        bodies[url] = body_of(response)
    return bodies


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_member_only_or_confidential_marker_reaches_an_outsider(world, role):
    client = client_for(world, role)
    bodies = fetch_all(client, page_urls() + api_urls(client))
    assert len(bodies) > 40  # the discovery found the pages and operations
    found = {url: leaks(body, OUTSIDER_MARKERS) for url, body in bodies.items()}
    assert {url: markers for url, markers in found.items() if markers} == {}


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_confidential_product_is_in_no_outsiders_matrix_or_export(world, role):
    client = client_for(world, role)
    # The product itself is in the public catalogue (and the filters' lists); who uses it is not.
    for url in ["/matrix/", "/organisations/own/", "/service-areas/housing-management/"]:
        assert 'href="/products/vault/"' not in client.get(url).content.decode(), url
    for url in ["/matrix.csv", "/api/v1/matrix", "/api/v1/systems?limit=500", "/api/v1/organisations/own"]:
        assert "Vault Suite" not in client.get(url).content.decode(), url
    assert client.get("/api/v1/products/vault").json()["organisations"] == 0


@pytest.mark.parametrize("role", OUTSIDERS)
def test_search_finds_no_marker(world, role):
    client = client_for(world, role)
    for marker in OUTSIDER_MARKERS:
        body = client.get("/api/v1/search", {"q": marker}).json()
        assert body["total"] == 0, marker
        assert "No results for" in client.get("/search/", {"q": marker}).content.decode()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_confidential_contract_does_not_exist_for_outsiders(world, role):
    client = client_for(world, role)
    pk = world.secret_contract.pk
    for url in [f"/contracts/{pk}/", f"/api/v1/contracts/{pk}"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert leaks(response.content.decode(), CONFIDENTIAL_MARKERS) == []


def test_the_not_found_page_is_generic(world):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and leaks(response.content.decode(), OUTSIDER_MARKERS) == []


@pytest.mark.parametrize("role", ["member", "peer_member", "coordinator", "admin"])
def test_members_of_the_network_see_the_values_and_notes(world, role):
    client = client_for(world, role)
    peer_page = client.get("/organisations/peer/").content.decode()
    assert "918,273" in peer_page and NOTES_MARKER in peer_page
    assert '"918273.00"' in client.get("/api/v1/contracts?limit=500").content.decode()
    assert "£918,273" in client.get("/contracts/").content.decode()


@pytest.mark.parametrize("role", ["member", "peer_member", "coordinator", "admin"])
def test_members_of_the_network_get_the_values_and_notes_in_every_export_format(world, role):
    client = client_for(world, role)
    for fmt in ("csv", "xlsx", "json"):
        contracts = body_of(client.get(f"/networks/north/export/?kind=contracts&format={fmt}"))
        systems = body_of(client.get(f"/organisations/peer/export/?kind=systems&format={fmt}"))
        assert "918273" in contracts and NOTES_MARKER in systems, fmt


@pytest.mark.parametrize("role", ["editor", "member", "coordinator", "admin"])
def test_own_staff_and_coordinators_get_the_confidential_records_in_exports(world, role):
    client = client_for(world, role)
    for fmt in ("csv", "xlsx", "json"):
        assert "Zephyrquartz" in body_of(client.get(f"/organisations/own/export/?kind=contracts&format={fmt}")), fmt
        assert "Quokkaflan" in body_of(client.get(f"/networks/north/export/?kind=systems&format={fmt}")), fmt


@pytest.mark.parametrize("role", OUTSIDERS)
def test_exports_leave_out_the_columns_an_outsider_may_see_for_no_row(world, role):
    client = client_for(world, role)
    header = client.get("/networks/north/export/?kind=contracts&format=csv").content.decode("utf-8-sig").splitlines()[0]
    assert "annual_value" not in header and "total_value" not in header and "title" in header
    header = client.get("/networks/north/export/?kind=systems&format=csv").content.decode("utf-8-sig").splitlines()[0]
    assert "notes" not in header and "product" in header


@pytest.mark.parametrize("role", ["editor", "member", "coordinator", "admin"])
def test_own_staff_and_coordinators_see_the_confidential_records(world, role):
    client = client_for(world, role)
    pk = world.secret_contract.pk
    assert "Zephyrquartz" in client.get(f"/contracts/{pk}/").content.decode()
    assert "Vault Suite" in client.get("/matrix.csv").content.decode()
    assert "Quokkaflan" in client.get("/organisations/own/").content.decode()


def test_a_peer_member_does_not_see_the_other_organisations_confidential_records(world):
    client = client_for(world, "peer_member")
    assert client.get(f"/contracts/{world.secret_contract.pk}/").status_code == 404
    assert leaks(client.get("/organisations/own/").content.decode(), CONFIDENTIAL_MARKERS) == []


def test_nobody_reads_retired_records_outside_their_history(world):
    client = client_for(world, "admin")
    for url in ["/organisations/peer/", "/contracts/", "/api/v1/contracts?limit=500", "/matrix.csv"]:
        assert leaks(client.get(url).content.decode(), RETIRED_MARKERS) == [], url


# Satisfaction ----------------------------------------------------------------------------------

PACKS = ["/suppliers/civic-forge/pack.pdf", "/suppliers/vendor-company/pack.pdf"]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_conversation_pack_pdf_holds_nothing_member_only_for_an_outsider(world, role):
    client = client_for(world, role)
    for url in PACKS:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        text = pdf_text(response.content)
        assert "Before you meet" in text, url  # the text was read, so its absence below means something
        assert leaks(text, OUTSIDER_MARKERS) == [], url
    # Peer's contract is listed, its value is not.
    civic_forge = pdf_text(client.get(PACKS[0]).content)
    assert "Peer housing contract" in civic_forge and "Members only" in civic_forge


@pytest.mark.parametrize("role", OUTSIDERS)
def test_an_outsider_reads_no_single_rating(world, role):
    client = client_for(world, role)
    assert client.get(f"/api/v1/systems/{world.peer_system.pk}/rating").status_code == 404
    assert client.get("/api/v1/organisations/peer/ratings").status_code == 404
    assert client.get("/organisations/peer/ratings/").status_code in (302, 403)


def test_the_supplier_reads_its_pain_point_but_not_who_shares_it_or_their_note(world):
    client = client_for(world, "vendor")
    page = client.get(f"/pain-points/{world.shared_point.pk}/").content.decode()
    assert "Month-end outages" in page and "A member organisation" in page
    assert SHARE_NOTE_MARKER not in page and world.peer.name not in page
    shares = client.get(f"/api/v1/pain-points/{world.shared_point.pk}").json()["shares"]
    assert shares == [{"organisation": None, "note": None, "created_at": shares[0]["created_at"], "counted": True}]


@pytest.mark.parametrize("role", ["member", "peer_member", "coordinator", "admin"])
def test_members_of_the_network_see_ratings_notes_and_pain_points(world, role):
    client = client_for(world, role)
    point = world.shared_point.pk
    assert SHARE_NOTE_MARKER in client.get(f"/pain-points/{point}/").content.decode()
    assert SHARE_NOTE_MARKER in client.get(f"/api/v1/pain-points/{point}").content.decode()
    assert RATING_MARKER in client.get("/organisations/peer/ratings/").content.decode()
    assert RATING_MARKER in client.get(f"/api/v1/systems/{world.peer_system.pk}/rating").content.decode()
    assert PAIN_POINT_MARKER in client.get("/suppliers/civic-forge/pack/").content.decode()
    text = pdf_text(client.get(PACKS[0]).content)
    assert PAIN_POINT_MARKER in text and "918,273" in text


# The inbox (citytools.inbox): a challenge still in review is listed for its steward only;
# nobody else's inbox, page or API, names it.
INBOX_MARKER = "Wobblecrest"


@pytest.mark.parametrize("role", [*OUTSIDERS, "member", "editor", "peer_member", "admin", "coordinator"])
def test_an_unpublished_challenge_is_in_no_inbox_but_its_stewards(world, role):
    make_challenge(owners=[world.own], steward=world.user("coordinator"), state=State.IN_REVIEW, title=f"{INBOX_MARKER} pilot")
    client = client_for(world, role)
    bodies = [client.get("/inbox/").content.decode(), client.get("/api/v1/inbox").content.decode()]
    for body in bodies:
        assert bool(leaks(body, [INBOX_MARKER])) == (role == "coordinator"), role


def test_a_peer_member_sees_nothing_of_what_another_organisation_proposed_or_keeps_confidential(world):
    client = client_for(world, "peer_member")
    bodies = fetch_all(client, page_urls() + api_urls(client))
    found = {url: leaks(body, PROPOSAL_MARKERS + CONFIDENTIAL_MARKERS + HISTORY_MARKERS + NOTICE_MARKERS) for url, body in bodies.items()}
    assert {url: markers for url, markers in found.items() if markers} == {}


@pytest.mark.parametrize("role", ["member", "editor", "admin"])
def test_own_staff_see_and_use_what_they_proposed(world, role):
    client = client_for(world, role)
    page = client.get("/organisations/own/").content.decode()
    assert "Wobblecrank Desk" in page
    assert "Thistlewhump" in client.get("/contracts/").content.decode()
    assert "Grizzlenook" in client.get("/api/v1/catalogue-proposals").content.decode()


# History: a version is as hidden as the record was then (Viewer.versions) -------------------

# Peer's member sees own's values and notes, never its confidential records.
CONFIDENTIAL_OUTSIDERS = [*OUTSIDERS, "peer_member"]
CONFIDENTIAL_INSIDERS = ["member", "editor", "coordinator", "admin"]
# What the confidential versions named besides the markers: their supplier, product,
# currency and choices. None of it is said by a public version.
CONFIDENTIAL_NAMES = ["Vendor Company", "Vault Suite", "CHF", "Direct award", "Freedom of information", "On premises", "Planned"]


def history_doors(client, collection: str, pk: int) -> tuple[str, list[dict]]:
    """The history page's text and the history API's entries, both answered 200."""
    page = client.get(f"/{collection}/{pk}/history/")
    api = client.get(f"/api/v1/{collection}/{pk}/history")
    assert page.status_code == 200 and api.status_code == 200, (page.status_code, api.status_code)
    return page.content.decode(), api.json()


def changed(entry: dict) -> dict[str, tuple[str, str]]:
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


@pytest.mark.parametrize("role", CONFIDENTIAL_OUTSIDERS)
def test_a_contract_made_public_shows_an_outsider_only_its_public_versions(world, role):
    client = client_for(world, role)
    page, entries = history_doors(client, "contracts", world.flipped_contract.pk)
    assert "Harbour ferries contract 2" in page  # the page was read
    assert leaks(page, HISTORY_MARKERS) == [] and leaks(str(entries), HISTORY_MARKERS + CONFIDENTIAL_NAMES) == []
    assert [e["version"] for e in entries] == [4, 2]
    latest, first_public = entries
    assert latest["current"] and latest["after_hidden"] and first_public["after_hidden"]
    # The diff compares with the last public version, never the confidential one between.
    assert changed(latest) == {
        "title": ("Harbour ferries contract", "Harbour ferries contract 2"), "reference": ("HFC-1", "HFC-2"),
    }
    # The first version shown gives its own values: nothing from before it.
    assert {old for old, _ in changed(first_public).values()} == {""}
    assert changed(first_public)["supplier"] == ("", "Civic Forge")
    assert ("annual_value" in changed(first_public)) == (role == "peer_member")
    assert "not shown to you" in page


@pytest.mark.parametrize("role", CONFIDENTIAL_OUTSIDERS)
def test_a_system_made_public_shows_an_outsider_only_its_public_versions(world, role):
    client = client_for(world, role)
    page, entries = history_doors(client, "systems", world.flipped_system.pk)
    assert leaks(page, HISTORY_MARKERS) == [] and leaks(str(entries), HISTORY_MARKERS + CONFIDENTIAL_NAMES) == []
    assert [e["version"] for e in entries] == [4, 2]
    assert changed(entries[1])["product"] == ("", "Ledger")
    # Peer's member reads the notes of own's public versions; others read no notes at all.
    notes = ("In service", "In service since January")
    assert changed(entries[0]) == ({"notes": notes} if role == "peer_member" else {})


@pytest.mark.parametrize("role", CONFIDENTIAL_OUTSIDERS)
def test_a_contract_made_confidential_has_no_history_for_an_outsider(world, role):
    client = client_for(world, role)
    pk = world.hushed_contract.pk
    for url in [f"/contracts/{pk}/history/", f"/api/v1/contracts/{pk}/history"]:
        response = client.get(url)
        assert response.status_code == 404 and leaks(response.content.decode(), [*HISTORY_MARKERS, "Harbour buses"]) == [], url


@pytest.mark.parametrize("role", CONFIDENTIAL_INSIDERS)
def test_own_staff_and_coordinators_read_every_version(world, role):
    client = client_for(world, role)
    page, entries = history_doors(client, "contracts", world.flipped_contract.pk)
    assert [e["version"] for e in entries] == [4, 3, 2, 1]
    assert not any(e["after_hidden"] for e in entries)
    assert changed(entries[0])["title"] == ("Snollygoster extension", "Harbour ferries contract 2")
    assert leaks(page, ["Xanthoglimmer", "Snollygoster", "Gloopwidget", "XGL-5521"]) == ["Xanthoglimmer", "Snollygoster", "Gloopwidget", "XGL-5521"]
    page, entries = history_doors(client, "systems", world.flipped_system.pk)
    assert [e["version"] for e in entries] == [4, 3, 2, 1]
    assert "Vault Suite" in page and "Wimblequash" in page and "Fandangleaf" in page
    page, entries = history_doors(client, "contracts", world.hushed_contract.pk)
    assert changed(entries[0])["title"] == ("Harbour buses", "Frobnostication buses")


def test_a_version_the_restorer_may_not_see_cannot_be_restored(world):
    """North's coordinator may restore own's records, but not a version naming a product own
    proposed and nobody has accepted (its system was hidden from them then)."""
    editor, coordinator = world.user("editor"), world.user("coordinator")
    system = System.objects.get(product__name="Wobblecrank Desk")
    first = system.history.get().history_id
    update_system(system, version=system.version, changes={"product": "ledger"}, actor=editor)
    client = client_for(world, "coordinator")
    page, entries = history_doors(client, "systems", system.pk)
    assert [e["version"] for e in entries] == [2] and "Wobblecrank" not in page + str(entries)
    assert client.get(f"/systems/{system.pk}/history/{first}/restore/").status_code == 404
    assert client.post(f"/api/v1/systems/{system.pk}/history/{first}/restore").status_code == 404
    with pytest.raises(NotFound):
        restore_system(system, history_id=first, actor=coordinator)
    system.refresh_from_db()
    assert system.version == 2 and system.product.name == "Ledger"
    # Own's editor, who may see it, can.
    assert client_for(world, "editor").post(f"/api/v1/systems/{system.pk}/history/{first}/restore").status_code == 200


# Public notices: a suggested change shows a confidential contract's value -------------------------


@pytest.mark.parametrize("role", ["editor", "coordinator", "admin"])
def test_a_suggested_change_to_a_confidential_contract_reaches_its_reviewers(world, role):
    client = client_for(world, role)
    pk = world.notice_suggestion.pk
    page = client.get(f"/suggestions/{pk}/").content.decode()
    assert set(leaks(page, NOTICE_MARKERS)) == {"Quibblefrost", "8,642,097"}  # the contract's title, its value as £8,642,097
    assert "8642097.00" in client.get(f"/api/v1/suggestions/{pk}").content.decode()
    assert "8642097.00" in client.get("/api/v1/organisations/own/suggestions").content.decode()


@pytest.mark.parametrize("role", [*OUTSIDERS, "member", "peer_member"])
def test_a_suggested_change_to_a_confidential_contract_reaches_nobody_else(world, role):
    """Not the public, a vendor, another network's editor or coordinator, a peer's member, nor
    own's member, who may see the contract but not review the queue."""
    client = client_for(world, role)
    pk = world.notice_suggestion.pk
    for url in (f"/suggestions/{pk}/", f"/api/v1/suggestions/{pk}", "/organisations/own/suggestions/", "/api/v1/organisations/own/suggestions"):
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), url
        assert leaks(response.content.decode(), NOTICE_MARKERS) == [], url


# A survey's suggested system: its rating comment is members-only ----------------------------------


@pytest.mark.parametrize("role", ["editor", "coordinator", "admin"])
def test_a_surveys_rating_comment_reaches_the_queues_reviewers(world, role):
    client = client_for(world, role)
    pk = world.survey_suggestion.pk
    for url in (f"/suggestions/{pk}/", f"/api/v1/suggestions/{pk}", "/api/v1/organisations/own/suggestions"):
        assert leaks(client.get(url).content.decode(), [SURVEY_MARKER]) == [SURVEY_MARKER], url


@pytest.mark.parametrize("role", [*OUTSIDERS, "member", "peer_member"])
def test_a_surveys_rating_comment_reaches_nobody_else(world, role):
    """Not the public, a vendor, another network's editor or coordinator, a peer's member, nor
    own's member, who does not review the queue."""
    client = client_for(world, role)
    pk = world.survey_suggestion.pk
    for url in (f"/suggestions/{pk}/", f"/api/v1/suggestions/{pk}", "/organisations/own/suggestions/", "/api/v1/organisations/own/suggestions"):
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), url
        assert leaks(response.content.decode(), [SURVEY_MARKER]) == [], url


# Public notices: the hints that suggest a service area --------------------------------------------
# The mapping holds nothing members-only, but it is the coordinators' tool: it reaches network
# coordinators and admins only (citytools.notices.access.may_edit_hints), and names nobody, not
# even to them: who added a hint is kept, never shown.
HINT_MARKER = "flibbertigrommet"


def test_the_service_area_hints_reach_coordinators_and_admins_and_name_nobody(world):
    adder = world.user("other_coordinator")
    notice_services.add_hint(area=ServiceArea.objects.get(slug="housing-management"), kind="words", hint=HINT_MARKER, actor=adder)
    for role in ["coordinator", "admin"]:  # the adder's name and address are no part of their own pages' header
        client = client_for(world, role)
        for body in (client.get("/notices/service-areas/").content.decode(), client.get("/api/v1/notice-hints").content.decode()):
            assert HINT_MARKER in body, role
            assert leaks(body, [adder.email, str(adder)]) == [], role
    for role in ["public", "vendor", "member", "editor", "peer_member", "other_editor"]:
        client = client_for(world, role)
        for url in ("/notices/service-areas/", "/api/v1/notice-hints"):
            response = client.get(url)
            assert response.status_code in (302, 401, 403), (role, url)
            assert HINT_MARKER not in response.content.decode(), (role, url)
