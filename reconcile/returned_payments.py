"""Returned payouts (退汇): a statement credit that brings a paid disbursement back.

The bank returns a payout when the payee's account is closed, frozen or misnamed. The
credit is recognised, in this order, as the return of exactly one paid payout of the
collection account, for its whole amount:

1. reference — it carries the payout's reference (AK + ten digits, in the remark, the
   bank reference or the EndToEndId) and says it is a return: the bank marks it as a
   reversal (CAMT `RvslInd`) or the remark says 退汇 or 退回;
2. reversal — the bank marks it as a reversal and it comes from the payout's payee
   account, on or after the payout's day;
3. payee account — it comes from the payout's payee account within `window_days`
   calendar days after the payout's day ([imports] returned_payment_window_days).

Several payouts fitting rule 2 or 3 recognise none: the credit goes on to the usual
matching (a payee sending money back is not a respondent paying, so it is then an
orphan for staff to look at). A partial return recognises none either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from reconcile.account_numbers import normalise_account_number
from reconcile.disbursements import referenced_ids

RETURN_WORDS = ("退汇", "退回")
DEFAULT_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class PaidPayout:
    """A disbursement the bank paid, as recognising its return needs it."""

    id: int
    case_id: int
    amount: int  #: fen
    payee_account: str
    paid_on: date


@dataclass(frozen=True, slots=True)
class IncomingCredit:
    """What recognising a return reads of a credit."""

    amount: int  #: fen
    booked_on: date
    counterparty_account: str | None
    remark: str | None = None
    bank_reference: str | None = None
    end_to_end_id: str | None = None
    reversal: bool = False  #: the bank marks it as a reversal (CAMT RvslInd)


@dataclass(frozen=True, slots=True)
class Recognised:
    payout: PaidPayout
    by: str  #: reference | reversal | payee_account

    @property
    def evidence(self) -> dict:
        return {"disbursement_id": self.payout.id, "by": self.by}


def says_returned(remark: str | None) -> bool:
    """Whether a remark says the money is a return (退汇, 退回)."""
    return any(word in (remark or "") for word in RETURN_WORDS)


class ReturnFinder:
    """Recognise returned payouts among one import's credits; each payout once."""

    def __init__(self, payouts: list[PaidPayout], window_days: int = DEFAULT_WINDOW_DAYS):
        self._by_id = {p.id: p for p in payouts}
        self._window = timedelta(days=window_days)

    def find(self, credit: IncomingCredit) -> Recognised | None:
        """Return the payout `credit` returns and how it was recognised, or None."""
        found = self._by_reference(credit) or self._by_account(credit)
        if found is not None:
            del self._by_id[found.payout.id]
        return found

    def _by_reference(self, credit: IncomingCredit) -> Recognised | None:
        if not (credit.reversal or says_returned(credit.remark)):
            return None
        texts = (credit.remark, credit.bank_reference, credit.end_to_end_id)
        for payout_id in referenced_ids(*texts):
            payout = self._by_id.get(payout_id)
            if payout and payout.amount == credit.amount and credit.booked_on >= payout.paid_on:
                return Recognised(payout, "reference")
        return None

    def _by_account(self, credit: IncomingCredit) -> Recognised | None:
        account = normalise_account_number(credit.counterparty_account or "")
        if not account:
            return None
        fitting = [
            p
            for p in self._by_id.values()
            if p.payee_account == account
            and p.amount == credit.amount
            and p.paid_on <= credit.booked_on
            and (credit.reversal or credit.booked_on - p.paid_on <= self._window)
        ]
        if len(fitting) != 1:
            return None
        return Recognised(fitting[0], "reversal" if credit.reversal else "payee_account")
