"""Harvesting public notices from an API: a local server stands in for Find a Tender and
Contracts Finder and replays real releases (the Contracts Finder samples) as pages linked by
links.next, and misbehaves on demand as the real ones do: 429 with or without Retry-After,
5xx, dropped connections, bodies that are not JSON, too large, gzip. Nothing really sleeps:
each test gives the harvester a clock that only its own sleeps move."""

import datetime
import email.utils
import gzip
import json
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from citytools.core.errors import DomainError
from citytools.notices import reading
from citytools.notices.harvesting import SOURCES, HarvestFailed, first_url, pages
from tests.conftest import SHARED_DATA, needs_shared

RECENT = SHARED_DATA / "ocds" / "samples" / "uk-contracts-finder-2017-2020"
PATH = "/api/1.0/ocdsReleasePackages"
PAGE_SIZE = 30
served = needs_shared(RECENT)
# Find a Tender's behaviour without its pace, so that the only sleeps are the ones a test is about.
QUICK = replace(SOURCES["find-a-tender"], min_interval=0.0, first_backoff=2.0)


# The stand-in server --------------------------------------------------------------------


@dataclass
class Api:
    """What the server serves, what it was asked, and the trouble it makes next: one entry
    of `trouble` per request, taken in turn, then the pages as they are."""

    base: str = ""
    packages: list[bytes] = field(default_factory=list)
    trouble: list = field(default_factory=list)
    asked: list[dict] = field(default_factory=list)
    gzip: bool = False

    def url(self, number: int) -> str:
        return f"{self.base}{PATH}?updatedFrom=2017-01-01T00:00:00&limit={PAGE_SIZE}" if number == 0 else f"{self.base}{PATH}?cursor={number}&limit={PAGE_SIZE}"


def packaged(api: Api, releases: list[dict]) -> list[bytes]:
    chunks = [releases[start : start + PAGE_SIZE] for start in range(0, len(releases), PAGE_SIZE)]
    packages = []
    for number, chunk in enumerate(chunks):
        package = {"uri": api.url(number), "version": "1.1", "publishedDate": "2020-06-01T00:00:00Z", "releases": chunk}
        if number + 1 < len(chunks):
            package["links"] = {"next": api.url(number + 1)}
        # reading gives amounts as Decimal; float() writes them back as the samples wrote them.
        packages.append(json.dumps(package, default=float).encode())
    return packages


