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

BUCKETS = ("received", "held", "pending", "approved_unpaid", "paid")


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
        return self.received - self.held - self.pending - self.approved_unpaid - self.paid

    @property
    def available(self) -> int:
        return max(0, self.unreserved)

    @property
    def on_account(self) -> int:
        return self.received - self.paid

    def after(self, postings: list[Posting]) -> Balance:
        """Return the balance once `postings` are applied."""
        values = {bucket: getattr(self, bucket) for bucket in BUCKETS}
        for posting in postings:
            values[posting.bucket] += posting.amount
        return Balance(**values)


def unreserved_change(postings: list[Posting]) -> int:
    """Return how much `postings` change the unreserved amount (negative: they consume it)."""
    sign = {"received": 1, "held": -1, "pending": -1, "approved_unpaid": -1, "paid": -1}
    return sum(sign[p.bucket] * p.amount for p in postings)


def reversal_of(postings: list[Posting]) -> list[Posting]:
    """Return the postings that undo `postings`."""
    return [Posting(p.bucket, -p.amount) for p in postings]
