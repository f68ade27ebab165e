"""Clock 1 (notice) and clock 2 (payment) on the real State Council calendars."""

from datetime import date

import pytest

from reconcile.deadlines import (
    CaseFacts,
    ClockKind,
    ClockState,
    Notice,
    Rules,
    clocks,
    findings,
    provisional_years,
    releasable_since,
    state_of,
)
from reconcile.working_days import WorkingDayCalendar, package_schedules

RULES = Rules(notice_working_days=10, payment_working_days=5, warning_lead_working_days=2)


@pytest.fixture(scope="module")
def calendar():
    """The package's schedules up to 2026: 2026 is the last year the calendar knows."""
    return WorkingDayCalendar({y: s for y, s in package_schedules().items() if y <= 2026})


def facts(**kwargs) -> CaseFacts:
    return CaseFacts(case_id=7, court="京0105", open=kwargs.pop("open", True), **kwargs)


def notice_clock(case: CaseFacts, calendar):
    [clock] = [c for c in clocks(case, RULES, calendar) if c.kind == ClockKind.NOTICE]
    return clock


# ---- across the calendar's holidays ----


def test_money_arriving_before_national_day_2026_needs_its_notice_by_9_october(calendar):
    # 9-20 Sun (make-up) 1, 9-21..24 2-5, 9-25..27 off (中秋), 9-28..30 6-8,
    # 10-01..07 off (国庆), 10-08 9, 10-09 10.
    clock = notice_clock(facts(arrivals=[(date(2026, 9, 18), 100_00)]), calendar)
    assert clock.deadline.due == date(2026, 10, 9)
    assert clock.deadline.provisional is False


def test_a_notice_on_the_eve_of_national_day_is_paid_by_13_october_counting_saturday_10th(
    calendar,
):
    # 10-08, 10-09, 10-10 (Sat, make-up), 10-12, 10-13.
    case = facts(
        arrivals=[(date(2026, 9, 29), 100_00)],
        notices=[Notice(1, date(2026, 9, 30), 100_00, approved_on=date(2026, 9, 30))],
    )
    [clock] = clocks(case, RULES, calendar)
    assert clock.kind == ClockKind.PAYMENT
    assert clock.deadline.due == date(2026, 10, 13)


def test_the_warning_lead_counts_working_days_so_the_week_off_brings_it_forward(calendar):
    clock = notice_clock(facts(arrivals=[(date(2026, 9, 18), 100_00)]), calendar)
    assert state_of(clock, date(2026, 9, 29), RULES, calendar) == ClockState.RUNNING
    assert state_of(clock, date(2026, 9, 30), RULES, calendar) == ClockState.DUE_SOON
    assert state_of(clock, date(2026, 10, 9), RULES, calendar) == ClockState.DUE_SOON
    assert state_of(clock, date(2026, 10, 10), RULES, calendar) == ClockState.OVERDUE


def test_money_arriving_before_the_2026_spring_festival_counts_both_make_up_saturdays(calendar):
    # 2-14 Sat 1, 2-15..23 off, 2-24..27 2-5, 2-28 Sat 6, 3-02..05 7-10.
    clock = notice_clock(facts(arrivals=[(date(2026, 2, 13), 100_00)]), calendar)
    assert clock.deadline.due == date(2026, 3, 5)


def test_a_deadline_reaching_past_the_last_known_year_is_provisional_not_an_error(calendar):
    # 12-25, 12-28..31 1-5; 2027 is unknown: weekdays only, so 1-01 (Fri) counts: 6,
    # 1-04..07 7-10.
    clock = notice_clock(facts(arrivals=[(date(2026, 12, 24), 100_00)]), calendar)
    assert clock.deadline.due == date(2027, 1, 7)
    assert clock.deadline.provisional is True
    assert provisional_years([clock]) == {2027}


def test_a_deadline_inside_the_known_years_names_no_provisional_year(calendar):
    clock = notice_clock(facts(arrivals=[(date(2026, 12, 1), 100_00)]), calendar)
    assert provisional_years([clock]) == set()


# ---- what money the notice clock runs for ----


def test_the_day_money_arrives_is_not_counted(calendar):
    case = facts(arrivals=[(date(2026, 3, 6), 1)])  # a Friday
    rules = Rules(1, 5, 0)
    [clock] = clocks(case, rules, calendar)
    assert clock.deadline.due == date(2026, 3, 9)


def test_a_hold_larger_than_the_balance_leaves_no_money_waiting_for_a_notice(calendar):
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)], holds=[(date(2026, 3, 3), 500_00)])
    assert releasable_since(case) is None
    assert clocks(case, RULES, calendar) == []


def test_money_arriving_beyond_a_hold_starts_the_clock_on_its_own_arrival(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00), (date(2026, 3, 9), 500_00)],
        holds=[(date(2026, 3, 3), 300_00)],
    )
    assert releasable_since(case) == (date(2026, 3, 9), 300_00)


def test_released_money_is_releasable_from_the_day_of_the_release(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00)],
        holds=[(date(2026, 3, 2), 100_00), (date(2026, 4, 1), -40_00)],
    )
    assert releasable_since(case) == (date(2026, 4, 1), 40_00)


