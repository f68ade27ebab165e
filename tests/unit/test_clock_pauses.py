"""What pauses the clocks besides a deferral of the whole case (issue #18): a deferral of an
amount, holds placed after a payment request, and a payment marked paid but unconfirmed."""

from datetime import date

import pytest

from reconcile.deadlines import CaseFacts, ClockKind, Notice, Rules, clocks, hold_covers
from reconcile.deferrals import check_new_deferral, deferred_changes, is_late
from reconcile.errors import ValidationFailed
from reconcile.working_days import WorkingDayCalendar, package_schedules

RULES = Rules(10, 5, 2)
MAR = 3


@pytest.fixture(scope="module")
def calendar():
    return WorkingDayCalendar(package_schedules())


def d(day: int, month: int = MAR) -> date:
    return date(2026, month, day)


def facts(**kwargs) -> CaseFacts:
    return CaseFacts(case_id=1, court="京0105", open=True, **kwargs)


def payment(found):
    [clock] = [c for c in found if c.kind is ClockKind.PAYMENT]
    return clock


NOTICE = Notice(9, d(5), 10_000_00, approved_on=d(10))


def test_a_hold_covering_a_notice_pauses_its_payment_clock_until_released(calendar):
    covered = facts(arrivals=[(d(2), 10_000_00)], notices=[NOTICE], holds=[(d(11), 10_000_00)])
    assert payment(clocks(covered, RULES, calendar)).deadline.due is None
    released = facts(
        arrivals=[(d(2), 10_000_00)],
        notices=[NOTICE],
        holds=[(d(11), 10_000_00), (d(13), -10_000_00)],
    )
    assert hold_covers(released)[9].pauses == [(d(11), d(13))]
    assert payment(clocks(released, RULES, calendar)).deadline.due == d(20)


def test_holds_cover_the_newest_notice_first_and_a_partial_cover_leaves_the_rest(calendar):
    older = Notice(1, d(3), 4_000_00, approved_on=d(3))
    newer = Notice(2, d(5), 6_000_00, approved_on=d(5))
    case = facts(arrivals=[(d(2), 10_000_00)], notices=[older, newer], holds=[(d(9), 7_000_00)])
    covers = hold_covers(case)
    assert (covers[2].pauses, covers[2].covered) == ([(d(9), None)], 6_000_00)
    assert (covers[1].pauses, covers[1].covered) == ([], 1_000_00)
    [first] = [c for c in clocks(case, RULES, calendar) if c.disbursement_id == 1]
    assert (first.amount, first.deadline.due) == (3_000_00, d(10))


def test_a_hold_on_money_not_yet_requested_covers_no_notice():
    case = facts(
        arrivals=[(d(2), 10_000_00)],
        holds=[(d(3), 4_000_00)],
        notices=[Notice(1, d(5), 6_000_00, approved_on=d(5))],
    )
    assert hold_covers(case)[1].covered == 0


def test_a_notice_marked_paid_keeps_its_clock_and_says_so(calendar):
    marked = Notice(9, d(5), 500_00, approved_on=d(10), marked_paid_on=d(12))
    clock = payment(clocks(facts(arrivals=[(d(2), 500_00)], notices=[marked]), RULES, calendar))
    assert (clock.deadline.due, clock.marked_paid_on) == (d(17), d(12))
    confirmed = Notice(9, d(5), 500_00, paid_on=d(12), approved_on=d(10))
    assert clocks(facts(arrivals=[(d(2), 500_00)], notices=[confirmed]), RULES, calendar) == []


def test_a_deferral_of_an_amount_takes_that_money_off_the_waiting_money(calendar):
    changes = deferred_changes((d(4), d(20)), 4_000_00)
    assert changes == [(d(4), 4_000_00), (d(20), -4_000_00)]
    waiting = facts(arrivals=[(d(2), 10_000_00)], deferred=changes[:1])
    [notice] = clocks(waiting, RULES, calendar)
    assert (notice.started_on, notice.amount, notice.deadline.due) == (d(2), 6_000_00, d(16))
    assert deferred_changes((d(4), None), 1) == [(d(4), 1)]


def test_a_deferral_needs_an_end_or_a_review_day_not_in_the_past():
    with pytest.raises(ValidationFailed, match="review_on"):
        check_new_deferral("异议", "（2026）执异1号", None, d(4))
    with pytest.raises(ValidationFailed):
        check_new_deferral("异议", "（2026）执异1号", None, d(4), review_on=d(3))
    with pytest.raises(ValidationFailed):
        check_new_deferral("异议", "（2026）执异1号", d(10), d(4), review_on=d(11))
    with pytest.raises(ValidationFailed):
        check_new_deferral("异议", "（2026）执异1号", d(10), d(4), amount=0)
    check_new_deferral("异议", "（2026）执异1号", None, d(4), review_on=d(4))


def test_a_deferral_is_late_only_after_a_due_day():
    assert is_late([d(16)], d(17)) is True
    assert is_late([d(16), None], d(16)) is False
