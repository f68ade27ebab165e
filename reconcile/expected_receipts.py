"""Expected receipts (待到账款): money a case is waiting for, recognised when it comes.

A deduction from the respondent's account (online or at the bank's counter), auction
proceeds, money another court collected on this court's behalf: the enforcement officer
registers it with what will identify it. A credit fits when its remark or bank reference
carries the registered reference, or when it is the same amount from the expected payer
account, booked within the window around `expected_by` (art. 20: a deduction that never
reaches the collection account is the diversion the rule exists to catch; the
`expected_receipt_missing` alert is the deadline scan's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from reconcile.account_numbers import normalise_account_number


class ExpectedSource(StrEnum):
    NETWORK_DEDUCTION = "network_deduction"  #: 网络查控扣划
    OFFLINE_DEDUCTION = "offline_deduction"  #: 线下扣划 at the bank
    AUCTION = "auction"  #: 司法拍卖 proceeds
    ENTRUSTED_COURT = "entrusted_court"  #: collected by another court (委托执行)


#: how long before `expected_by` a credit may already have come (the statement is often
#: imported after the money arrived, the receipt registered after that), and after it
EARLIEST_BEFORE = timedelta(days=30)
LATEST_AFTER = timedelta(days=10)


@dataclass(frozen=True, slots=True)
class ExpectedReceipt:
    id: int
    case_number: str  #: canonical, as the case index holds it
    amount: int  #: fen
    expected_by: date
    reference: str | None = None
    payer_account: str | None = None  #: normalised


def window(expected_by: date) -> tuple[date, date]:
    """Return the first and last booking day a credit may fit a receipt by amount."""
    return expected_by - EARLIEST_BEFORE, expected_by + LATEST_AFTER


def fits(
    receipt: ExpectedReceipt,
    *,
    text: str,
    amount: int | None,
    payer_account: str | None,
    booked_on: date | None,
) -> str | None:
    """Return how a credit fits the receipt (`reference`, `amount_and_payer`), or None."""
    if receipt.reference and receipt.reference.strip() in text:
        return "reference"
    if amount is None or booked_on is None or not receipt.payer_account:
        return None
    first, last = window(receipt.expected_by)
    same_payer = normalise_account_number(payer_account or "") == receipt.payer_account
    if amount == receipt.amount and same_payer and first <= booked_on <= last:
        return "amount_and_payer"
    return None
