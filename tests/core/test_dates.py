"""The one range of dates (citytools.core.dates): its checks, the API's date types, the
forms' fields, and date arithmetic that never overflows."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from citytools.core.dates import (
    EARLIEST,
    LATEST,
    DateIn,
    DateOutOfRange,
    DateTimeIn,
    add_days,
    add_months,
    check_date,
    parse_iso_date,
)
from citytools.core.forms import DateField, DateTimeField, GovukForm

DAY_IN = TypeAdapter(DateIn)
MOMENT_IN = TypeAdapter(DateTimeIn)
OPTIONAL_DAY_IN = TypeAdapter(DateIn | None)


@pytest.mark.parametrize("day, accepted", [
    (EARLIEST, True), (LATEST, True), (datetime.date(2027, 3, 31), True),
    (EARLIEST - datetime.timedelta(days=1), False), (LATEST + datetime.timedelta(days=1), False),
    (datetime.date(9999, 12, 31), False), (datetime.date(1, 1, 1), False),
])
def test_the_range_includes_its_ends(day, accepted):
    if accepted:
        assert check_date(day) == day
    else:
        with pytest.raises(DateOutOfRange, match="between 1 January 1900 and 31 December 2200") as refused:
            check_date(day, label="The end date", field="end_date")
        assert refused.value.field == "end_date" and refused.value.message.startswith("The end date must be")


def test_a_command_line_date_is_read_and_bounded():
    assert parse_iso_date(" 2027-03-31 ") == datetime.date(2027, 3, 31)
    with pytest.raises(DateOutOfRange, match="like 2027-03-31"):
        parse_iso_date("31/03/2027")
    with pytest.raises(DateOutOfRange, match="--as-of must be between"):
        parse_iso_date("9999-12-31", label="--as-of")


@given(st.dates())
def test_the_api_date_type_accepts_exactly_the_range(day):
    inside = EARLIEST <= day <= LATEST
    for read in (lambda: DAY_IN.validate_python(day), lambda: DAY_IN.validate_json(f'"{day.isoformat()}"')):
        if inside:
            assert read() == day
        else:
            with pytest.raises(ValidationError) as refused:
                read()
            (error,) = refused.value.errors()
            assert error["type"] == "date_out_of_range" and "between 1 January 1900" in error["msg"]
    assert OPTIONAL_DAY_IN.validate_python(None) is None


@given(st.datetimes(timezones=st.just(datetime.UTC)))
def test_the_api_date_and_time_type_bounds_its_day(moment):
    if EARLIEST <= moment.date() <= LATEST:
        assert MOMENT_IN.validate_python(moment) == moment
    else:
        with pytest.raises(ValidationError, match="date_out_of_range|between"):
            MOMENT_IN.validate_python(moment)


class Dated(GovukForm):
    day = DateField(required=False)
    moment = DateTimeField(required=False)


@given(st.dates())
def test_the_forms_accept_exactly_the_range(day):
    form = Dated(data={"day": day.isoformat(), "moment": f"{day.isoformat()}T09:30"})
    inside = EARLIEST <= day <= LATEST
    assert form.is_valid() == inside, form.errors
    if not inside:
        assert form.errors["day"] == ["The date must be between 1 January 1900 and 31 December 2200."]
        assert "moment" in form.errors


def test_the_date_pickers_offer_only_the_range():
    html = str(Dated()["day"]) + str(Dated()["moment"])
    assert 'min="1900-01-01"' in html and 'max="2200-12-31"' in html
    assert 'min="1900-01-01T00:00"' in html and 'max="2200-12-31T23:59"' in html


@given(st.dates(), st.integers(-4_000_000, 4_000_000))
def test_adding_days_never_overflows(day, days):
    moved = add_days(day, days)
    try:
        assert moved == day + datetime.timedelta(days=days)
    except OverflowError:
        assert moved == (datetime.date.max if days > 0 else datetime.date.min)


@given(st.dates(), st.integers(-130_000, 130_000))
def test_adding_months_never_overflows_and_keeps_the_day_where_it_can(day, months):
    moved = add_months(day, months)
    target = day.year * 12 + day.month - 1 + months
    if datetime.MINYEAR * 12 <= target < (datetime.MAXYEAR + 1) * 12:
        year, month = divmod(target, 12)
        assert (moved.year, moved.month) == (year, month + 1)
        assert moved.day == day.day or (moved.day < day.day and (moved + datetime.timedelta(days=1)).day == 1)
    else:
        assert moved == (datetime.date.max if months > 0 else datetime.date.min)


@pytest.mark.parametrize("day, months, expected", [
    (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
    (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
    (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
    (datetime.date(2027, 3, 31), -1, datetime.date(2027, 2, 28)),
    (datetime.date(9999, 12, 31), 1, datetime.date.max),
    (datetime.date(1, 1, 1), -1, datetime.date.min),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def _date_schemas(schema: dict):
    """Every date or date-time schema a request may carry: parameters and bodies, with the
    components they refer to."""
    components = schema["components"]["schemas"]

    def walk(node, where, seen):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    yield from walk(components[name], f"{where} > {name}", seen | {name})
            if node.get("format") in ("date", "date-time"):
                yield where, node
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}" if key not in ("anyOf", "properties", "items") else where, seen)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value, where, seen)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield from walk(parameter["schema"], f"{method.upper()} {path} ?{parameter['name']}", frozenset())
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(media["schema"], f"{method.upper()} {path} body", frozenset())


@pytest.mark.django_db
def test_every_date_the_api_takes_is_bounded(client):
    """A date in any request, body or query, is a DateIn or DateTimeIn: a schema with a plain
    datetime.date would take 9999-12-31 again."""
    schema = client.get("/api/v1/openapi.json").json()
    found = list(_date_schemas(schema))
    unbounded = [where for where, node in found if node.get("formatMinimum", "")[:10] != "1900-01-01"
                 or node.get("formatMaximum", "")[:10] != "2200-12-31"]
    assert unbounded == []
    # contracts (body and filters), systems, initiatives, plans, campaigns, challenges, addenda, milestones, exports, matrix
    assert len({where.split(" > ")[0] for where, _ in found}) >= 20, found
