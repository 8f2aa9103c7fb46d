"""Harvesting public notices: paging through the public OCDS APIs of Contracts Finder and
Find a Tender, one release package at a time.

This module only asks and reads; it writes nothing. Its caller stores where a harvest got to
(a page's `next_url`) and feeds each page's releases into the import, so a harvest that stops
(a failure, a deploy) resumes from the page after the last one stored: `pages(next_url)`.

    for page in pages(first_url("find-a-tender", since=day)):
        store(page.releases, resume_from=page.next_url)

Both APIs answer a search with an OCDS release package whose `links.next` is the next page
(a cursor), and leave it out on the last page; nothing else about paging is assumed. A page's
releases are as `citytools.notices.reading` gives a file's: amounts with a fraction as
Decimal, text read as UTF-8 or, where it is not, Windows-1252.

Both limit how often they may be asked, and punish those who ask too often:

- Find a Tender is reported to answer 429 (Too Many Requests) beyond about 12 requests in 2
  minutes, so requests to it are paced at least 10 seconds apart;
- Contracts Finder documents no rate, but answers 403 when it thinks it was asked too often
  and asks for five minutes without a request
  (https://www.contractsfinder.service.gov.uk/apidocumentation/Notices/1/GET-Published-OCDS-Release),
  so a 403 from it is taken as "slow down", not as a refusal.

A "slow down" answer waits as long as its `Retry-After` says (seconds, or an HTTP date read
against the answer's own `Date`), or else as the source says. A dropped connection, a timeout
or a 5xx answer is asked again after a wait that doubles each time. Either counts towards
`retries`; after that, or at once for any other 4xx, for an answer that is not JSON or not a
release package, for a wait longer than `max_wait`, or for a page larger than
CITYTOOLS_OCDS_HARVEST_MAX_BYTES (unpacked), `HarvestFailed` names the URL and why.

Only http and https are asked, redirects included, so that no answer can make the harvester
read a local file; and a page's `links.next` must stay on the page's own host, so that a
page cannot lead it to another machine (an HTTP redirect still may: an API that moves will
say so by redirecting).

Each source's API root comes from the setting CITYTOOLS_OCDS_HARVEST_URLS (by slug), so that
a mirror, or the tests' local server, can stand in for it. Nothing is fetched at import time.
"""

import codecs
import datetime
import email.utils
import http.client
import json
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
)

from django.conf import settings

from citytools.core.errors import DomainError

logger = logging.getLogger(__name__)

USER_AGENT = "CityTools (+open-source; OCDS harvester)"
# Both APIs take their dates as YYYY-MM-DDTHH:MM:SS, without a time zone; we send UTC.
API_TIME = "%Y-%m-%dT%H:%M:%S"
CHUNK = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
TOO_MANY_REQUESTS = 429


class HarvestFailed(DomainError):
    """A page could not be had; `url` is the page's, to try again from later."""

    status = 502

    def __init__(self, url: str, why: str):
        super().__init__(f"{url}: {why}", code="harvest_failed")
        self.url = url


@dataclass(frozen=True)
class Source:
    """One public OCDS API: where it searches, and how gently it must be asked."""

    slug: str
    name: str
    path: str  # the search, below the API root
    since_parameter: str
    until_parameter: str
    page_size: int = 100  # both APIs give at most 100 releases a page
    min_interval: float = 0.0  # seconds between the starts of two requests
    first_backoff: float = 2.0  # the first wait after a failure, doubled at each further one
    slow_down_statuses: frozenset[int] = field(default_factory=lambda: frozenset({TOO_MANY_REQUESTS}))
    slow_down_wait: float | None = None  # when a "slow down" gives no Retry-After; None: back off

    @property
    def base_url(self) -> str:
        """The API root: CITYTOOLS_OCDS_HARVEST_URLS[slug]."""
        roots = getattr(settings, "CITYTOOLS_OCDS_HARVEST_URLS", {})
        if not roots.get(self.slug):
            raise DomainError(f"No API root is set for {self.name}: add {self.slug!r} to CITYTOOLS_OCDS_HARVEST_URLS.", code="not_configured")
        return roots[self.slug].rstrip("/")


