"""The business calendar: hand examples (weekend, holiday, lunch, summer time) and properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answerdesk.sla.calendar import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
NINE, SIX_PM = dt.time(9), dt.time(18)


def office(*, holidays: frozenset[dt.date] = frozenset()) -> BusinessCalendar:
    """Monday to Friday, 09:00 to 18:00, in Paris: what the migration seeds."""
    return BusinessCalendar.from_rows([(d, NINE, SIX_PM) for d in range(5)], holidays, PARIS)


def paris(year: int, month: int, day: int, hour: int, minute: int = 0, fold: int = 0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS, fold=fold)


def test_friday_17_00_plus_two_hours_is_monday_10_00():
    assert office().add(paris(2026, 11, 20, 17), 2) == paris(2026, 11, 23, 10)


def test_a_holiday_is_skipped():
    armistice = dt.date(2026, 11, 11)  # a Wednesday

    due = office(holidays=frozenset({armistice})).add(paris(2026, 11, 10, 17), 2)

    assert due == paris(2026, 11, 12, 10)


def test_a_start_outside_business_hours_counts_from_the_next_opening():
    calendar = office()

    assert calendar.add(paris(2026, 11, 21, 12), 1) == paris(2026, 11, 23, 10)  # a Saturday
    assert calendar.add(paris(2026, 11, 23, 7), 1) == paris(2026, 11, 23, 10)  # before nine
    assert calendar.add(paris(2026, 11, 23, 19), 1) == paris(2026, 11, 24, 10)  # after six


def test_a_target_ending_at_closing_time_is_due_at_closing_time_not_the_next_morning():
    assert office().add(paris(2026, 11, 23, 9), 9) == paris(2026, 11, 23, 18)


def test_a_day_with_a_lunch_break_counts_around_it():
    rows = [(0, NINE, dt.time(12)), (0, dt.time(13), SIX_PM)]
    calendar = BusinessCalendar.from_rows(rows, (), PARIS)

    assert calendar.add(paris(2026, 11, 23, 11, 30), 1) == paris(2026, 11, 23, 13, 30)
    assert calendar.between(paris(2026, 11, 23, 8), paris(2026, 11, 23, 20)) == dt.timedelta(
        hours=8
    )


def test_the_weekend_summer_time_begins_costs_no_business_hour():
    friday, monday = paris(2026, 3, 27, 17), paris(2026, 3, 30, 10)  # CET, then CEST

    assert office().add(friday, 2) == monday
    assert office().between(friday, monday) == dt.timedelta(hours=2)
    assert monday.astimezone(dt.UTC) - friday.astimezone(dt.UTC) == dt.timedelta(hours=64)


def test_around_the_clock_a_day_of_summer_time_change_is_23_or_25_hours_long():
    always = BusinessCalendar(((),) * 7, frozenset(), PARIS)

    assert always.always_open
    assert always.add(paris(2026, 3, 28, 12), 24) == paris(2026, 3, 29, 13)
    assert always.add(paris(2026, 10, 24, 12), 24) == paris(2026, 10, 25, 11)
    spring_day = always.between(paris(2026, 3, 29, 0), paris(2026, 3, 30, 0))
    autumn_day = always.between(paris(2026, 10, 25, 0), paris(2026, 10, 26, 0))
    assert (spring_day, autumn_day) == (dt.timedelta(hours=23), dt.timedelta(hours=25))


def test_night_hours_across_the_change_count_the_hours_that_really_pass():
    sunday_night = [(6, dt.time(1), dt.time(4))]
    calendar = BusinessCalendar.from_rows(sunday_night, (), PARIS)

    # 01:00-04:00 is two real hours when 02:00 jumps to 03:00, four when 03:00 goes back.
    assert calendar.between(paris(2026, 3, 29, 0), paris(2026, 3, 29, 12)) == dt.timedelta(hours=2)
    assert calendar.between(paris(2026, 10, 25, 0), paris(2026, 10, 25, 12)) == dt.timedelta(
        hours=4
    )
    assert calendar.add(paris(2026, 10, 25, 1), 2) == paris(2026, 10, 25, 2, fold=1)


def test_an_opening_time_that_does_not_exist_opens_at_the_change():
    # 02:30 is skipped on 29 March 2026: the day opens when the clocks read 03:00.
    calendar = BusinessCalendar.from_rows([(6, dt.time(2, 30), dt.time(5))], (), PARIS)

    assert calendar.add(paris(2026, 3, 29, 0), 1) == paris(2026, 3, 29, 4)


def test_closing_at_midnight_closes_at_the_end_of_the_day():
    late = BusinessCalendar.from_rows([(5, dt.time(20), dt.time(0))], (), PARIS)

    assert late.add(paris(2026, 11, 21, 23), 2) == paris(2026, 11, 28, 21)


def test_between_is_negative_once_the_target_has_passed():
    due = paris(2026, 11, 23, 10)

    assert office().between(paris(2026, 11, 23, 9), due) == dt.timedelta(hours=1)
    assert office().between(paris(2026, 11, 23, 12), due) == -dt.timedelta(hours=2)
    assert office().between(due, due) == dt.timedelta(0)


def test_no_hours_means_zero_returns_the_start_even_on_a_sunday():
    sunday = paris(2026, 11, 22, 12)

    assert office().add(sunday, 0) == sunday


def test_the_result_is_in_the_zone_of_the_start():
    start = dt.datetime(2026, 11, 20, 16, tzinfo=dt.UTC)  # 17:00 in Paris

    due = office().add(start, 2)

    assert due.tzinfo is dt.UTC
    assert due == paris(2026, 11, 23, 10)


def test_overlapping_intervals_are_merged():
    calendar = BusinessCalendar.from_rows(
        [(0, dt.time(13), SIX_PM), (0, NINE, dt.time(14)), (0, dt.time(10), dt.time(11))],
        (),
        PARIS,
    )

    assert calendar.hours[0] == ((NINE, SIX_PM),)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: BusinessCalendar(((),) * 6, frozenset(), PARIS), "7 weekdays"),
        (lambda: BusinessCalendar.from_rows([(7, NINE, SIX_PM)], (), PARIS), "weekday 7"),
        (lambda: BusinessCalendar.from_rows([(0, SIX_PM, NINE)], (), PARIS), "open before"),
        (lambda: office().add(dt.datetime(2026, 11, 23, 9), 1), "timezone-aware"),
        (lambda: office().add(paris(2026, 11, 23, 9), -1), "negative"),
    ],
)
def test_what_cannot_be_computed_is_refused_with_a_reason(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- properties --------------------------------------------------------------------------

QUARTERS = st.integers(6 * 4, 23 * 4).map(lambda q: dt.time(q // 4, q % 4 * 15))
# Daytime intervals only, so that the oracle below can read wall times without meeting the
# hour that summer time skips or repeats (the hand examples above cover those).
INTERVALS = st.tuples(QUARTERS, QUARTERS).filter(lambda pair: pair[0] < pair[1])
CALENDARS = st.builds(
    lambda week, holidays: BusinessCalendar(tuple(map(tuple, week)), holidays, PARIS),
    st.lists(st.lists(INTERVALS, max_size=2), min_size=7, max_size=7),
    st.frozensets(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), max_size=40),
)
STARTS = st.datetimes(
    dt.datetime(2026, 1, 1),
    dt.datetime(2027, 12, 31),
    timezones=st.sampled_from([PARIS, dt.UTC]),
)
# Whole minutes: a float number of hours then converts to a timedelta exactly.
HOURS = st.integers(0, 120 * 60).map(lambda minutes: minutes / 60)


def business_time_runs_until(calendar: BusinessCalendar, moment: dt.datetime) -> bool:
    """Oracle: the calendar was open just before `moment` (read independently of add())."""
    local = (moment.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).astimezone(PARIS)
    if local.date() in calendar.holidays:
        return False
    if calendar.always_open:
        return True
    return any(opens <= local.time() < closes for opens, closes in calendar.hours[local.weekday()])


@settings(deadline=None)
@given(CALENDARS, STARTS, HOURS, HOURS)
def test_adding_in_two_steps_is_adding_at_once(calendar, start, a, b):
    assert calendar.add(start, a + b) == calendar.add(calendar.add(start, a), b)


@settings(deadline=None)
@given(CALENDARS, STARTS, HOURS)
def test_the_business_time_between_start_and_due_is_the_target(calendar, start, hours):
    assert calendar.between(start, calendar.add(start, hours)) == dt.timedelta(hours=hours)


@settings(deadline=None)
@given(CALENDARS, STARTS, HOURS)
def test_a_due_date_is_never_on_a_holiday_a_weekend_or_outside_hours(calendar, start, hours):
    due = calendar.add(start, hours)

    assert due >= start
    assert hours == 0 or business_time_runs_until(calendar, due)


@settings(deadline=None)
@given(CALENDARS, st.lists(STARTS, min_size=3, max_size=3))
def test_business_time_adds_up_and_runs_backwards(calendar, moments):
    a, b, c = sorted(moments)

    assert calendar.between(a, c) == calendar.between(a, b) + calendar.between(b, c)
    assert calendar.between(c, a) == -calendar.between(a, c)


@given(STARTS, STARTS)
def test_around_the_clock_business_time_is_real_time_across_summer_time(start, end):
    always = BusinessCalendar(((),) * 7, frozenset(), PARIS)

    assert always.between(start, end) == end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
