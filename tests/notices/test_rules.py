"""The pure rules of public notices."""

import datetime

import pytest

from citytools.core.errors import DomainError
from citytools.notices import rules


@pytest.mark.parametrize(
    ("on_the_map", "in_the_notice", "differs"),
    [("1200", "1200.00", False), ("1200.00", "1200.01", True), ("2028-01-20", "2028-01-20", False),
     ("2028-01-20", "2029-01-20", True), (None, "GBP", True), ("gbp", "GBP", False), (None, None, False)],
)
def test_values_differ_only_when_they_say_different_things(on_the_map, in_the_notice, differs):
    assert rules.differs(on_the_map, in_the_notice) is differs


def test_a_notice_without_a_supplier_or_period_is_not_a_contract_yet():
    day = datetime.date(2024, 1, 1)
    assert rules.missing_for_a_contract([{"name": "A"}], day, day) is None
    assert rules.missing_for_a_contract([], day, None) == "Not a contract yet: the notice gives no supplier and no end date."


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [("a.json", b"", "required"), ("a.csv", b"{}", "invalid"), ("a.json", b"x" * (rules.MAX_UPLOAD_BYTES + 1), "too_large")],
)
def test_an_upload_must_be_a_file_of_notices_of_a_sensible_size(filename, content, code):
    with pytest.raises(DomainError) as refused:
        rules.check_upload(filename, content)
    assert refused.value.code == code


def test_a_reason_is_one_line_of_at_most_500_characters():
    assert rules.check_reason("  Not\n ours ") == "Not ours"
    with pytest.raises(DomainError):
        rules.check_reason("x" * 501)
