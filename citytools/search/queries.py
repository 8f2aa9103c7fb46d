"""Search across organisations, suppliers, products and service areas.

The page and the API both call `search()`. Matching is done in the database with a
case-insensitive regular expression built from the query by `match_pattern()`, because
Django's `iregex` runs on both SQLite (Django registers REGEXP there) and PostgreSQL, and a
regular expression can fold accents and "&"/"and" on the stored side too, which plain
`icontains` cannot. Each type costs exactly one query: the total comes from a window count
computed before the LIMIT, so a group shows "12 of 40" without a second query.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window

from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 20

# Accented letters a reader may leave out of a query ("Ynys Mon" for "Ynys Môn"); both cases
# are listed because PostgreSQL folds case by the database locale, which may be "C".
_ACCENTED = {
    "a": "aàáâãäåā",
    "c": "cçć",
    "e": "eèéêëē",
    "i": "iìíîïī",
    "n": "nñ",
    "o": "oòóôõöøō",
    "u": "uùúûüū",
    "w": "wŵẁẃẅ",
    "y": "yýÿŷỳ",
}
_LETTER_CLASSES = {base: f"[{letters}{letters.upper()}]" for base, letters in _ACCENTED.items()}
# "&" and "and" are the same word in a public body's name.
_AMPERSAND = "(&|and)"
# Between words, any run of spaces or punctuation, or none: "St Helens" finds "St. Helens"
# and "barking&dagenham" finds "Barking & Dagenham".
_SEPARATOR = "[^0-9a-z]*"


def normalise(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: the form patterns are built from."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def _tokens(query: str) -> list[str]:
    return re.findall(r"&|[^\s&]+", normalise(query)[:MAX_QUERY_LENGTH])


def _token_pattern(token: str) -> str:
    if token in {"&", "and"}:
        return _AMPERSAND
    parts = []
    for ch in token:
        if ch in _LETTER_CLASSES:
            parts.append(_LETTER_CLASSES[ch])
        elif ch.isalnum() and ch.isascii():
            parts.append(ch)
        elif ch in "[]^\\":
            # These keep a special meaning inside brackets in one dialect or the other;
            # matching any character there costs nothing a reader would notice.
            parts.append(".")
        else:
            # A bracketed single character is literal in both Python's and PostgreSQL's
            # regular-expression dialects, unlike a backslash escape.
            parts.append(f"[{ch}]")
    return "".join(parts)


def match_pattern(query: str, *, anchor_start: bool = False, anchor_end: bool = False) -> str | None:
    """A case-insensitive regular expression matching `query`, or None for an empty query."""
    tokens = _tokens(query)
    if not tokens:
        return None
    body = _SEPARATOR.join(_token_pattern(token) for token in tokens)
    return ("^" if anchor_start else "") + body + ("$" if anchor_end else "")


@dataclass(frozen=True)
class Hit:
    name: str
    url: str
    detail: str


@dataclass(frozen=True)
class Group:
    type: str
    label: str
    count: int
    hits: list[Hit]


@dataclass(frozen=True)
class SearchResults:
    query: str
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def _ranked(queryset: QuerySet, query: str, *, names: list[str], others: list[str], limit: int) -> list:
    """Rows of `queryset` matching `query`: exact names first, then prefixes, then the rest.

    Each row carries `search_total`, the number of matches before the limit.
    """
    contains = match_pattern(query)
    exact = match_pattern(query, anchor_start=True, anchor_end=True)
    prefix = match_pattern(query, anchor_start=True)
    matches = Q()
    for field in names + others:
        matches |= Q(**{f"{field}__iregex": contains})
    rank = Case(
        When(Q.create([(f"{f}__iregex", exact) for f in names], connector=Q.OR), then=Value(0)),
        When(Q.create([(f"{f}__iregex", prefix) for f in names], connector=Q.OR), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        queryset.filter(matches)
        .annotate(search_rank=rank, search_total=Window(Count("pk")))
        .order_by("search_rank", *names[:1], "pk")[:limit]
    )


def _organisations(query: str, limit: int) -> Group:
    rows = _ranked(
        Organisation.objects.all(),
        query,
        names=["short_name", "name", "identifier"],
        others=["alternative_names"],
        limit=limit,
    )
    hits = [
        Hit(
            name=org.short_name or org.name,
            url=org.get_absolute_url(),
            detail=" · ".join(
                part
                for part in (org.name, org.identifier, org.kind, "abolished" if org.end_date else "")
                if part
            ),
        )
        for org in rows
    ]
    return Group("organisations", "Organisations", rows[0].search_total if rows else 0, hits)


def _suppliers(query: str, limit: int) -> Group:
    rows = _ranked(
        Supplier.objects.select_related("parent"), query, names=["name"], others=[], limit=limit
    )
    hits = [
        Hit(
            name=supplier.name,
            url=supplier.get_absolute_url(),
            detail=f"Part of {supplier.parent.name}" if supplier.parent else "Supplier",
        )
        for supplier in rows
    ]
    return Group("suppliers", "Suppliers", rows[0].search_total if rows else 0, hits)


def _products(query: str, limit: int) -> Group:
    rows = _ranked(
        Product.objects.select_related("manufacturer"), query, names=["name"], others=[], limit=limit
    )
    hits = [
        Hit(name=product.name, url=product.get_absolute_url(), detail=f"Made by {product.manufacturer.name}")
        for product in rows
    ]
    return Group("products", "Products", rows[0].search_total if rows else 0, hits)


def _service_areas(query: str, limit: int) -> Group:
    rows = _ranked(
        ServiceArea.objects.select_related("parent"), query, names=["name"], others=[], limit=limit
    )
    hits = [
        Hit(
            name=area.name,
            url=area.get_absolute_url(),
            detail=f"In {area.parent.name}" if area.parent else "Service-area group",
        )
        for area in rows
    ]
    return Group("service_areas", "Service areas", rows[0].search_total if rows else 0, hits)


def search(query: str, *, limit: int = DEFAULT_LIMIT) -> SearchResults:
    """Matches for `query` grouped by type, best first; no groups for an empty query.

    One query per type, whatever the size of the data.
    """
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if match_pattern(query) is None:
        return SearchResults(query=query, groups=[])
    return SearchResults(
        query=query,
        groups=[
            _organisations(query, limit),
            _suppliers(query, limit),
            _products(query, limit),
            _service_areas(query, limit),
        ],
    )
