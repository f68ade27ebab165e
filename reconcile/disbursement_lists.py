"""What the lists of disbursements filter and sort by (#20): the approvals queue's payments
and refunds, and finance's payments list (付款记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DisbursementSort(StrEnum):
    OLDEST = "oldest"  #: requested first first (by id)
    NEWEST = "newest"  #: requested last first
    LARGEST = "largest"  #: the largest amount first; oldest first within one amount


@dataclass(frozen=True, slots=True)
class DisbursementFilters:
    """What a list of disbursements shows: every field None shows every one."""

    statuses: tuple[str, ...] | None = None
    kind: str | None = None  #: payment | refund
    courts: frozenset[str] | None = None  #: None: every court
    requested_from: datetime | None = None  #: UTC, included
    requested_before: datetime | None = None  #: UTC, excluded
    amount_min: int | None = None  #: fen, included
    amount_max: int | None = None  #: fen, included


#: a page's key: (amount in fen, id) in LARGEST order, else (None, id); (None, 0) starts
Cursor = tuple[int | None, int]
