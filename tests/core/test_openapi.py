"""The OpenAPI document describes what the API does (citytools.core.openapi): each
operation's refusals, the If-Match its door enforces, one schema per name, the values a
sort takes and what an amount may be."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from ninja import Router, Schema

from citytools.core import money
from citytools.core.openapi import DocumentedAPI
from citytools.core.preconditions import IfMatch, based_on, if_match
from tests.api_world import document

DOCUMENT = document()
OPERATIONS = [
    (method, path, operation)
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
]
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _operation(method: str, path: str) -> dict:
    return DOCUMENT["paths"][path][method]


def _if_match(operation: dict) -> dict | None:
    return next((p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "If-Match"), None)


def test_every_operation_documents_its_refusals_as_problem_json():
    for method, path, operation in OPERATIONS:
        refusals = {status: answer for status, answer in operation["responses"].items() if int(status) >= 400}
        assert "400" in refusals, (method, path)
        assert all(answer["content"] == PROBLEM for answer in refusals.values()), (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(refusals), (method, path)
        if "{" in path:
            assert "404" in refusals, (method, path)
        if method in {"post", "put", "patch", "delete"}:
            assert {"404", "409"} <= set(refusals), (method, path)
        if operation["parameters"] or "requestBody" in operation:
            assert "422" in refusals, (method, path)
    assert DOCUMENT["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail"]


def test_writes_that_require_if_match_declare_it_with_their_412_and_428():
    """A request the schema allowed got 428: the header was nowhere in the document."""
    patch = _operation("patch", "/api/v1/contracts/{contract_id}")
    header = _if_match(patch)
    assert header is not None and header["required"] is True
    assert {"412", "428"} <= set(patch["responses"])
    restore = _operation("post", "/api/v1/systems/{system_id}/history/{history_id}/restore")
    assert _if_match(restore)["required"] is False
    assert "412" in restore["responses"] and "428" not in restore["responses"]
    rating = _operation("put", "/api/v1/systems/{system_id}/rating")
    assert _if_match(rating)["required"] is False and "428" in rating["responses"]
    declared = {(m, p) for m, p, o in OPERATIONS if _if_match(o)}
    # The summaries that tell people to send If-Match name operations that declare it.
    told = {(m, p) for m, p, o in OPERATIONS if m != "get" and "If-Match" in (o.get("summary") or "")}
    assert told and told <= declared, sorted(told - declared)
    for method, path, operation in OPERATIONS:
        assert ("412" in operation["responses"]) == ((method, path) in declared), (method, path)
        assert method != "get" or (method, path) not in declared


def test_a_door_that_reads_if_match_without_declaring_it_fails():
    request = RequestFactory().patch("/", HTTP_IF_MATCH='"1"')

    class Record:
        version = 1

    with pytest.raises(ImproperlyConfigured):
        based_on(request, Record())

    @if_match(IfMatch.OPTIONAL)
    def view(request):
        return based_on(request, Record())

    assert view(RequestFactory().patch("/")) is None
    assert view(request) == 1


def test_two_schemas_of_one_name_and_different_shapes_are_refused():
    """The organisation's systems were documented with the inventory's SystemOut, which
    requires `organisation` and `provider`: ninja kept one schema of each name."""

    def first():
        class Thing(Schema):
            a: int
        return Thing

    def second():
        class Thing(Schema):
            b: str
        return Thing

    api = DocumentedAPI(urls_namespace="two_things")
    router = Router()
    One, Two = first(), second()

    @router.get("/one", response=One)
    def one(request):
        return {"a": 1}

    @router.get("/two", response=Two)
    def two(request):
        return {"b": "x"}

    api.add_router("/", router)
    with pytest.raises(ValueError, match="Thing"):
        api.get_openapi_schema(path_prefix="/")


def test_the_organisation_detail_documents_the_systems_it_returns():
    answer = _operation("get", "/api/v1/organisations/{slug}")["responses"]["200"]["content"]["application/json"]
    organisation = DOCUMENT["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[1]]
    item = organisation["properties"]["systems"]["items"]["$ref"].rsplit("/", 1)[1]
    assert item == "OrganisationSystemOut"
    required = DOCUMENT["components"]["schemas"][item]["required"]
    assert "organisation" not in required and "provider" not in required and "manufacturer" in required


def test_sort_parameters_list_what_they_accept():
    sorts = [
        (method, path, parameter["schema"])
        for method, path, operation in OPERATIONS
        for parameter in operation["parameters"]
        if parameter["in"] == "query" and parameter["name"] == "sort"
    ]
    assert len(sorts) >= 6
    for method, path, schema in sorts:
        assert "enum" in schema or "pattern" in schema, (method, path, schema)
    matrix = next(s for m, p, s in sorts if p == "/api/v1/matrix")
    accepted = re.compile(matrix["pattern"])
    assert all(accepted.match(v) for v in ["name", "-population", "suppliers", "area:housing", "-area:housing"])
    assert not any(accepted.match(v) for v in ["", "users", "area:", "--name"])


@pytest.mark.parametrize("text", ["42,000", "£1,234.50", "CAD 50,000", "50000 GBP", "$5", "  ", "12k", "-5", "1,23", "1.234,50"])
def test_the_money_pattern_agrees_with_the_money_parser(text):
    """An amount was documented as any string; the pattern admits what parse_money reads
    (it cannot count decimals: 12.345 matches and is refused with a 400)."""
    try:
        money.parse_money(text)
        parsed = True
    except money.MoneyError:
        parsed = False
    assert bool(re.match(money.PATTERN, text)) == parsed


def test_amounts_are_documented_as_numbers_or_money_text():
    budget = DOCUMENT["components"]["schemas"]["RulesIn"]["properties"]["max_budget"]
    number, text = budget["anyOf"]
    assert number == {"type": "number", "minimum": 0, "exclusiveMaximum": int(money.DEFAULT_LIMIT)}
    assert text["type"] == "string" and text["pattern"] == money.PATTERN
