"""Explaining debits (art. 20, 22): every yuan that leaves must be an approved payment.

A debit settles the oldest approved, unpaid disbursement with the same payee account and
amount (and the same bank reference, where both carry one). Otherwise it is flagged: a
debit to an account no court document names is unauthorised (critical); a debit to a
named account that settles nothing — wrong amount, not approved yet, paid twice — is
unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Debit:
    amount: int  #: fen, positive
    payee_account: str | None
    bank_reference: str | None


@dataclass(frozen=True, slots=True)
class DebitOutcome:
    kind: str  #: settles | unauthorised | unmatched
    disbursement_id: int | None = None


class DebitReconciler:
    """Explain the debits of one statement against the payments awaiting the bank."""

    def __init__(self, awaiting: list[dict], named_accounts: set[str]) -> None:
        self._awaiting = list(awaiting)
        self._named = named_accounts | {d["payee_account_number"] for d in awaiting}

    def explain(self, debit: Debit) -> DebitOutcome:
        """Return what the debit is; a settled payment cannot be settled again."""
        paid = self.settles(debit)
        return (
            DebitOutcome("settles", paid)
            if paid is not None
            else DebitOutcome(self.unexplained(debit))
        )

    def settles(self, debit: Debit) -> int | None:
        """Return the id of the payment the debit pays (no longer awaiting), or None."""
        payment = self._settled_payment(debit)
        if payment is None:
            return None
        self._awaiting.remove(payment)
        return payment["id"]

    def unexplained(self, debit: Debit) -> str:
        """Return what a debit that settles nothing is: unauthorised or unmatched."""
        if not debit.payee_account or debit.payee_account not in self._named:
            return "unauthorised"
        return "unmatched"

    def _settled_payment(self, debit: Debit) -> dict | None:
        candidates = [
            d
            for d in self._awaiting
            if d["payee_account_number"] == debit.payee_account and d["amount"] == debit.amount
        ]
        for payment in candidates:
            if debit.bank_reference and payment.get("bank_reference") == debit.bank_reference:
                return payment
        unreferenced = [
            d for d in candidates if not d.get("bank_reference") or not debit.bank_reference
        ]
        return unreferenced[0] if unreferenced else None
