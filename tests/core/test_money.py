"""The one money parser (citytools.core.money.parse_money) every door reads amounts with."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citytools.core.errors import DomainError
from citytools.core.forms import GovukForm, MoneyField
from citytools.core.money import parse_money


@pytest.mark.parametrize("typed, amount", [
    ("42,000", "42000"),
    ("£45,000", "45000"),
    ("£1,234.50", "1234.50"),
    ("CAD 50,000", "50000"),
    ("cad 50,000", "50000"),
    ("50000 GBP", "50000"),
    ("CA$50,000", "50000"),
    ("€ 1 234.50", "1234.50"),
    (" 1 234.50 ", "1234.50"),
    ("1\u00a0234", "1234"),
    ("42000", "42000"),
    ("42000.5", "42000.50"),
    (".5", "0.50"),
    ("0", "0"),
    (1234, "1234"),
    (1234.5, "1234.50"),
    (0.1 + 0.2, "0.30"),
    (Decimal("9.99"), "9.99"),
])
def test_amounts_as_people_write_them(typed, amount):
    assert parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_amount_is_none(blank):
    assert parse_money(blank) is None


@pytest.mark.parametrize("typed, says", [
    ("lots", "must be written as a number, like 42,000"),
    ("12k", "must be written as a number"),
    ("1.234,50", "must be written as a number"),
    ("1,23", "must be written as a number"),
    ("1 000,000", "must be written as a number"),
    ("xyz 5", "must be written as a number"),
    ("1e5", "must be written as a number"),
    ("NaN", "must be written as a number"),
    ("Infinity", "must be written as a number"),
    (float("nan"), "must be written as a number"),
    (float("inf"), "must be written as a number"),
    (Decimal("NaN"), "must be written as a number"),
    (True, "must be written as a number"),
    ("-5", "cannot be negative"),
    ("£-5", "cannot be negative"),
    ("(1,000)", "cannot be negative"),
    (-1, "cannot be negative"),
    ("1.234", "at most two decimals"),
    ("45,000.001", "at most two decimals"),
    ("1,000,000,000,000", "less than 1,000,000,000,000"),
])
def test_garbage_negative_and_over_precise_amounts_are_refused_with_a_sentence(typed, says):
    with pytest.raises(DomainError, match=says) as refused:
        parse_money(typed, label="The price", field="price")
    assert refused.value.message.startswith("The price") and refused.value.field == "price"


def test_the_limit_is_the_callers():
    assert parse_money("9,999,999,999.99", limit=Decimal("1e10")) == Decimal("9999999999.99")
    with pytest.raises(DomainError, match="less than 10,000,000,000"):
        parse_money("10,000,000,000", limit=Decimal("1e10"))


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_every_amount_written_with_grouping_and_a_pound_sign_reads_back(amount):
    assert parse_money(f"£{amount:,.2f}") == amount
    assert parse_money(f"{amount:,.2f}".replace(",", " ")) == amount


class Priced(GovukForm):
    price = MoneyField(required=False, label="Your price")


def test_the_form_field_reads_with_the_parser_and_shows_a_saved_amount_as_typed():
    form = Priced(data={"price": "£42,000"})
    assert form.is_valid() and form.cleaned_data["price"] == Decimal("42000")
    refused = Priced(data={"price": "-3"})
    assert not refused.is_valid() and refused.errors["price"] == ["Your price cannot be negative."]
    html = str(Priced(initial={"price": Decimal("42000.00")})["price"])
    assert 'value="42,000"' in html and 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="1,234.50"' in str(Priced(initial={"price": Decimal("1234.5")})["price"])
