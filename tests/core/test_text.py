"""The one text rule of every door, and the reading of text other systems wrote
(citytools.core.text), table-driven, no database."""

import pytest

from citytools.core.text import (
    LARGEST_WHOLE_NUMBER,
    SMALLEST_WHOLE_NUMBER,
    NumberRefused,
    TextRefused,
    check_text,
    check_whole_number,
    readable,
    text_problem,
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Waste collection",
        "Tabs\tline\nfeeds\r\nand returns",
        "Émile’s café — “quoted” £1,234 🚲",
        "\u00a0no-break space, \u200bzero width, \u2028line separator",
        "ＦＵＬＬ width and \U0001f600 astral",
    ],
)
def test_ordinary_text_passes(text):
    assert text_problem(text) is None
    assert check_text(text, field="title") == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nul\x00byte", "a NUL character"),
        ("\x01", "a control character (U+0001)"),
        ("bell\x07", "a control character (U+0007)"),
        ("\x0b vertical tab", "a control character (U+000B)"),
        ("\x0c form feed", "a control character (U+000C)"),
        ("escape \x1b[31m", "a control character (U+001B)"),
        ("delete \x7f", "a control character (U+007F)"),
        ("C1 \x85", "a control character (U+0085)"),
        ("\ud800", "an unpaired surrogate (U+D800), which is not a character"),
        ("lone \udcff trail", "an unpaired surrogate (U+DCFF), which is not a character"),
    ],
)
def test_refused_characters_are_named(text, problem):
    assert text_problem(text) == problem
    with pytest.raises(TextRefused) as refused:
        check_text(text, field="systems[0].name")
    assert refused.value.field == "systems[0].name"
    assert refused.value.message.startswith(f"“systems[0].name” contains {problem}")
    assert refused.value.status == 400


@pytest.mark.parametrize("number", [0, -1, 1.5, SMALLEST_WHOLE_NUMBER, LARGEST_WHOLE_NUMBER, 1e18])
def test_numbers_within_64_bits_pass(number):
    assert check_whole_number(number) == number


@pytest.mark.parametrize("number", [LARGEST_WHOLE_NUMBER + 1, SMALLEST_WHOLE_NUMBER - 1, 10**20, 1e20, -1e300, 2.0**63])
def test_numbers_beyond_64_bits_are_refused(number):
    with pytest.raises(NumberRefused, match="“systems\\[0\\]” is out of range"):
        check_whole_number(number, field="systems[0]")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Telford &amp; Wrekin Council", "Telford & Wrekin Council"),
        ("Guy&#039;s and St Thomas&#039; NHS Foundation Trust", "Guy's and St Thomas' NHS Foundation Trust"),
        ("L&amp;amp;Q", "L&Q"),
        ("  Caf\u00c3\u00a9   Systems\n Ltd ", "Café Systems Ltd"),
        ("Na\u00efve Software \u2013 Ltd", "Na\u00efve Software \u2013 Ltd"),
        ("Bar\x00net\x07 Council", "Bar net Council"),  # refused characters are dropped, not stored
        ("\uff23amden", "Camden"),  # a full-width letter
        (None, ""),
        (42, ""),
    ],
)
def test_text_another_system_wrote_is_read_as_a_person_would(written, read):
    assert readable(written) == read
