"""Daily reconciliation (art. 22: offline and online agree): the bank against the books.

The bank's balance at the end of a day, from the statements, must equal the money the
books hold for the collection account: every case's received − paid, plus the suspense
ledger's orphans. A difference is explained, where it can be, by the lines behind it:
a debit the books do not know (flagged), a payment the books record as made that no
statement shows yet. Whatever is left is unexplained. Each kind of cause is counted and
summed in full; only its first few are listed, so that a report stays one screen however
many there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Explanation:
    kind: str  #: flagged_debit | paid_not_on_statement
    amount: int  #: fen: how much it moves the difference (bank − books)
    transaction_id: int | None = None
    disbursement_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ExplainedKind:
    """All the causes of one kind: how many, and how much they move the difference."""

    kind: str
    count: int
    amount: int  #: fen


@dataclass(frozen=True)
class Reconciliation:
    bank_balance: int | None  #: fen; None when no statement states a balance for the day
    cases_on_account: int
    orphans: int
    approved_unpaid: int
    #: the first causes of each kind (reconcile.db.reconciliation_store.LISTED)
    explanations: list[Explanation] = field(default_factory=list)
    #: every cause, by kind
    explained: list[ExplainedKind] = field(default_factory=list)
    #: fen: the net of lines a line rule decided are not case money (interest in, fees
    #: out): in the bank, on no case (reconcile/line_rules.py)
    non_case: int = 0

    @property
    def books(self) -> int:
        return self.cases_on_account + self.orphans + self.non_case

    @property
    def difference(self) -> int | None:
        return None if self.bank_balance is None else self.bank_balance - self.books

    @property
    def unexplained(self) -> int | None:
        if self.difference is None:
            return None
        return self.difference - sum(e.amount for e in self.explained)

    @property
    def status(self) -> str:
        if self.bank_balance is None:
            return "not_available"
        return "ok" if self.difference == 0 else "mismatch"