SOURCES: dict[str, Source] = {
    source.slug: source
    for source in (
        # https://www.contractsfinder.service.gov.uk/apidocumentation/Notices/1/GET-Published-Notice-OCDS-Search
        Source(
            slug="contracts-finder",
            name="Contracts Finder",
            path="/Published/Notices/OCDS/Search",
            since_parameter="publishedFrom",
            until_parameter="publishedTo",
            min_interval=2.0,
            slow_down_statuses=frozenset({TOO_MANY_REQUESTS, 403}),
            slow_down_wait=300.0,
        ),
        # https://www.find-tender.service.gov.uk/apidocumentation/1.0/GET-ocdsReleasePackages
        Source(
            slug="find-a-tender",
            name="Find a Tender",
            path="/api/1.0/ocdsReleasePackages",
            since_parameter="updatedFrom",
            until_parameter="updatedTo",
            min_interval=10.0,
            first_backoff=10.0,
        ),
    )
}


@dataclass(frozen=True)
class Page:
    url: str  # the URL that was fetched
    releases: list[dict]  # the release package's releases, as they came
    next_url: str | None  # its links.next: where to resume after this page; None at the end


def source_named(source: str | Source) -> Source:
    if isinstance(source, Source):
        return source
    if source not in SOURCES:
        raise DomainError(f"{source!r} is not a source of public notices (known: {', '.join(SOURCES)}).", code="unknown_source")
    return SOURCES[source]


# The URL of the first page -------------------------------------------------------------


def _api_time(moment: datetime.date | datetime.datetime, *, end_of_day: bool) -> str:
    """A date or time as both APIs read it: in UTC, to the second. A day alone means its
    first second, or with `end_of_day` its last."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.max if end_of_day else datetime.time.min)
    elif moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment.strftime(API_TIME)


def first_url(source: str | Source, since: datetime.date | datetime.datetime, *, until: datetime.date | datetime.datetime | None = None) -> str:
    """The first page of the releases a source published or updated since `since` (and up
    to `until`, when given: a day alone counts whole). A time without a zone is taken as UTC."""
    source = source_named(source)
    parameters = {source.since_parameter: _api_time(since, end_of_day=False)}
    if until is not None:
        parameters[source.until_parameter] = _api_time(until, end_of_day=True)
        if parameters[source.until_parameter] < parameters[source.since_parameter]:
            raise DomainError(f"The harvest would end ({until}) before it starts ({since}).", code="invalid_period")
    parameters["limit"] = str(source.page_size)
    # Colons are left as they are: legal in a query, and what both APIs' examples write.
    return f"{source.base_url}{source.path}?{urlencode(parameters, safe=':')}"


# Asking ---------------------------------------------------------------------------------


def build_opener() -> OpenerDirector:
    """An opener for http and https only (no file:, ftp: or data:, even by redirect), through
    the proxy the environment names, if any, and saying who asks."""
    opener = OpenerDirector()
    for handler in (ProxyHandler(), HTTPHandler(), HTTPSHandler(), HTTPRedirectHandler(), HTTPDefaultErrorHandler(), HTTPErrorProcessor()):
        opener.add_handler(handler)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener


class _Again(Exception):
    """A failure worth asking again for: why, and how long the answer asked to wait."""

    def __init__(self, why: str, wait: float | None = None):
        super().__init__(why)
        self.why = why
        self.wait = wait


def retry_after(headers) -> float | None:
    """The seconds a `Retry-After` header asks for: a number, or an HTTP date read against
    the answer's own `Date` (the server's clock, not ours), else now. None when absent or
    unreadable."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        until = _http_date(value)
        now = _http_date(headers["Date"]) if headers.get("Date") else datetime.datetime.now(datetime.UTC)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (until - now).total_seconds())


