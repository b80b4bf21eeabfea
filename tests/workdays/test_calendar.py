"""The working-day calendar: the package's years, and a year it does not know yet."""
import datetime as dt

import chinese_calendar
import pytest

from app.workdays.calendar import ENTERED, PACKAGE, WEEKENDS, EnteredDay, WorkCalendar, entries_from, package_knows

D = dt.date
UNKNOWN = 2099  # far enough ahead that no release of the package will know it soon


def test_the_package_raises_for_a_year_it_does_not_know():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNKNOWN, 1, 5))
    assert package_knows(2026) and not package_knows(UNKNOWN)


@pytest.mark.parametrize(
    "day, workday",
    [
        (D(2026, 2, 13), True),    # Friday before the Spring Festival
        (D(2026, 2, 14), True),    # Saturday: make-up workday (调休上班)
        (D(2026, 2, 16), False),   # Monday inside the Spring Festival
        (D(2026, 10, 1), False),   # National Day
        (D(2026, 10, 10), True),   # Saturday: make-up workday after National Day
        (D(2026, 10, 11), False),  # an ordinary Sunday
        (D(2026, 6, 15), True),    # an ordinary Monday
    ],
)
def test_a_known_year_follows_the_official_arrangement(day, workday):
    assert WorkCalendar().is_workday(day) is workday


def test_rest_days_are_named():
    calendar = WorkCalendar()
    assert calendar.rest_days(D(2026, 9, 30), D(2026, 10, 3)) == [
        (D(2026, 10, 1), "国庆节"), (D(2026, 10, 2), "国庆节"), (D(2026, 10, 3), "国庆节")]
    assert calendar.rest_day_reason(D(2026, 10, 11)) == "周日"
    assert calendar.rest_day_reason(D(2026, 10, 10)) is None


def test_rest_days_run_to_the_last_day_there_is():
    # The calendar of year 9999 is plain weekends: 9999-12-31 is a Friday, the 25th and 26th a weekend.
    assert WorkCalendar().rest_days(D(9999, 12, 25), dt.date.max) == [(D(9999, 12, 25), "周六"), (D(9999, 12, 26), "周日")]


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),    # over the National Day break
        (D(2026, 9, 30), 3, D(2026, 10, 10)),   # the make-up Saturday counts
        (D(2026, 6, 12), 3, D(2026, 6, 17)),    # Friday + 3 skips the weekend
        (D(2026, 6, 17), -3, D(2026, 6, 12)),
        (D(2026, 6, 13), 0, D(2026, 6, 13)),
    ],
)
def test_adding_working_days(start, n, expected):
    assert WorkCalendar().add_working_days(start, n) == expected


def test_an_unknown_year_falls_back_to_weekends():
    calendar = WorkCalendar()
    assert calendar.source(UNKNOWN) == WEEKENDS and not calendar.known_year(UNKNOWN)
    assert calendar.is_workday(D(UNKNOWN, 1, 1))        # a Thursday: nothing entered, so worked
    assert not calendar.is_workday(D(UNKNOWN, 1, 3))    # a Saturday
    assert calendar.rest_day_reason(D(UNKNOWN, 1, 3)) == "周六"


def entered(confirmed=False):
    days = [EnteredDay(D(UNKNOWN, 1, 1), False, "元旦"), EnteredDay(D(UNKNOWN, 1, 3), True, "元旦调休")]
    return lambda year: entries_from(days if year == UNKNOWN else [], confirmed)


def test_entered_holidays_and_make_up_workdays_apply_to_an_unknown_year():
    calendar = WorkCalendar(entered())
    assert not calendar.is_workday(D(UNKNOWN, 1, 1)) and calendar.rest_day_reason(D(UNKNOWN, 1, 1)) == "元旦"
    assert calendar.is_workday(D(UNKNOWN, 1, 3))       # a Saturday made a workday
    assert not calendar.is_workday(D(UNKNOWN, 1, 4))   # the Sunday stays a rest day
    assert calendar.add_working_days(D(2098, 12, 31), 1) == D(UNKNOWN, 1, 2)
    assert calendar.source(UNKNOWN) == WEEKENDS        # entered but not confirmed: still provisional


def test_a_confirmed_year_is_known():
    calendar = WorkCalendar(entered(confirmed=True))
    assert calendar.known_year(UNKNOWN) and calendar.source(UNKNOWN) == ENTERED


def test_the_package_wins_over_entries_for_a_year_it_knows():
    loaded = []

    def load(year):
        loaded.append(year)
        return entries_from([EnteredDay(D(2026, 10, 1), True, "错误录入")], True)

    calendar = WorkCalendar(load)
    assert not calendar.is_workday(D(2026, 10, 1)) and calendar.source(2026) == PACKAGE
    assert loaded == []


def test_a_year_is_loaded_once():
    loaded = []

    def load(year):
        loaded.append(year)
        return entries_from([], False)

    calendar = WorkCalendar(load)
    calendar.rest_days(D(UNKNOWN, 1, 1), D(UNKNOWN, 3, 1))
    assert loaded == [UNKNOWN]
