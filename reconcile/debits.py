"""Explaining debits (art. 20, 22): every yuan that leaves must be an approved payment.

A debit that carries a disbursement's reference (AK + ten digits, which the payment file
puts in the 附言 and the EndToEndId) settles exactly that disbursement, if it awaits the
bank with the same payee account and amount, and nothing else: two payouts of one amount
to one payee are told apart by it, and a reference to a payment that is not approved,
paid already, or of another amount or payee settles nothing (a critical alert).

A debit without a reference settles the oldest approved, unpaid disbursement with the
same payee account and amount (and the same bank reference, where both carry one).
Otherwise it is flagged: a debit to an account no court document names is unauthorised
(critical); a debit to the court's registered fee account that settles no requested fee
is an unrequested fee (warning: the money went to the court itself, but without a
request); a debit to another named account that settles nothing — wrong amount, not
approved yet, paid twice — is unmatched (critical).

Every kind of disbursement (a payment, a fee, a refund to the respondent, escrow, a
transfer to another court) settles the same way: by its payee account and amount.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.disbursements import referenced_ids


@dataclass(frozen=True, slots=True)
class Debit:
    amount: int  #: fen, positive
    payee_account: str | None
    bank_reference: str | None
    remark: str | None = None  #: 附言/摘要/用途, where the payment file put the reference
    end_to_end_id: str | None = None  #: ISO 20022 EndToEndId, as the payment file set it

    def references(self) -> list[int]:
        """Return the ids of the disbursements the debit names by their reference."""
        return referenced_ids(self.end_to_end_id, self.remark, self.bank_reference)


@dataclass(frozen=True, slots=True)
class DebitOutcome:
    kind: str  #: settles | unauthorised | unrequested_fee | unmatched
    disbursement_id: int | None = None


class DebitReconciler:
    """Explain the debits of one statement against the payments awaiting the bank."""

    def __init__(
        self,
        awaiting: list[dict],
        named_accounts: set[str],
        *,
        fee_accounts: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        self._awaiting = list(awaiting)
        self._fees = frozenset(fee_accounts)
        self._named = named_accounts | self._fees | {d["payee_account_number"] for d in awaiting}

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
        """Return what a debit that settles nothing is: unauthorised, unrequested_fee or
        unmatched."""
        if not debit.payee_account or debit.payee_account not in self._named:
            return "unauthorised"
        if debit.payee_account in self._fees:
            return "unrequested_fee"
        return "unmatched"

    def _settled_payment(self, debit: Debit) -> dict | None:
        named = debit.references()
        if named:
            return next(
                (
                    d
                    for d in self._awaiting
                    if d["id"] in named
                    and d["payee_account_number"] == debit.payee_account
                    and d["amount"] == debit.amount
                ),
                None,
            )
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
