"""The matchers: which organisation (and which supplier) on the map a name or identifier means.

Every import that names organisations (public notices, network-wide surveys, registers) asks
here, so that they all recognise a council the same way:

1. by identifier first: a GSS code (`E09000007`), or a register code with its scheme
   (`GB-LAE-CMD`; also `GB-LAS`, `GB-LAW`, `GB-NIE`);
2. then by name: every name the organisation is known by on the map (official, short and
   alternative names), and every way mySociety's register has seen it written
   (data/uk_local_authority_names.csv), compared after `name_key()` has set aside what does
   not tell councils apart (case, punctuation, "The", "&" or "and", "Council", "London
   Borough of", a department after a dash, an abbreviation in brackets);
3. then by an alias a person linked once (`aliases`, name key → organisation).

It never guesses. A name whose key belongs to no organisation, or to several that existed on
the day in question, is unmatched, and the candidates are given so a person can choose: a
wrong match is worse than none. The keys are compared whole, so "Kent Fire and Rescue
Service", "Camden and Islington NHS Foundation Trust" or "Great Shelford Parish Council" do
not become the councils whose names they contain.
"""

import csv
import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from citytools.core.text import readable
from citytools.directory.models import Organisation, Supplier

NAMES_CSV = Path(__file__).resolve().parent / "data" / "uk_local_authority_names.csv"

# Identifier schemes for UK local authorities (org-id.guide), and the GSS code's shape.
REGISTER_SCHEMES = ("GB-LAE", "GB-LAS", "GB-LAW", "GB-NIE")
GSS_CODE = re.compile(r"^[ENSWK]\d{8}$")
REGISTER_CODE = re.compile(r"^[A-Z]{3,4}$")

# Words a council's name is wrapped in, which never tell two councils apart. Prefixes first,
# then suffixes, removed again and again until none is left (and never down to nothing).
PREFIXES = (
    "the ",
    "mayor and burgesses of ",
    "mayor and commonalty and citizens of ",
    "london borough of ",
    "lb ",
    "royal borough of ",
    "borough of ",
    "city and county of ",
    "city of ",
    "county of ",
    "council of the ",
    "council of ",
)
SUFFIXES = (
    " metropolitan borough council",
    " metropolitan district council",
    " county borough council",
    " london borough council",
    " borough council",
    " district council",
    " city council",
    " county council",
    " council",
    " corporation",
    " unitary authority",
    " ua",
    " city of",
)
# A department or service after a spaced dash or a colon: "Kent County Council – Children's
# Services". A hyphen inside a word ("Stockton-on-Tees") is not one.
DEPARTMENT = re.compile(r"\s+[-–—]\s+.*$|\s*:\s.*$")
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
NOT_A_WORD = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """The part of an organisation's name that tells it apart, in one spelling.

    >>> name_key("London Borough of Hammersmith &amp; Fulham (LBHF)")
    'hammersmith and fulham'
    """
    text = BRACKETS.sub(" ", readable(name).replace("’", "'").replace("‘", "'"))
    text = DEPARTMENT.sub("", " ".join(text.split()))
    text = text.casefold().replace("&", " and ").replace("'", "")
    text = " ".join(NOT_A_WORD.sub(" ", text).replace("_", " ").split())
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def identifier_codes(identifier: str) -> tuple[str, str] | None:
    """("gss", code) or ("register", code) for an identifier of a local authority, else None.

    Accepts a GSS code, bare or as `GB-GSS-E09000007`, and a register code with its scheme
    (`GB-LAE-CMD` as org-id.guide writes it, or `GB-LAE:CMD`). A bare three-letter code could
    be anything, and an identifier of another scheme (a company number) is not one."""
    text = "".join((identifier or "").split()).upper()
    scheme = ""
    for known in (*REGISTER_SCHEMES, "GB-GSS"):
        if text.startswith(known) and text[len(known) : len(known) + 1] in ("-", ":"):
            scheme, text = known, text[len(known) + 1 :]
            break
    if GSS_CODE.match(text) and scheme in ("", "GB-GSS"):
        return ("gss", text)
    if REGISTER_CODE.match(text) and scheme in REGISTER_SCHEMES:
        return ("register", text)
    return None


@dataclass(frozen=True)
class Candidate:
    """An organisation a matcher can name: its key fields, as the map holds them."""

    pk: int
    name: str
    gss_code: str = ""
    register_code: str = ""
    names: tuple[str, ...] = ()
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None

    def existed_on(self, day: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day < self.end_date)


@dataclass(frozen=True)
class Match:
    pk: int | None  # the organisation's (or the supplier's)
    by: str | None  # "identifier", "name", "alias", or None when unmatched
    candidates: tuple[Candidate, ...] = ()

    @property
    def matched(self) -> bool:
        return self.pk is not None


UNMATCHED = Match(None, None)


@functools.cache
def register_names() -> dict[str, tuple[str, ...]]:
    """Register code → every way the register has seen that authority written."""
    names: dict[str, list[str]] = {}
    with NAMES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["register_code"], []).append(row["name"])
    return {code: tuple(values) for code, values in names.items()}


