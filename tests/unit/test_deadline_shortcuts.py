"""The scan's shortcuts answer as the long way does: money that only arrives, remembered counts."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.deadlines import CaseFacts, releasable_since
from reconcile.working_days import WorkingDayCalendar

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))
arrivals = st.lists(st.tuples(days, st.integers(min_value=1, max_value=10**9)), max_size=6)


@given(arrivals)
def test_money_that_only_arrives_waits_from_its_oldest_arrival_as_the_long_way_says(money):
    short = CaseFacts(1, "X", True, arrivals=money)
    # a hold of nothing changes nothing, but takes the long way through every event
    long = CaseFacts(1, "X", True, arrivals=money, holds=[(date(2025, 1, 1), 0)])
    assert releasable_since(short) == releasable_since(long)


@settings(max_examples=50)
@given(days, st.integers(min_value=0, max_value=30), days)
def test_a_calendar_answers_the_same_question_again_the_same(start, n, end):
    remembering = WorkingDayCalendar.from_sources(None)
    for _ in range(2):
        assert remembering.add_working_days(start, n) == _fresh().add_working_days(start, n)
        assert remembering.working_days_between(start, end) == _fresh().working_days_between(
            start, end
        )
    assert remembering.add_working_days(start, n).due >= start + timedelta(days=n)


def _fresh() -> WorkingDayCalendar:
    return WorkingDayCalendar.from_sources(None)
