"""Amounts in capital Chinese numerals (大写金额), as payment orders and cheques write them.

The rules of the 支付结算办法 (附件一): 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of
four digits and 万亿 between groups; one 零 stands for any run of zeros inside the number;
an amount that ends at 元 or 角 ends with 整, one with 分 does not.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_GROUPS = ("", "万", "亿", "万亿")


def in_capitals(fen: int) -> str:
    """Return an amount of fen in capital numerals: 100000050 → 壹佰万元伍角整."""
    if fen < 0:
        raise ValueError("an amount in capitals is not negative")
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    if yuan >= 10_000 ** len(_GROUPS):
        raise ValueError("the amount is too large to write in capitals")
    words = _yuan(yuan) + "元" if yuan else ""
    if not jiao and not fen_digit:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    return words + (DIGITS[fen_digit] + "分" if fen_digit else "整")


def _yuan(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    words, skipped = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            skipped = True
            continue
        if words and (skipped or group < 1000):
            words += "零"
        words += _group(group) + _GROUPS[index]
        skipped = False
    return words


def _group(group: int) -> str:
    words, zero = "", False
    for place, unit in _IN_GROUP:
        digit = group // place % 10
        if not digit:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += DIGITS[digit] + unit
    return words
