from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconcile.working_days import (
    Deadline,
    InvalidCalendarFile,
    WorkingDayCalendar,
    load_calendar_dir,
    package_schedules,
)

CONFIG_CALENDARS = Path(__file__).parents[2] / "config" / "calendars"


@pytest.fixture(scope="module")
def calendar():
    return WorkingDayCalendar.from_sources(None)


@pytest.fixture(scope="module")
def calendar_known_to_2026():
    """The package's schedules up to 2026, so the 2026/2027 boundary stays testable."""
    schedules = {year: s for year, s in package_schedules().items() if year <= 2026}
    return WorkingDayCalendar(schedules)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# The real 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04), as the
# chinesecalendar data has it: 中秋 9-25..27, 国庆 10-01..07, make-up 9-20 (Sun), 10-10 (Sat).
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 20), True),
        (date(2026, 9, 25), False),
        (date(2026, 9, 30), True),
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),
        (date(2026, 10, 11), False),
        (date(2026, 2, 14), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 28), True),
    ],
)
def test_the_2026_holidays_and_make_up_workdays_come_from_the_published_schedule(
    calendar, day, working
):
    assert calendar.is_working_day(day) is working


def test_the_package_knows_every_year_from_2004_to_2026(calendar):
    assert set(range(2004, 2027)) <= calendar.known_years()


def test_the_day_of_arrival_is_not_counted(calendar):
    friday = date(2026, 3, 6)
    assert calendar.add_working_days(friday, 1) == Deadline(date(2026, 3, 9), False, ())


def test_money_arriving_on_a_holiday_starts_counting_after_the_holiday(calendar):
    assert calendar.add_working_days(date(2026, 10, 1), 1).due == date(2026, 10, 8)


def test_a_notice_deadline_across_national_day_2026_skips_the_week_off_and_counts_the_saturday(
    calendar,
):
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12..16, 10-19, 10-20.
    deadline = calendar.add_working_days(date(2026, 9, 30), 10)
    assert deadline == Deadline(date(2026, 10, 20), provisional=False, unknown_years=())


def test_a_payment_deadline_across_national_day_2026_counts_the_make_up_saturday(calendar):
    # 10-08, 10-09, 10-10 (Sat, make-up), 10-12, 10-13.
    assert calendar.add_working_days(date(2026, 9, 30), 5).due == date(2026, 10, 13)


def test_the_mid_autumn_weekend_before_national_day_is_skipped(calendar):
    # 9-25 Fri is off; 9-20 Sun was worked instead.
    assert calendar.add_working_days(date(2026, 9, 24), 1).due == date(2026, 9, 28)
    assert calendar.add_working_days(date(2026, 9, 19), 1).due == date(2026, 9, 20)


def test_a_deadline_across_the_2026_spring_festival_counts_both_make_up_saturdays(calendar):
    arrival = date(2026, 2, 13)  # Friday before the holiday
    # 2-14 Sat (make-up), 2-15..23 off, 2-24..27, 2-28 Sat (make-up), 3-02..05.
    assert calendar.add_working_days(arrival, 5).due == date(2026, 2, 27)
    assert calendar.add_working_days(arrival, 10).due == date(2026, 3, 5)


def test_working_days_between_counts_after_start_up_to_and_including_end(calendar):
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 20)) == 10
    assert calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 1)) == 0


def test_zero_working_days_is_the_start_day_itself(calendar):
    assert calendar.add_working_days(date(2026, 10, 3), 0).due == date(2026, 10, 3)


def test_a_negative_count_is_refused(calendar):
    with pytest.raises(ValueError, match="-1"):
        calendar.add_working_days(date(2026, 3, 2), -1)


@given(
    st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31)),
    st.integers(min_value=1, max_value=40),
)
def test_the_due_day_is_a_working_day_exactly_n_working_days_after_start(start, n):
    calendar = WorkingDayCalendar(package_schedules())
    deadline = calendar.add_working_days(start, n)
    assert calendar.is_working_day(deadline.due)
    assert calendar.working_days_between(start, deadline.due) == n
    assert not deadline.provisional


