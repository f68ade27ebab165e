from decimal import Decimal

import pytest

from reconcile.money import InvalidAmount, decimal_to_fen, format_yuan, parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("1", 100),
        ("1234.5", 123450),
        ("1234.50", 123450),
        ("0.01", 1),
        ("1000000000000.00", 100000000000000),  # the largest amount
        ("999999999999.99", 99999999999999),
    ],
)
def test_yuan_strings_parse_to_exact_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-1.00",
        "1.234",
        "1,234.00",
        "1e3",
        " 1.00",
        "1.",
        ".5",
        "NaN",
        "１２",
        "1.00\n",
        "1000000000000.01",
    ],
)
def test_anything_but_a_plain_two_decimal_string_is_refused(text):
    with pytest.raises(InvalidAmount):
        parse_yuan(text)


@pytest.mark.parametrize("value", [12.5, 12, None])
def test_non_strings_are_refused(value):
    with pytest.raises(InvalidAmount):
        parse_yuan(value)


def test_fen_format_as_yuan_strings_with_two_decimals():
    assert format_yuan(123450) == "1234.50"
    assert format_yuan(1) == "0.01"
    assert format_yuan(-5) == "-0.05"
    assert format_yuan(0) == "0.00"


def test_decimals_with_fractions_of_a_fen_are_refused():
    assert decimal_to_fen(Decimal("12.30")) == 1230
    with pytest.raises(InvalidAmount):
        decimal_to_fen(Decimal("12.345"))
