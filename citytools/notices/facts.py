"""The facts a compiled release gives the map: who bought, from whom, what (CPV codes), for
how much, from when until when, by which route, and where the notice is.

Text is read as a person would (`citytools.core.text.readable`: HTML escapes undone, text
decoded in the wrong encoding repaired, spaces collapsed). No person's
contact details are kept: notices carry officers' names, e-mail addresses and telephone
numbers, in their contact points (never read) and in their free text (taken out).

A contract's dates are read as the notice writes them: an `endDate` of
`2028-01-20T23:59:59Z` ends on 20 January 2028, whatever the time zone or the season. An
amount that is not a believable amount of money, or a date that is not a date in the
accepted range, raises `Unbelievable`, naming the ocid and the field.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from citytools.core import dates
from citytools.core.errors import DomainError
from citytools.core.money import DEFAULT_LIMIT
from citytools.core.text import readable
from citytools.directory.matching import company_number

# Where Contracts Finder shows a notice: its ocids (prefix ocds-b5fd17, sometimes followed by
# "raw") end in the notice's id. Find a Tender's ocids do not name a notice, so its releases
# link to nothing here yet.
NOTICE_PAGES = {"ocds-b5fd17": "https://www.contractsfinder.service.gov.uk/Notice/{id}"}
COMPANIES_HOUSE = "GB-COH"
# OCDS procurement methods, and the words of a method's details, to the map's routes.
ROUTES = {"open": "open", "selective": "restricted", "limited": "direct_award", "direct": "direct_award"}
ROUTE_WORDS = (
    ("framework", "framework"),
    ("call-off", "framework"),
    ("call off", "framework"),
    ("restricted", "restricted"),
    ("competitive", "competitive"),
    ("dialogue", "competitive"),
    ("negotiated", "competitive"),
    ("direct award", "direct_award"),
    ("open", "open"),
)
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])")
# Contact details written into a notice's free text: an e-mail address, a UK telephone number.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TELEPHONE = re.compile(r"(?<![\w])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w])")


class Unbelievable(DomainError):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, code="unbelievable", field=field)


def without_contacts(text: str) -> str:
    """Free text with the e-mail addresses and telephone numbers written into it taken out."""
    return _TELEPHONE.sub("(telephone number left out)", _EMAIL.sub("(e-mail address left out)", text))


CONTACT_KEYS = frozenset({"contactPoint", "additionalContactPoints", "contactPoints"})


def release_without_contacts(value):
    """A release as it may be kept: without the names, e-mail addresses and telephone numbers
    of the officers it lists as contact points (a notice names a person; the map keeps none)."""
    if isinstance(value, dict):
        return {key: release_without_contacts(item) for key, item in value.items() if key not in CONTACT_KEYS}
    if isinstance(value, list):
        return [release_without_contacts(item) for item in value]
    return value


# Where OCDS 1.0 and 1.1 put organisations, each of which may carry contact points.
ORGANISATIONS = (("parties",), ("buyer",), ("tender", "procuringEntity"), ("tender", "tenderers"), ("awards", "suppliers"))


def _organisations_without_contacts(value, path: tuple[str, ...]):
    if isinstance(value, list):
        return [_organisations_without_contacts(item, path) for item in value]
    if not isinstance(value, dict):
        return value
    if not path:
        return {key: item for key, item in value.items() if key not in CONTACT_KEYS}
    if path[0] not in value:
        return value
    return {**value, path[0]: _organisations_without_contacts(value[path[0]], path[1:])}


def without_contact_points(release: dict) -> dict:
    """The same as release_without_contacts, quicker: the contact points are taken from the
    organisations where the standard puts them, without walking every value. The caller
    checks that none is left (an extension may put one elsewhere) and walks it all if so."""
    for path in ORGANISATIONS:
        release = _organisations_without_contacts(release, path)
    return release


@dataclass(frozen=True)
class Party:
    name: str
    identifiers: tuple[str, ...] = ()  # "SCHEME-ID", as org-id.guide writes them

    @property
    def company_number(self) -> str:
        for identifier in self.identifiers:
            if identifier.startswith(COMPANIES_HOUSE + "-"):
                return company_number(identifier[len(COMPANIES_HOUSE) + 1 :])
        return ""


@dataclass(frozen=True)
class NoticeFacts:
    ocid: str
    released: datetime.date | None
    title: str
    description: str
    buyer: Party | None
    suppliers: tuple[Party, ...]
    cpv_codes: tuple[str, ...]
    value: Decimal | None
    currency: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    extension_end_date: datetime.date | None
    route: str
    notice_url: str


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _identifiers(party: dict) -> tuple[str, ...]:
    found = []
    for identifier in [_dict(party.get("identifier")), *_list(party.get("additionalIdentifiers"))]:
        scheme, value = readable(identifier.get("scheme")), identifier.get("id")
        value = readable(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if scheme and value:
            found.append(f"{scheme.upper()}-{value}")
    return tuple(dict.fromkeys(found))


def _party(reference: dict, parties: dict[str, dict]) -> Party | None:
    """A party named in the release (a buyer, a supplier), with what its entry in `parties` adds."""
    listed = parties.get(str(reference.get("id")), {}) if reference.get("id") is not None else {}
    party = {**listed, **reference}
    name = readable(party.get("name")) or readable(_dict(party.get("identifier")).get("legalName"))
    identifiers = tuple(dict.fromkeys(_identifiers(listed) + _identifiers(reference)))
    return Party(name, identifiers) if name else None


def _day(ocid: str, field: str, value) -> datetime.date | None:
    if value in (None, ""):
        return None
    match = _ISO_DAY.match(value.strip()) if isinstance(value, str) else None
    try:
        day = datetime.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        day = None
    if day is None:
        raise Unbelievable(f"{ocid}: {field} is {value!r}, not a date written as OCDS writes one (2028-01-20 or 2028-01-20T23:59:59Z).", field=field)
    if not dates.in_range(day):
        raise Unbelievable(f"{ocid}: {field} is {value!r}; a date must be {dates.RANGE_TEXT}.", field=field)
    return day


def _amount(ocid: str, field: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= DEFAULT_LIMIT:
        raise Unbelievable(f"{ocid}: {field} is {value!r}, not a believable amount of money.", field=field)
    return amount.quantize(Decimal("0.01"))


def _cpv_codes(release: dict) -> tuple[str, ...]:
    tender = _dict(release.get("tender"))
    items = _list(tender.get("items"))
    for stage in ("awards", "contracts"):
        for entry in _list(release.get(stage)):
            items += _list(entry.get("items"))
    classifications = [_dict(tender.get("classification"))]
    for each in items:
        classifications += [_dict(each.get("classification")), *_list(each.get("additionalClassifications"))]
    codes = []
    for classification in classifications:
        scheme, code = str(classification.get("scheme") or "").upper(), str(classification.get("id") or "").strip()
        digits = code.split("-")[0]
        if scheme == "CPV" and digits.isdigit() and len(digits) == 8:
            codes.append(digits)
    return tuple(dict.fromkeys(codes))


def _route(tender: dict) -> str:
    method = str(tender.get("procurementMethod") or "").lower()
    details = readable(tender.get("procurementMethodDetails")).lower()
    for words, route in ROUTE_WORDS:
        if words in details:
            return route
    return ROUTES.get(method, "unknown")


def _by_stage(contracts: list[dict], awards: list[dict], tender: dict, in_contract: str, in_award: str, in_tender: str):
    """(field path, object) of one fact at each stage: each contract's, each award's, the tender's."""
    return [
        *((f"contracts[{n}].{in_contract}", _dict(contract.get(in_contract))) for n, contract in enumerate(contracts)),
        *((f"awards[{n}].{in_award}", _dict(award.get(in_award))) for n, award in enumerate(awards)),
        (f"tender.{in_tender}", _dict(tender.get(in_tender))),
    ]