class Handler(BaseHTTPRequestHandler):
    api: Api

    def log_message(self, *args):  # the server's log would only clutter the test output
        pass

    def do_GET(self):
        self.api.asked.append({"path": self.path, "headers": dict(self.headers)})
        trouble = self.api.trouble.pop(0) if self.api.trouble else None
        if trouble is not None:
            return self.misbehave(*trouble)
        where = urlsplit(self.path)
        if where.path != PATH:
            return self.answer(404, b"Not here", {"Content-Type": "text/plain"})
        number = int(parse_qs(where.query).get("cursor", ["0"])[0])
        body = self.api.packages[number]
        headers = {"Content-Type": "application/json"}
        if self.api.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        return self.answer(200, body, headers)

    def answer(self, status: int, body: bytes, headers: dict, *, length: int | None = None):
        self.send_response_only(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def misbehave(self, kind, *details):
        if kind == "status":  # ("status", 429, {"Retry-After": "7"})
            status, headers = details
            return self.answer(status, b"", headers)
        if kind == "body":  # ("body", b"...", {headers}): a 200 with this body
            body, headers = details
            return self.answer(200, body, headers)
        if kind == "unsized":  # ("unsized", b"..."): a body without a length, to the end of the connection
            self.send_response_only(200)
            self.end_headers()
            self.wfile.write(details[0])
            self.close_connection = True
            return None
        if kind == "hang up":  # the connection closes before any answer
            self.close_connection = True
            return None
        if kind == "drop":  # the answer starts, and the connection closes half-way through
            body = self.api.packages[0]
            self.answer(200, body[: len(body) // 2], {"Content-Type": "application/json"}, length=len(body))
            self.close_connection = True
            return None
        if kind == "slow":  # answers later than the client waits
            time.sleep(details[0])
            return self.answer(200, self.api.packages[0], {})
        raise AssertionError(kind)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up is expected here
        pass


@pytest.fixture(scope="module")
def releases() -> list[dict]:
    return [item.data for item in reading.read(RECENT)]


@pytest.fixture
def api(releases, monkeypatch):
    for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)  # the local server is asked directly
    state = Api()
    handler = type("ApiHandler", (Handler,), {"api": state})
    server = Server(("127.0.0.1", 0), handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    state.packages = packaged(state, releases)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Timer:
    """A clock that only sleeping moves, and the sleeps asked for."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def timer():
    return Timer()


def harvest(url, timer, **options):
    options.setdefault("source", QUICK)
    return pages(url, sleep=timer.sleep, clock=timer.clock, **options)


def ids(page_list) -> list[str]:
    return [release["id"] for page in page_list for release in page.releases]


# Paging -----------------------------------------------------------------------------------


@served
def test_every_release_arrives_once_in_order_following_links_next_to_the_end(api, releases, timer):
    got = list(harvest(api.url(0), timer))
    assert [len(page.releases) for page in got] == [30, 30, 30, 10]
    assert [release for page in got for release in page.releases] == releases  # amounts exact
    assert [page.url for page in got] == [api.url(n) for n in range(4)]
    assert [page.next_url for page in got] == [api.url(n) for n in (1, 2, 3)] + [None]
    assert timer.slept == []


@served
def test_asks_as_itself_for_json_and_accepts_gzip(api, timer):
    list(harvest(api.url(0), timer))
    headers = api.asked[0]["headers"]
    assert headers["User-Agent"] == "CityTools (+open-source; OCDS harvester)"
    assert headers["Accept"] == "application/json" and headers["Accept-Encoding"] == "gzip"


@served
def test_a_gzip_answer_reads_as_the_plain_one(api, releases, timer):
    api.gzip = True
    assert ids(harvest(api.url(0), timer)) == [release["id"] for release in releases]


@served
def test_a_harvest_resumes_from_a_stored_next_url(api, releases, timer):
    stored = list(harvest(api.url(0), timer))[1].next_url  # the harvest stopped after page 2
    api.asked.clear()
    resumed = list(harvest(stored, timer))
    assert ids(resumed) == [release["id"] for release in releases[60:]]
    assert [asked["path"] for asked in api.asked] == [f"{PATH}?cursor={n}&limit={PAGE_SIZE}" for n in (2, 3)]


@served
def test_requests_keep_the_source_s_pace_counted_from_the_last_request(api, timer):
    # Find a Tender, as configured: the source is known by the URL's host.
    with override_settings(CITYTOOLS_OCDS_HARVEST_URLS={"find-a-tender": api.base, "contracts-finder": "https://cf.invalid"}):
        url = first_url("find-a-tender", datetime.date(2017, 1, 1))
        asked_at = []
        for _page in pages(url, sleep=timer.sleep, clock=timer.clock):
            asked_at.append(timer.now)
            timer.now += 3  # the caller takes 3 seconds to store each page
    assert SOURCES["find-a-tender"].min_interval == 10
    assert timer.slept == [7, 7, 7]
    assert [later - earlier for earlier, later in zip(asked_at, asked_at[1:])] == [10, 10, 10]


# Asking again -----------------------------------------------------------------------------


@served
def test_a_429_waits_as_long_as_retry_after_says_then_goes_on(api, releases, timer):
    api.trouble = [("status", 429, {"Retry-After": "7"})]
    got = list(harvest(api.url(0), timer))
    assert timer.slept == [7]
    assert ids(got) == [release["id"] for release in releases]


@served
def test_a_retry_after_given_as_a_date_is_read_against_the_server_s_clock(api, timer):
    asked = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)
    api.trouble = [("status", 429, {"Date": email.utils.format_datetime(asked, usegmt=True),
                                    "Retry-After": email.utils.format_datetime(asked + datetime.timedelta(seconds=45), usegmt=True)})]
    list(harvest(api.url(0), timer))
    assert timer.slept == [45]


@served
@pytest.mark.parametrize("trouble", [("status", 429, {}), ("status", 503, {}), ("status", 500, {})])
def test_without_retry_after_the_waits_double(api, timer, trouble):
    api.trouble = [trouble] * 3
    list(harvest(api.url(0), timer))
    assert timer.slept == [2, 4, 8]
    assert len(api.asked) == 3 + 4


@served
@pytest.mark.parametrize("trouble", [("hang up",), ("drop",), ("slow", 0.3)], ids=["hang up", "drop mid-body", "timeout"])
def test_a_dropped_connection_is_asked_again(api, releases, timer, trouble):
    api.trouble = [trouble]
    got = list(harvest(api.url(0), timer, timeout=0.1))
    assert timer.slept == [2]
    assert ids(got) == [release["id"] for release in releases]


@served
def test_too_many_failures_give_up_naming_the_page(api, timer):
    api.trouble = [("drop",)] * 3
    harvest_ = harvest(api.url(0), timer, retries=2)
    with pytest.raises(HarvestFailed) as failed:
        next(harvest_)
    assert failed.value.url == api.url(0)
    assert api.url(0) in failed.value.message and "gave up after 3 tries" in failed.value.message
    assert "dropped" in failed.value.message
    assert len(api.asked) == 3 and timer.slept == [2, 4]


@served
def test_a_page_after_the_first_that_fails_names_its_own_url(api, timer):
    harvest_ = harvest(api.url(0), timer, retries=0)
    next(harvest_)
    api.trouble = [("status", 502, {})]
    with pytest.raises(HarvestFailed) as failed:
        next(harvest_)
    assert failed.value.url == api.url(1) and "502" in failed.value.message


@served
def test_a_wait_longer_than_allowed_gives_up_at_once(api, timer):
    api.trouble = [("status", 429, {"Retry-After": "3600"})]
    with pytest.raises(HarvestFailed, match="wait 3,600 seconds"):
        list(harvest(api.url(0), timer, max_wait=900))
    assert timer.slept == [] and len(api.asked) == 1


@served
def test_a_403_is_contracts_finder_s_way_of_saying_slow_down_but_a_refusal_elsewhere(api, timer):
    api.trouble = [("status", 403, {})]
    list(harvest(api.url(0), timer, source=replace(SOURCES["contracts-finder"], min_interval=0)))
    assert timer.slept == [300]  # the five minutes its documentation asks for

    api.trouble = [("status", 403, {})]
    with pytest.raises(HarvestFailed, match="403"):
        list(harvest(api.url(0), timer))
    assert timer.slept == [300]


# Refusing ---------------------------------------------------------------------------------


@served
def test_a_404_fails_at_once(api, timer):
    with pytest.raises(HarvestFailed, match="answered 404") as failed:
        list(harvest(f"{api.base}/api/1.0/nowhere", timer))
    assert failed.value.url == f"{api.base}/api/1.0/nowhere"
    assert len(api.asked) == 1 and timer.slept == []


@served
@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<html><body>Service unavailable</body></html>", "not JSON"),
        (b'{"releases": [', "not JSON"),
        (b'{"records": []}', "not an OCDS release package"),
        (b"[1, 2]", "not an OCDS release package"),
        (b'{"releases": ["x"]}', "not all JSON objects"),
        (b'{"releases": [], "links": {"next": "file:///etc/passwd"}}', "leaves the API"),
        (b'{"releases": [], "links": {"next": "http://169.254.169.254/latest"}}', "leaves the API"),
    ],
)
def test_an_answer_that_is_not_a_release_package_fails_naming_the_url(api, timer, body, why):
    api.trouble = [("body", body, {"Content-Type": "application/json"})]
    with pytest.raises(HarvestFailed, match=why) as failed:
        list(harvest(api.url(0), timer))
    assert failed.value.message.startswith(api.url(0) + ": ")
    assert len(api.asked) == 1


@served
def test_a_next_link_back_to_a_page_already_read_is_refused(api, timer):
    api.trouble = [("body", json.dumps({"releases": [], "links": {"next": api.url(0)}}).encode(), {})]
    with pytest.raises(HarvestFailed, match="leads back"):
        list(harvest(api.url(0), timer))


@served
def test_latin_1_from_the_api_reads_as_text(api, timer):
    body = '{"releases": [{"ocid": "ocds-b5fd17-1", "id": "1", "tender": {"title": "Caf\u00e9 fit-out \u00a3"}}]}'.encode("latin-1")
    api.trouble = [("body", body, {"Content-Type": "application/json; charset=iso-8859-1"})]
    [page] = harvest(api.url(0), timer)
    assert page.releases[0]["tender"]["title"] == "Café fit-out £"


@served
def test_a_page_over_the_cap_is_refused(api, timer):
    size = len(api.packages[0])
    with pytest.raises(HarvestFailed, match=f"weighs {size:,} bytes, more than the 10,000"):
        list(harvest(api.url(0), timer, max_bytes=10_000))


@served
def test_a_page_without_a_length_over_the_cap_is_refused_while_reading(api, timer):
    api.trouble = [("unsized", b" " * 200_000 + b'{"releases": []}')]
    with override_settings(CITYTOOLS_OCDS_HARVEST_MAX_BYTES=100_000), pytest.raises(HarvestFailed, match="weighs more than the 100,000 bytes"):
        list(harvest(api.url(0), timer))


@served
def test_a_gzip_page_that_unpacks_over_the_cap_is_refused(api, timer):
    bomb = gzip.compress(b'{"releases": [' + b" " * 5_000_000 + b"]}")
    assert len(bomb) < 10_000
    api.trouble = [("body", bomb, {"Content-Encoding": "gzip"})]
    with pytest.raises(HarvestFailed, match="unpacks to more than the 1,000,000 bytes"):
        list(harvest(api.url(0), timer, max_bytes=1_000_000))


def test_only_web_addresses_are_harvested(timer):
    with pytest.raises(HarvestFailed, match="only http and https"):
        next(harvest("file:///etc/passwd", timer))


def test_an_address_of_no_known_source_is_refused_without_a_source(timer):
    with pytest.raises(HarvestFailed, match="not the API of a known source"):
        next(pages("https://example.invalid/releases", sleep=timer.sleep, clock=timer.clock))


# The first page ---------------------------------------------------------------------------


def test_find_a_tender_s_first_page_asks_by_update_time():
    assert first_url("find-a-tender", datetime.date(2024, 3, 1)) == (
        "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages?updatedFrom=2024-03-01T00:00:00&limit=100"
    )
    summer = datetime.timezone(datetime.timedelta(hours=1))
    assert first_url("find-a-tender", datetime.datetime(2024, 6, 1, 9, 30, 15, 500, tzinfo=summer), until=datetime.date(2024, 6, 30)) == (
        "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
        "?updatedFrom=2024-06-01T08:30:15&updatedTo=2024-06-30T23:59:59&limit=100"
    )


def test_contracts_finder_s_first_page_asks_by_publication_time():
    assert first_url("contracts-finder", datetime.datetime(2024, 3, 1, 6, 0), until=datetime.datetime(2024, 3, 2, 6, 0)) == (
        "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
        "?publishedFrom=2024-03-01T06:00:00&publishedTo=2024-03-02T06:00:00&limit=100"
    )


def test_the_api_roots_come_from_the_settings():
    roots = {"find-a-tender": "http://mirror.example/fts/", "contracts-finder": "http://mirror.example/cf"}
    with override_settings(CITYTOOLS_OCDS_HARVEST_URLS=roots):
        assert first_url("find-a-tender", datetime.date(2024, 3, 1)).startswith("http://mirror.example/fts/api/1.0/ocdsReleasePackages?")
        assert SOURCES["contracts-finder"].base_url == "http://mirror.example/cf"
    with override_settings(CITYTOOLS_OCDS_HARVEST_URLS={"find-a-tender": "http://mirror.example"}), pytest.raises(DomainError, match="CITYTOOLS_OCDS_HARVEST_URLS"):
        first_url("contracts-finder", datetime.date(2024, 3, 1))


def test_a_first_page_of_an_unknown_source_or_a_backwards_period_is_refused():
    with pytest.raises(DomainError, match="not a source"):
        first_url("ted", datetime.date(2024, 3, 1))
    with pytest.raises(DomainError, match="end"):
        first_url("find-a-tender", datetime.date(2024, 3, 2), until=datetime.date(2024, 3, 1))


def test_both_sources_ask_for_pages_no_larger_than_the_apis_allow():
    assert {source.page_size for source in SOURCES.values()} == {100}
    assert set(SOURCES) == {"contracts-finder", "find-a-tender"}
