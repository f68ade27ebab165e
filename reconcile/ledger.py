"""The ledger: append-only postings into buckets, and the balances derived from them.

Each case has a ledger; each collection account has a suspense ledger for orphan funds.
A bucket's balance is the sum of its postings:

    received         money that arrived for this ledger
    held             disputed (art. 22): may exceed what has arrived
    pending          requested disbursements awaiting approval (reserved)
    approved_unpaid  approved disbursements the bank has not paid yet
    paid             money that left the collection account for this ledger

    available = received − held − pending − approved_unpaid − paid, never below zero
    on account (money in the bank for it) = received − paid
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

BUCKETS = ("received", "held", "pending", "approved_unpaid", "paid")

#: How each bucket counts towards the unreserved amount: the one formula for
#: `available`, used by `Balance` here and by the database guard in `db/ledger_store.py`.
UNRESERVED_SIGN = {"received": 1, "held": -1, "pending": -1, "approved_unpaid": -1, "paid": -1}


class EntryKind(StrEnum):
    """What a ledger entry records."""

    CREDIT = "credit"  #: a statement credit the matcher placed on the case
    ORPHAN_CREDIT = "orphan_credit"  #: a credit no rule placed, on the suspense ledger
    ORPHAN_ASSIGNED = "orphan_assigned"  #: staff moved an orphan from suspense to a case
    ASSIGNMENT_REVERSED = "assignment_reversed"  #: a placement taken back (reverses it)
    HOLD_PLACED = "hold_placed"
    HOLD_RELEASED = "hold_released"  #: reverses (part of) the placement
    DISBURSEMENT_REQUESTED = "disbursement_requested"  #: the request reserves its money
    DISBURSEMENT_APPROVED = "disbursement_approved"
    DISBURSEMENT_REJECTED = "disbursement_rejected"  #: reverses the reservation
    DISBURSEMENT_MARKED_PAID = "disbursement_marked_paid"
    DISBURSEMENT_PAID = "disbursement_paid"
    #: 退汇: a returned payout's credit, and its payment, taken back (each reverses one)
    PAYMENT_RETURNED = "payment_returned"


#: entry kinds that bring money to a case (the notice clock starts from them)
ARRIVALS = (EntryKind.CREDIT, EntryKind.ORPHAN_ASSIGNED)


@dataclass(frozen=True)
class Posting:
    """A signed change of one bucket."""

    bucket: str
    amount: int  #: fen, signed

    def __post_init__(self) -> None:
        if self.bucket not in BUCKETS:
            raise ValueError(f"unknown bucket {self.bucket!r}")
        if self.amount == 0:
            raise ValueError("a posting moves money; zero is not a posting")


@dataclass(frozen=True)
class Balance:
    """A ledger's buckets, in fen."""

    received: int = 0
    held: int = 0
    pending: int = 0
    approved_unpaid: int = 0
    paid: int = 0

    @property
    def unreserved(self) -> int:
        """What is left after holds and reservations; negative when holds exceed it."""
        return sum(sign * getattr(self, bucket) for bucket, sign in UNRESERVED_SIGN.items())

    @property
    def available(self) -> int:
        return max(0, self.unreserved)

    @property
    def on_account(self) -> int:
        return self.received - self.paid

    def figures(self) -> dict[str, int]:
        """The buckets and what is available, as a case's view shows them (fen)."""
        return {
            **{bucket: getattr(self, bucket) for bucket in BUCKETS},
            "available": self.available,
        }

    def after(self, postings: list[Posting]) -> Balance:
        """Return the balance once `postings` are applied."""
        values = {bucket: getattr(self, bucket) for bucket in BUCKETS}
        for posting in postings:
            values[posting.bucket] += posting.amount
        return Balance(**values)


def unreserved_change(postings: list[Posting]) -> int:
    """Return how much `postings` change the unreserved amount (negative: they consume it)."""
    return sum(UNRESERVED_SIGN[p.bucket] * p.amount for p in postings)


def reversal_of(postings: list[Posting]) -> list[Posting]:
    """Return the postings that undo `postings`."""
    return [Posting(p.bucket, -p.amount) for p in postings]
