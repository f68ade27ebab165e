"""Recognising returned payouts (退汇) among statement credits."""

from datetime import date

from reconcile.deadlines import CaseFacts, Notice, releasable_since
from reconcile.returned_payments import IncomingCredit, PaidPayout, ReturnFinder

PAYEE = "110060149018800012345"
PAYOUT = PaidPayout(7, case_id=1, amount=300_000, payee_account=PAYEE, paid_on=date(2026, 11, 4))


def credit(day: date, **overrides) -> IncomingCredit:
    values = {"amount": 300_000, "booked_on": day, "counterparty_account": PAYEE}
    return IncomingCredit(**{**values, **overrides})


def test_the_payees_credit_of_the_amount_within_the_window_is_its_return():
    found = ReturnFinder([PAYOUT], window_days=30).find(credit(date(2026, 12, 4)))
    assert (found.payout, found.by) == (PAYOUT, "payee_account")
    assert ReturnFinder([PAYOUT], window_days=30).find(credit(date(2026, 12, 5))) is None


def test_before_the_payment_or_of_another_amount_it_is_no_return():
    finder = ReturnFinder([PAYOUT], window_days=30)
    assert finder.find(credit(date(2026, 11, 3))) is None
    assert finder.find(credit(date(2026, 11, 5), amount=299_999)) is None


def test_a_remark_saying_returned_with_the_reference_is_a_return_from_any_account_any_time():
    remark = "退回 AK0000000007 账户已销户"
    found = ReturnFinder([PAYOUT], 30).find(
        credit(date(2027, 3, 1), counterparty_account="999", remark=remark)
    )
    assert found.by == "reference"
    without_word = credit(date(2027, 3, 1), counterparty_account="999", remark="AK0000000007")
    assert ReturnFinder([PAYOUT], 30).find(without_word) is None


def test_a_reversal_from_the_payee_is_a_return_after_the_window_too():
    found = ReturnFinder([PAYOUT], 30).find(credit(date(2027, 3, 1), reversal=True))
    assert found.by == "reversal"


def test_each_payout_is_returned_once_and_two_fitting_payouts_recognise_neither():
    finder = ReturnFinder([PAYOUT], 30)
    assert finder.find(credit(date(2026, 11, 9))) is not None
    assert finder.find(credit(date(2026, 11, 9))) is None
    twin = PaidPayout(8, 2, 300_000, PAYEE, date(2026, 11, 5))
    assert ReturnFinder([PAYOUT, twin], 30).find(credit(date(2026, 11, 9))) is None


def test_a_returned_payouts_money_waits_again_from_the_return():
    notice = Notice(7, date(2026, 11, 3), 300_000, paid_on=date(2026, 11, 4))
    facts = CaseFacts(1, "京0105", True, arrivals=[(date(2026, 11, 2), 300_000)])
    assert releasable_since(CaseFacts(**{**facts.__dict__, "notices": [notice]})) is None
    returned = Notice(**{**notice.__dict__, "returned_on": date(2026, 11, 9)})
    waiting = releasable_since(CaseFacts(**{**facts.__dict__, "notices": [returned]}))
    assert waiting == (date(2026, 11, 9), 300_000)