def _http_date(value: str) -> datetime.datetime:
    moment = email.utils.parsedate_to_datetime(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _refusal(url: str, error: HTTPError, source: Source) -> Exception:
    """What an HTTP error answer means: wait and ask again, or give up now."""
    why = f"the server answered {error.code} {error.reason}".rstrip()
    if error.code in source.slow_down_statuses:
        wait = retry_after(error.headers)
        return _Again(why + " (asked too often)", source.slow_down_wait if wait is None else wait)
    if error.code >= 500 or error.code == 408:
        return _Again(why, retry_after(error.headers))
    return HarvestFailed(url, why + ".")


def _read(url: str, response, max_bytes: int) -> bytes:
    """The body as sent, refusing more than `max_bytes`, and noticing when the connection
    dropped before the end (urllib does not when reading by parts)."""
    declared = response.headers.get("Content-Length")
    declared = int(declared) if declared and declared.strip().isdigit() else None
    if declared is not None and declared > max_bytes:
        raise HarvestFailed(url, f"the page weighs {declared:,} bytes, more than the {max_bytes:,} allowed (CITYTOOLS_OCDS_HARVEST_MAX_BYTES).")
    parts, size = [], 0
    while chunk := response.read(CHUNK):
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise HarvestFailed(url, f"the page weighs more than the {max_bytes:,} bytes allowed (CITYTOOLS_OCDS_HARVEST_MAX_BYTES).")
    if declared is not None and size < declared:
        raise _Again(f"the connection dropped after {size:,} of {declared:,} bytes")
    return b"".join(parts)


def _gunzipped(url: str, body: bytes, max_bytes: int) -> bytes:
    """A gzip body unpacked (every member), refusing to unpack more than `max_bytes`."""
    parts, size = [], 0
    try:
        while body:
            unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            part = unpacker.decompress(body, max_bytes + 1 - size)
            size += len(part)
            if size > max_bytes or unpacker.unconsumed_tail:
                raise HarvestFailed(url, f"the page unpacks to more than the {max_bytes:,} bytes allowed (CITYTOOLS_OCDS_HARVEST_MAX_BYTES).")
            if not unpacker.eof:
                raise HarvestFailed(url, "the page's gzip data is cut short.")
            parts.append(part)
            body = unpacker.unused_data
    except zlib.error as error:
        raise HarvestFailed(url, f"the page is not valid gzip ({error}).") from None
    return b"".join(parts)


def _described(error: Exception) -> str:
    detail = getattr(error, "reason", None) or str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


@dataclass
class _Pacer:
    """Keeps the starts of two requests at least `interval` seconds apart."""

    interval: float
    sleep: Callable[[float], object]
    clock: Callable[[], float]
    last: float | None = None

    def wait_turn(self) -> None:
        if self.last is not None:
            wait = self.interval - (self.clock() - self.last)
            if wait > 0:
                self.sleep(wait)
        self.last = self.clock()


@dataclass
class _Asker:
    """Asks one source for pages: paced, and asking again when that is worth it."""

    source: Source
    opener: OpenerDirector
    pacer: _Pacer
    retries: int
    timeout: float
    max_wait: float
    max_bytes: int

    def body(self, url: str) -> bytes:
        """A page's body, asking up to `retries` times more when that is worth it."""
        attempt = 0
        while True:
            attempt += 1
            self.pacer.wait_turn()
            try:
                return self.once(url)
            except _Again as failure:
                self.wait_after(url, failure, attempt)

    def wait_after(self, url: str, failure: _Again, attempt: int) -> None:
        if attempt > self.retries:
            raise HarvestFailed(url, f"gave up after {attempt} tries: {failure.why}.")
        if failure.wait is None:
            wait = min(self.source.first_backoff * 2 ** (attempt - 1), self.max_wait)
        elif failure.wait > self.max_wait:
            raise HarvestFailed(url, f"{failure.why}, and asks to wait {failure.wait:,.0f} seconds; try again later.")
        else:
            wait = failure.wait
        logger.warning("%s: %s; asking again in %s seconds (try %s of %s).", url, failure.why, wait, attempt + 1, self.retries + 1)
        self.pacer.sleep(wait)

    def once(self, url: str) -> bytes:
        request = Request(url, headers={"Accept": "application/json", "Accept-Encoding": "gzip"})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = _read(url, response, self.max_bytes)
                packed = response.headers.get("Content-Encoding", "").strip().lower() == "gzip"
        except HTTPError as error:
            error.close()
            raise _refusal(url, error, self.source) from None
        except (OSError, http.client.HTTPException) as error:
            # A dropped or refused connection, a timeout, a name that does not resolve, a
            # chunked body cut short: the network's trouble, worth another try.
            raise _Again(f"the connection failed ({_described(error)})") from None
        if packed or body.startswith(GZIP_MAGIC):
            body = _gunzipped(url, body, self.max_bytes)
        return body


# Reading a page -------------------------------------------------------------------------


def _text(body: bytes) -> str:
    """UTF-8 while it is UTF-8, and from the first byte that is not on, Windows-1252 (as
    citytools.notices.reading reads files: Contracts Finder has been known to send Latin-1)."""
    body = body.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        return body[: error.start].decode("utf-8") + body[error.start :].decode("cp1252", errors="replace")


def _next_url(url: str, package: dict) -> str | None:
    links = package.get("links")
    link = links.get("next") if isinstance(links, dict) else None
    if link in (None, ""):
        return None
    if not isinstance(link, str):
        raise HarvestFailed(url, f"its links.next is not a URL: {link!r}.")
    following = urljoin(url, link.strip())
    here, there = urlsplit(url), urlsplit(following)
    if there.scheme not in ("http", "https") or (there.scheme, there.netloc) != (here.scheme, here.netloc):
        raise HarvestFailed(url, f"its links.next ({following}) leaves the API; only pages of the same site are followed.")
    return following


def read_page(url: str, body: bytes) -> Page:
    """The page an answer's body holds, or HarvestFailed saying why it is not one."""
    try:
        # Amounts as Decimal, as citytools.notices.reading gives them: 7791954.29 stays exact.
        package = json.loads(_text(body), parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise HarvestFailed(url, f"the answer is not JSON ({error.msg} at line {error.lineno}, column {error.colno}).") from None
    except RecursionError:
        raise HarvestFailed(url, "the answer is JSON nested too deeply to read.") from None
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        what = "a record package" if isinstance(package, dict) and "records" in package else "something else"
        raise HarvestFailed(url, f"the answer is not an OCDS release package (no list of releases): it is {what}.")
    releases = package["releases"]
    if not all(isinstance(release, dict) for release in releases):
        raise HarvestFailed(url, "the answer's releases are not all JSON objects.")
    return Page(url=url, releases=releases, next_url=_next_url(url, package))


def _checked(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise HarvestFailed(url, "only http and https addresses are harvested.")
    return url


def source_of(url: str) -> Source:
    """The source whose API `url` is on (by its configured root's host)."""
    host = urlsplit(url).netloc.lower()
    for source in SOURCES.values():
        if urlsplit(source.base_url).netloc.lower() == host:
            return source
    raise HarvestFailed(url, "this is not the API of a known source of public notices (see CITYTOOLS_OCDS_HARVEST_URLS).")


def pages(
    url: str,
    *,
    source: str | Source | None = None,
    opener=None,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    retries: int = 5,
    timeout: float = 60,
    max_wait: float = 900,
    max_bytes: int | None = None,
) -> Iterator[Page]:
    """The pages from `url` on, following links.next to the end.

    `source` (a slug or a Source) sets the pace and the meaning of "slow down"; by default it
    is the source whose API root (CITYTOOLS_OCDS_HARVEST_URLS) is on `url`'s host. Requests
    are paced within one call; `opener` (urllib's OpenerDirector or alike), `sleep` and
    `clock` may be replaced, as the tests do.
    """
    url = _checked(url)
    source = source_of(url) if source is None else source_named(source)
    asker = _Asker(
        source=source,
        opener=opener or build_opener(),
        pacer=_Pacer(source.min_interval, sleep, clock),
        retries=retries,
        timeout=timeout,
        max_wait=max_wait,
        max_bytes=max_bytes or settings.CITYTOOLS_OCDS_HARVEST_MAX_BYTES,
    )
    seen = set()
    next_url: str | None = url
    while next_url:
        seen.add(next_url)
        page = read_page(next_url, asker.body(next_url))
        if page.next_url in seen:
            raise HarvestFailed(page.url, f"its links.next ({page.next_url}) leads back to a page already read.")
        yield page
        next_url = page.next_url
