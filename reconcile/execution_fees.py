"""The execution fee (执行申请费) by the schedule of art. 14 (一) of the 诉讼费用交纳办法.

The schedule is data (`[execution_fee] bands` in config/settings.toml): the first band is
a fixed fee for every case up to its bound, each later band a rate on the part of the
basis within it, e.g. 1,000,000.00 → 50 + 490,000 × 1.5% + 500,000 × 1% = 12,400.00.
Each band's fee is rounded to the fen, half up, before they are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reconcile.errors import ValueProblem
from reconcile.money import decimal_to_fen, fen_to_decimal, parse_yuan


class InvalidSchedule(ValueProblem):
    """The configured schedule is not a fixed first band followed by rates."""


@dataclass(frozen=True)
class Band:
    above: int  #: fen: the band covers the basis above this
    up_to: int | None  #: fen, inclusive; None: no bound
    fixed: int | None  #: fen, for the first band
    rate: Decimal | None  #: on the part of the basis within the band


@dataclass(frozen=True)
class FeePart:
    band: Band
    base: int  #: fen of the basis within the band
    fee: int  #: fen


def schedule_from(settings: dict) -> list[Band]:
    """Return the bands of `[execution_fee]`, checked."""
    bands, above = [], 0
    raw = settings["execution_fee"]["bands"]
    for index, band in enumerate(raw):
        up_to = parse_yuan(band["up_to"]) if "up_to" in band else None
        fixed = parse_yuan(band["fixed"]) if "fixed" in band else None
        rate = Decimal(band["rate"]) if "rate" in band else None
        if (index == 0) != (fixed is not None) or (index > 0) != (rate is not None):
            raise InvalidSchedule("the first band has a `fixed` fee, each later one a `rate`")
        if (up_to is None) != (index == len(raw) - 1) or (up_to is not None and up_to <= above):
            raise InvalidSchedule("bounds rise, and only the last band has no `up_to`")
        bands.append(Band(above, up_to, fixed, rate))
        above = up_to or above
    return bands


def execution_fee(bands: list[Band], basis: int) -> list[FeePart]:
    """Return the fee of each band the basis (fen, the amount executed) reaches."""
    parts = []
    for band in bands:
        if band.fixed is not None:
            parts.append(FeePart(band, min(basis, band.up_to or basis), band.fixed))
            continue
        if basis <= band.above:
            break
        base = (basis if band.up_to is None else min(basis, band.up_to)) - band.above
        fee = (fen_to_decimal(base) * band.rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        parts.append(FeePart(band, base, decimal_to_fen(fee)))
    return parts


def total(parts: list[FeePart]) -> int:
    return sum(part.fee for part in parts)
