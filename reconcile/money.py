"""Money: yuan amounts as Decimal at the edges, integer fen inside.

Never a float: an amount is parsed only from a string (or an int), and stored as fen.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from reconcile.errors import ValueProblem

FEN_PER_YUAN = 100
#: The largest single amount (1 trillion yuan) and the largest total any balance or
#: statement may reach (1 quadrillion yuan): both far below BIGINT's 2^63 fen, so no sum
#: the service computes can overflow (PostgreSQL would refuse it, SQLite turn it into a
#: float). Storage limits, not policy: they are constants, not settings.
MAX_AMOUNT_FEN = 1_000_000_000_000 * FEN_PER_YUAN
MAX_TOTAL_FEN = 1_000_000_000_000_000 * FEN_PER_YUAN
_AMOUNT = re.compile(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")


class InvalidAmount(ValueProblem):
    """An amount that is not a non-negative yuan string with at most two decimals."""


def parse_yuan(text: str) -> int:
    """Return the fen in a yuan string such as "1234.50"; reject anything else."""
    if not isinstance(text, str):
        raise InvalidAmount('an amount must be a string such as "1234.50"')
    if not _AMOUNT.fullmatch(text):
        raise InvalidAmount(
            "'{value}' is not an amount: digits with at most two decimals, e.g. \"1234.50\"",
            value=text,
        )
    return check_amount(decimal_to_fen(Decimal(text)))


def check_amount(fen: int) -> int:
    """Return `fen`, or refuse an amount beyond MAX_AMOUNT_FEN either way."""
    if abs(fen) > MAX_AMOUNT_FEN:
        # the amount itself may have more digits than a Decimal context can format
        raise InvalidAmount(
            "the amount exceeds the largest, {largest} yuan", largest=format_yuan(MAX_AMOUNT_FEN)
        )
    return fen


def decimal_to_fen(amount: Decimal) -> int:
    """Return the exact fen of a Decimal; reject fractions of a fen."""
    try:
        fen = amount * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise InvalidAmount("{amount} has fractions of a fen", amount=str(amount))
        return int(fen)
    except InvalidOperation as e:
        raise InvalidAmount("'{amount}' is not a number", amount=str(amount)) from e


def fen_to_decimal(fen: int) -> Decimal:
    """Return fen as a yuan Decimal with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_yuan(fen: int) -> str:
    """Return fen as the API's yuan string, e.g. 123450 -> "1234.50"."""
    return str(fen_to_decimal(fen))
