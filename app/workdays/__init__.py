"""The Chinese working-day calendar, shared by every area that counts working days.

Plain functions on the current database session (any tenant or none: the data is national):

    is_workday(day)            holidays and rest days are not, make-up workdays are
    add_working_days(day, n)   e.g. a deadline of 3 working days
    known_year(year)           False while a year's official arrangement is neither in the package
                               nor entered in full; such a year falls back to weekends
    work_calendar()            a WorkCalendar for many questions at once (loads each year once)

Administrators of a province-level federation enter an unknown year's holidays and make-up
workdays on the reduction area's calendar page or with `jiceng calendar ...` (see services).
"""
from __future__ import annotations

import datetime as dt

from .calendar import SOURCES, WorkCalendar  # noqa: F401


def work_calendar() -> WorkCalendar:
    from .services import load_year

    return WorkCalendar(load_year)


def is_workday(day: dt.date) -> bool:
    return work_calendar().is_workday(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return work_calendar().add_working_days(day, n)


def known_year(year: int) -> bool:
    return work_calendar().known_year(year)