def test_a_deadline_reaching_an_unknown_year_is_counted_on_weekends_and_marked_provisional(
    calendar_known_to_2026,
):
    # 12-25, 12-28..31 in 2026; 2027-01-01 (Fri) counts: 2027 has no schedule yet.
    deadline = calendar_known_to_2026.add_working_days(date(2026, 12, 24), 10)
    assert deadline == Deadline(date(2027, 1, 7), provisional=True, unknown_years=(2027,))


def test_a_deadline_ending_on_the_last_known_day_is_not_provisional(calendar_known_to_2026):
    deadline = calendar_known_to_2026.add_working_days(date(2026, 12, 24), 5)
    assert deadline == Deadline(date(2026, 12, 31), provisional=False, unknown_years=())


def test_an_unknown_year_has_only_weekends_off(calendar_known_to_2026):
    assert calendar_known_to_2026.is_working_day(date(2027, 1, 1))
    assert not calendar_known_to_2026.is_working_day(date(2027, 1, 2))


def test_the_real_calendar_marks_deadlines_past_its_last_known_year_provisional(calendar):
    last = max(calendar.known_years())
    deadline = calendar.add_working_days(date(last, 12, 31), 3)
    assert deadline.provisional
    assert deadline.unknown_years == (last + 1,)


def test_a_deadline_spanning_several_unknown_years_names_them_all(calendar_known_to_2026):
    deadline = calendar_known_to_2026.add_working_days(date(2026, 12, 31), 300)
    assert deadline.unknown_years == (2027, 2028)


A_2026_OVERRIDE = """
year = 2026
source = "test fixture: 2026 with only 10-08 off"
holidays = [2026-10-08]
workdays = []
"""

A_2027_SCHEDULE = """
year = 2027
source = "test fixture, not the real 2027 notice"
holidays = [2027-01-01, 2027-01-04]
workdays = [2027-01-09]
"""


def test_a_calendar_file_replaces_the_package_schedule_for_its_year(tmp_path):
    _write(tmp_path, "2026.toml", A_2026_OVERRIDE)
    calendar = WorkingDayCalendar.from_sources(tmp_path)
    assert not calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 10, 10))
    assert calendar.source_of(2026) == "test fixture: 2026 with only 10-08 off"


def test_a_calendar_file_adds_a_year_and_its_deadlines_are_no_longer_provisional(tmp_path):
    _write(tmp_path, "2027.toml", A_2027_SCHEDULE)
    calendar = WorkingDayCalendar.from_sources(tmp_path)
    assert 2027 in calendar.known_years()
    # 2027-01-01 Fri and 01-04 Mon off, 01-09 Sat worked.
    deadline = calendar.add_working_days(date(2026, 12, 31), 4)
    assert deadline == Deadline(date(2027, 1, 8), provisional=False, unknown_years=())
    assert calendar.add_working_days(date(2026, 12, 31), 5).due == date(2027, 1, 9)


def test_the_shipped_calendar_folder_loads_and_ignores_the_readme_and_example():
    loaded = load_calendar_dir(CONFIG_CALENDARS)
    assert all(year == schedule.year for year, schedule in loaded.items())
    assert (CONFIG_CALENDARS / "example.toml.txt").exists()