def test_a_notice_covers_the_oldest_money_first(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00), (date(2026, 3, 4), 50_00)],
        notices=[Notice(1, date(2026, 3, 5), 120_00)],
    )
    assert releasable_since(case) == (date(2026, 3, 4), 30_00)


def test_a_closed_case_runs_no_notice_clock_but_its_notices_must_still_be_paid(calendar):
    case = facts(
        open=False,
        arrivals=[(date(2026, 3, 2), 100_00)],
        notices=[Notice(1, date(2026, 3, 3), 60_00, approved_on=date(2026, 3, 3))],
    )
    assert [c.kind for c in clocks(case, RULES, calendar)] == [ClockKind.PAYMENT]


def test_a_paid_notice_runs_no_clock(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00)],
        notices=[Notice(1, date(2026, 3, 3), 100_00, paid_on=date(2026, 3, 5))],
    )
    assert clocks(case, RULES, calendar) == []


# ---- deferrals pause the clock ----


def test_an_approved_deferral_stops_the_clock_and_nothing_is_due(calendar):
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)], pauses=[(date(2026, 3, 4), None)])
    clock = notice_clock(case, calendar)
    assert clock.deadline.paused is True and clock.deadline.due is None
    assert findings([clock], date(2026, 6, 1), RULES, calendar) == []


def test_an_ended_deferral_moves_the_deadline_by_the_working_days_it_covered(calendar):
    plain = notice_clock(facts(arrivals=[(date(2026, 3, 2), 100_00)]), calendar)
    paused = notice_clock(
        facts(
            arrivals=[(date(2026, 3, 2), 100_00)], pauses=[(date(2026, 3, 4), date(2026, 3, 10))]
        ),
        calendar,
    )
    assert plain.deadline.due == date(2026, 3, 16)
    # 3-04..06 and 3-09..10 are inside the pause: five working days later.
    assert paused.deadline.due == date(2026, 3, 23)


# ---- which alerts are due ----


def test_a_warning_comes_before_the_deadline_and_an_alert_after_it(calendar):
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)])  # due 3-16
    running = clocks(case, RULES, calendar)
    assert findings(running, date(2026, 3, 11), RULES, calendar) == []
    assert [f.kind for f in findings(running, date(2026, 3, 12), RULES, calendar)] == [
        "notice_due_soon"
    ]
    assert [f.kind for f in findings(running, date(2026, 3, 17), RULES, calendar)] == [
        "notice_overdue"
    ]


def test_an_unpaid_notice_past_its_deadline_is_a_payment_overdue_alert(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00)],
        notices=[Notice(9, date(2026, 3, 3), 100_00, approved_on=date(2026, 3, 3))],
    )  # due 3-10
    [finding] = findings(clocks(case, RULES, calendar), date(2026, 3, 11), RULES, calendar)
    assert finding.kind == "payment_overdue"
    assert finding.clock.disbursement_id == 9


def test_each_deadline_has_a_stable_subject_so_its_alerts_are_raised_once(calendar):
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)])
    first, again = clocks(case, RULES, calendar), clocks(case, RULES, calendar)
    assert first[0].subject == again[0].subject == "case:7:notice:money:2026-03-02:2026-03-16"


# ---- the payment clock runs from the notice to finance ----


def test_the_payment_clock_runs_from_the_final_approval_by_default(calendar):
    notice = Notice(3, date(2026, 3, 5), 100_00, approved_on=date(2026, 3, 10))
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)], notices=[notice])
    [clock] = clocks(case, RULES, calendar)
    assert (clock.started_on, clock.deadline.due) == (date(2026, 3, 10), date(2026, 3, 17))
    kinds = [f.kind for f in findings([clock], date(2026, 3, 13), RULES, calendar)]
    assert kinds == ["payment_due_soon"]


def test_a_notice_not_finally_approved_runs_no_payment_clock_yet(calendar):
    case = facts(
        arrivals=[(date(2026, 3, 2), 100_00)], notices=[Notice(3, date(2026, 3, 5), 100_00)]
    )
    assert clocks(case, RULES, calendar) == []


def test_the_payment_clock_may_run_from_the_request(calendar):
    rules = Rules(10, 5, 2, notice_to_finance="request")
    notice = Notice(3, date(2026, 3, 5), 100_00, approved_on=date(2026, 3, 10))
    case = facts(arrivals=[(date(2026, 3, 2), 100_00)], notices=[notice])
    [clock] = clocks(case, rules, calendar)
    assert (clock.started_on, clock.deadline.due) == (date(2026, 3, 5), date(2026, 3, 12))


def test_an_unknown_notice_to_finance_is_refused():
    settings = {"deadlines": {"notice_working_days": 10, "payment_working_days": 5}}
    settings["deadlines"] |= {"warning_lead_working_days": 2, "notice_to_finance": "payment"}
    with pytest.raises(ValueError, match="notice_to_finance"):
        Rules.from_settings(settings)
