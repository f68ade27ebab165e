"""Amounts in capital numerals (大写), as the 支付结算办法 writes them."""

import pytest

from reconcile.amount_in_words import in_capitals


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角整"),
        (1_20, "壹元贰角整"),
        (1_000_05, "壹仟元零伍分"),
        (1_005_00, "壹仟零伍元整"),
        (5_000_00, "伍仟元整"),
        (100_000_00, "壹拾万元整"),
        (100_100_00, "壹拾万零壹佰元整"),
        (101_000_00, "壹拾万壹仟元整"),
        (12_345_67, "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (100_000_001_00, "壹亿零壹元整"),
        (1_000_000_50, "壹佰万元伍角整"),
    ],
)
def test_an_amount_is_written_in_capitals(fen, words):
    assert in_capitals(fen) == words


def test_a_negative_amount_has_no_capitals():
    with pytest.raises(ValueError):
        in_capitals(-1)