def test_the_example_file_matches_the_package_schedule_for_2026(tmp_path):
    example = (CONFIG_CALENDARS / "example.toml.txt").read_text(encoding="utf-8")
    _write(tmp_path, "2026.toml", example)
    from_example = load_calendar_dir(tmp_path)[2026]
    from_package = package_schedules()[2026]
    assert from_example.days_off == from_package.days_off
    assert from_example.make_up_workdays == from_package.make_up_workdays


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("2027.toml", A_2027_SCHEDULE.replace("year = 2027", "year = 2028"), "named 2027"),
        ("2027.toml", A_2027_SCHEDULE.replace("source", "# source"), "source"),
        ("2027.toml", A_2027_SCHEDULE.replace("2027-01-04", "2026-12-31"), "outside 2027"),
        ("2027.toml", A_2027_SCHEDULE.replace("2027-01-04", '"2027-01-04"'), "list of dates"),
        (
            "2027.toml",
            A_2027_SCHEDULE.replace("2027-01-04", "2027-01-04T00:00:00"),
            "list of dates",
        ),
        ("2027.toml", A_2027_SCHEDULE.replace("[2027-01-09]", "[2027-01-01]"), "both"),
        ("2027.toml", "year = 2027\nholidays = [", "2027.toml"),
        ("holidays.toml", A_2027_SCHEDULE, "named <year>.toml"),
    ],
)
def test_a_wrong_calendar_file_is_refused_naming_the_file_and_the_problem(
    tmp_path, name, text, complaint
):
    _write(tmp_path, name, text)
    with pytest.raises(InvalidCalendarFile, match=complaint) as refused:
        WorkingDayCalendar.from_sources(tmp_path)
    assert name in str(refused.value)


def test_a_missing_calendar_folder_is_refused(tmp_path):
    with pytest.raises(InvalidCalendarFile, match="does not exist"):
        WorkingDayCalendar.from_sources(tmp_path / "nowhere")


MONDAY = date(2026, 3, 2)  # an ordinary fortnight: 10 working days end on 03-16


def test_working_days_inside_a_pause_do_not_count(calendar):
    # 03-03, 03-04 counted; 03-05..11 paused; 03-12, 13, 16..20, 23 counted.
    pauses = [(date(2026, 3, 5), date(2026, 3, 11))]
    deadline = calendar.add_working_days_with_pauses(MONDAY, 10, pauses)
    assert deadline == Deadline(date(2026, 3, 23), provisional=False, unknown_years=())


def test_a_pause_that_began_before_arrival_delays_the_start_of_the_count(calendar):
    pauses = [(date(2026, 2, 20), date(2026, 3, 4))]
    assert calendar.add_working_days_with_pauses(MONDAY, 10, pauses).due == date(2026, 3, 18)


def test_overlapping_pauses_stop_the_clock_for_their_union(calendar):
    pauses = [(date(2026, 3, 5), date(2026, 3, 9)), (date(2026, 3, 7), date(2026, 3, 11))]
    assert calendar.add_working_days_with_pauses(MONDAY, 10, pauses).due == date(2026, 3, 23)


def test_a_pause_still_open_when_the_count_reaches_it_leaves_no_due_date(calendar):
    deadline = calendar.add_working_days_with_pauses(MONDAY, 10, [(date(2026, 3, 5), None)])
    assert deadline == Deadline(None, provisional=False, unknown_years=(), paused=True)


def test_an_open_pause_after_the_due_date_does_not_change_it(calendar):
    deadline = calendar.add_working_days_with_pauses(MONDAY, 10, [(date(2026, 4, 1), None)])
    assert deadline == Deadline(date(2026, 3, 16), provisional=False, unknown_years=())


def test_a_pause_over_a_holiday_week_costs_no_working_days_twice(calendar):
    pauses = [(date(2026, 10, 1), date(2026, 10, 7))]
    with_pause = calendar.add_working_days_with_pauses(date(2026, 9, 30), 10, pauses)
    assert with_pause.due == calendar.add_working_days(date(2026, 9, 30), 10).due


def test_a_pause_across_the_year_end_keeps_the_unknown_year_it_resumes_in(
    calendar_known_to_2026,
):
    pauses = [(date(2026, 12, 28), date(2027, 1, 3))]
    deadline = calendar_known_to_2026.add_working_days_with_pauses(date(2026, 12, 24), 2, pauses)
    assert deadline == Deadline(date(2027, 1, 4), provisional=True, unknown_years=(2027,))


def test_a_pause_ending_before_it_begins_is_refused(calendar):
    with pytest.raises(ValueError, match="before it begins"):
        calendar.add_working_days_with_pauses(MONDAY, 1, [(date(2026, 3, 9), date(2026, 3, 5))])