def _first(stages, *keys: str) -> tuple[str, dict]:
    """The first stage whose object gives any of `keys`, or ("", {})."""
    return next(((field, found) for field, found in stages if any(found.get(key) not in (None, "") for key in keys)), ("", {}))


def notice_url(ocid: str) -> str:
    for prefix, page in NOTICE_PAGES.items():
        if ocid.startswith(prefix):
            return page.format(id=ocid[len(prefix) :].removeprefix("raw").lstrip("-"))
    return ""


def facts(release: dict) -> NoticeFacts:
    """The facts of one compiled release (see the module's docstring)."""
    ocid = readable(release.get("ocid"))
    parties = {str(party.get("id")): party for party in _list(release.get("parties")) if party.get("id") is not None}
    tender = _dict(release.get("tender"))
    awards, contracts = _list(release.get("awards")), _list(release.get("contracts"))

    suppliers = [_party(supplier, parties) for award in awards for supplier in _list(award.get("suppliers"))]
    if not suppliers:
        suppliers = [_party(party, parties) for party in parties.values() if "supplier" in (party.get("roles") or [])]
    unique: dict[str, Party] = {}
    for party in suppliers:
        if party:
            unique.setdefault(party.name.casefold(), party)

    # The contract's own figures first, then the award's, then what the tender said.
    value_field, value = _first(_by_stage(contracts, awards, tender, "value", "value", "value"), "amount")
    period_field, period = _first(
        _by_stage(contracts, awards, tender, "period", "contractPeriod", "contractPeriod"), "startDate", "endDate"
    )
    title = next(filter(None, (readable(stage.get("title")) for stage in (tender, *contracts, *awards))), "")
    return NoticeFacts(
        ocid=ocid,
        released=_day(ocid, "date", release.get("date")),
        title=title,
        description=without_contacts(readable(tender.get("description"))),
        buyer=_party(_dict(release.get("buyer")), parties) if release.get("buyer") else None,
        suppliers=tuple(unique.values()),
        cpv_codes=_cpv_codes(release),
        value=_amount(ocid, f"{value_field}.amount", value.get("amount")),
        currency=readable(value.get("currency")).upper()[:3],
        start_date=_day(ocid, f"{period_field}.startDate", period.get("startDate")),
        end_date=_day(ocid, f"{period_field}.endDate", period.get("endDate")),
        extension_end_date=_day(ocid, f"{period_field}.maxExtentDate", period.get("maxExtentDate")),
        route=_route(tender),
        notice_url=notice_url(ocid),
    )