@dataclass
class Matcher:
    """Built once for an import from the organisations on the map, then asked per name."""

    candidates: list[Candidate]
    aliases: dict[str, int] = field(default_factory=dict)  # name key → organisation pk

    def __post_init__(self):
        self.by_pk = {candidate.pk: candidate for candidate in self.candidates}
        self.by_gss = {c.gss_code.upper(): c for c in self.candidates if c.gss_code}
        self.by_register = {c.register_code.upper(): c for c in self.candidates if c.register_code}
        self.by_key: dict[str, list[Candidate]] = {}
        for candidate in self.candidates:
            names = (candidate.name, *candidate.names, *register_names().get(candidate.register_code, ()))
            for key in set(map(name_key, names)) - {""}:
                self.by_key.setdefault(key, []).append(candidate)

    def match(self, name: str = "", identifiers=(), *, on: datetime.date | None = None) -> Match:
        """The organisation `name` (or one of `identifiers`) means on the day `on` (today when
        not given), or UNMATCHED with the candidates a person could choose from."""
        for identifier in identifiers:
            codes = identifier_codes(identifier)
            found = None
            if codes and codes[0] == "gss":
                found = self.by_gss.get(codes[1])
            elif codes:
                found = self.by_register.get(codes[1])
            if found is not None:
                return Match(found.pk, "identifier", (found,))
        key = name_key(name)
        if not key:
            return UNMATCHED
        named = self.by_key.get(key, [])
        if named:
            day = on or datetime.date.today()
            existing = [candidate for candidate in named if candidate.existed_on(day)]
            if len(existing) == 1:
                return Match(existing[0].pk, "name", tuple(existing))
            return Match(None, None, tuple(existing or named))
        if key in self.aliases and self.aliases[key] in self.by_pk:
            return Match(self.aliases[key], "alias", (self.by_pk[self.aliases[key]],))
        return UNMATCHED


# An organisation's fields the matcher reads, as the map stores them.
CANDIDATE_FIELDS = ("pk", "name", "short_name", "identifier", "registry_code", "alternative_names", "start_date", "end_date")


def candidate(fields: dict) -> Candidate:
    """A candidate from an organisation's CANDIDATE_FIELDS."""
    identifier = fields["identifier"] or ""
    return Candidate(
        pk=fields["pk"], name=fields["name"], gss_code=identifier if GSS_CODE.match(identifier) else "",
        register_code=fields["registry_code"] or "", names=(fields["short_name"], *fields["alternative_names"].splitlines()),
        start_date=fields["start_date"], end_date=fields["end_date"],
    )


COUNCIL_WORDS = re.compile(r"\b(?:council|borough|county|district|city of|unitary authority|combined authority)\b")
NOT_A_PRINCIPAL_COUNCIL = re.compile(r"\b(?:parish|town council|community council|neighbourhood|nhs|police|fire and rescue)\b")


def looks_like_a_council(name: str) -> bool:
    """Whether an unrecognised name reads like a local authority's, so that a coordinator
    should be asked which one it is. Parish, town and community councils, the NHS, police
    and fire services are other bodies, and are not asked about."""
    text = readable(name).casefold()
    return bool(COUNCIL_WORDS.search(text)) and not NOT_A_PRINCIPAL_COUNCIL.search(text)


def matcher_for_the_map(aliases: dict[str, int] | None = None) -> Matcher:
    """A matcher over every organisation on the map."""
    return Matcher([candidate(fields) for fields in Organisation.objects.values(*CANDIDATE_FIELDS)], aliases=aliases or {})


# Suppliers ------------------------------------------------------------------------------
# One supplier per company: by Companies House number where both sides have one, else by the
# legal name with its company form and punctuation set aside ("Civica UK Ltd" is "CIVICA UK
# LIMITED"). A name is not a company number: two suppliers whose numbers differ are two
# companies, whatever their names.

COMPANY_FORMS = re.compile(
    r"\b(?:limited|ltd|plc|llp|lp|incorporated|inc|corporation|corp|company|co|gmbh|bv|sa|ag|uk)\b"
)


def company_number(identifier: str) -> str:
    """A Companies House number in one spelling: upper case, no spaces, eight characters
    (numbers of England and Wales padded with zeros, as Companies House writes them)."""
    text = "".join((identifier or "").split()).upper()
    return text.zfill(8) if text.isdigit() else text


def supplier_key(name: str) -> str:
    """A company's name without its form, case or punctuation: "Civica UK Ltd." → "civica"."""
    text = readable(name).casefold().replace("&", " and ").replace("'", "").replace("’", "")
    text = " ".join(NOT_A_WORD.sub(" ", text).replace("_", " ").split())
    text = text.removeprefix("the ")
    stripped = " ".join(COMPANY_FORMS.sub(" ", text).split())
    return stripped or text


@dataclass(frozen=True)
class KnownSupplier:
    pk: int
    name: str
    company_number: str = ""


@dataclass
class SupplierMatcher:
    suppliers: list[KnownSupplier]

    def __post_init__(self):
        self.by_number = {company_number(s.company_number): s for s in self.suppliers if s.company_number}
        self.by_key: dict[str, list[KnownSupplier]] = {}
        for supplier in self.suppliers:
            self.by_key.setdefault(supplier_key(supplier.name), []).append(supplier)

    def match(self, name: str, number: str = "") -> Match:
        """The supplier a company's name and number mean: by number first; by name only when
        the named supplier has no other number; UNMATCHED (a new company) otherwise."""
        number = company_number(number)
        if number and number in self.by_number:
            return Match(self.by_number[number].pk, "identifier")
        named = [s for s in self.by_key.get(supplier_key(name), []) if not (number and s.company_number)]
        if len(named) == 1:
            return Match(named[0].pk, "name")
        return UNMATCHED


def supplier_matcher_for_the_map() -> SupplierMatcher:
    return SupplierMatcher(
        [KnownSupplier(pk, name, number) for pk, name, number in Supplier.objects.values_list("pk", "name", "company_number")]
    )
