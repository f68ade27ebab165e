"""The monthly execution ↔ finance check (执行与财务对账): what one side did that the other
has not answered — money on a case nobody asked to pay out, payment requests made in the
month and not yet paid, payments finance recorded that no statement debit has confirmed.
"""

from __future__ import annotations

from datetime import date

from reconcile.disbursements import DisbursementStatus as S

#: requests still on their way to the bank
UNPAID = (S.REQUESTED, S.IN_REVIEW, S.APPROVED)
#: a request that, while it stands, answers the money on its case
ANSWERING = (*UNPAID, S.MARKED_PAID)
UNCONFIRMED = (S.MARKED_PAID,)
SECTIONS = ("money_without_request", "requests_unpaid", "payments_unconfirmed")


def month_bounds(month: str) -> tuple[date, date]:
    """Return the first day of `month` ("2026-11") and the first day of the next month;
    ValueError when it is not a month."""
    year, _, number = month.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(number) == 2 and number.isdigit()):
        raise ValueError(f"{month!r} is not a month (YYYY-MM)")
    first = date(int(year), int(number), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following
