"""The Chinese working-day calendar as a plain object: no Flask, no database.

Which days are worked is decided by the State Council each year (published late in the year
before): public holidays (法定节假日) move the weekend around them, and some weekend days become
make-up workdays (调休上班). The `chinesecalendar` package carries the official arrangement for the
years it knows and raises NotImplementedError for the others. For such a year this calendar falls
back to plain weekends, corrected by the holidays and make-up workdays an administrator entered.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Iterable, Mapping

import chinese_calendar

PACKAGE, ENTERED, WEEKENDS = "package", "entered", "weekends"
# How a year's working days are known; labels go through the catalogue in templates.
SOURCES = {
    PACKAGE: "国务院公布的安排（chinesecalendar）",
    ENTERED: "管理员录入的安排",
    WEEKENDS: "尚未公布：暂按周末推算",
}
# Names the package gives its holidays (English), in Chinese for the pages.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclasses.dataclass(frozen=True)
class EnteredDay:
    """A day an administrator entered for a year the package does not know."""

    day: dt.date
    is_workday: bool  # True: a make-up workday on a weekend; False: a public holiday
    name: str


@dataclasses.dataclass(frozen=True)
class YearEntries:
    days: Mapping[dt.date, EnteredDay]
    confirmed: bool  # the administrators say the year's whole arrangement is entered


NO_ENTRIES = YearEntries({}, False)


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


class WorkCalendar:
    """Working days over any span of years; the entries of a year are loaded once, on first use.

    load(year) -> YearEntries is asked only for years the package does not know."""

    def __init__(self, load: Callable[[int], YearEntries] = lambda year: NO_ENTRIES):
        self._load = load
        self._years: dict[int, YearEntries | None] = {}

    def _entries(self, year: int) -> YearEntries | None:
        """None when the package knows the year (its data wins; entries are ignored)."""
        if year not in self._years:
            self._years[year] = None if package_knows(year) else self._load(year)
        return self._years[year]

    def source(self, year: int) -> str:
        entries = self._entries(year)
        if entries is None:
            return PACKAGE
        return ENTERED if entries.confirmed else WEEKENDS

    def known_year(self, year: int) -> bool:
        """True when the year's official arrangement is in the package or was entered in full."""
        return self.source(year) != WEEKENDS

    def is_workday(self, day: dt.date) -> bool:
        entries = self._entries(day.year)
        if entries is None:
            return chinese_calendar.is_workday(day)
        entered = entries.days.get(day)
        if entered is not None:
            return entered.is_workday
        return not is_weekend(day)

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def rest_day_reason(self, day: dt.date) -> str | None:
        """Why a day is not worked (the holiday's name, or 周六/周日), None on a workday."""
        if self.is_workday(day):
            return None
        entries = self._entries(day.year)
        if entries is None:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if on_holiday and name:
                return HOLIDAY_NAMES.get(name, name)
        elif day in entries.days:
            return entries.days[day].name or "节假日"
        return "周六" if day.weekday() == 5 else "周日"

    def rest_days(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Every day from start to end (inclusive) that is not worked, with its reason."""
        days = []
        for offset in range((end - start).days + 1):  # counted, not stepped past end: end may be date.max
            day = start + dt.timedelta(days=offset)
            reason = self.rest_day_reason(day)
            if reason is not None:
                days.append((day, reason))
        return days

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after day (before it for negative n); n == 0 gives day itself.

        E.g. an application received on a Friday before a holiday is due 3 working days later."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day


def entries_from(days: Iterable[EnteredDay], confirmed: bool) -> YearEntries:
    return YearEntries({d.day: d for d in days}, confirmed)
