"""Entering the holidays and make-up workdays of a year the calendar package does not know.
They flush and log; callers commit. The rows are national data in the shared schema."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from app.audit.models import utcnow
from app.extensions import db

from .calendar import EnteredDay, WorkCalendar, YearEntries, entries_from, is_weekend, package_knows
from .models import CalendarDay, CalendarYear

log = logging.getLogger(__name__)
MIN_YEAR, MAX_YEAR = 2000, 2100


class CalendarError(ValueError):
    """An entry refused; the message is shown to the user."""


def load_year(year: int) -> YearEntries:
    """What administrators entered for a year (used by WorkCalendar for unknown years)."""
    days = [EnteredDay(d.day, d.is_workday, d.name) for d in entered_days(year)]
    confirmed = db.session.scalar(sa.select(CalendarYear.confirmed_at).where(CalendarYear.year == year)) is not None
    return entries_from(days, confirmed)


def entered_days(year: int) -> list[CalendarDay]:
    return db.session.scalars(sa.select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day)).all()


def year_status(year: int) -> CalendarYear | None:
    return db.session.get(CalendarYear, year)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarError(f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间")
    if package_knows(year):
        raise CalendarError(f"{year} 年的安排已由日历数据包提供，无需录入")


def set_day(day: dt.date, is_workday: bool, name: str, actor: str) -> CalendarDay:
    """Enter (or change) one day: a public holiday, or a make-up workday on a weekend."""
    _check_year(day.year)
    if is_workday and not is_weekend(day):
        raise CalendarError(f"{day} 本来就是工作日；调休上班日应是周六或周日")
    name = (name or "").strip()[:40]
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        row = CalendarDay(day=day, year=day.year, is_workday=is_workday, name=name, entered_by=actor)
        db.session.add(row)
    else:
        row.is_workday, row.name, row.entered_by, row.entered_at = is_workday, name, actor, utcnow()
    db.session.flush()
    log.info("%s entered %s as %s %s", actor, day, "make-up workday" if is_workday else "holiday", name)
    return row


def set_days(start: dt.date, end: dt.date, is_workday: bool, name: str, actor: str) -> int:
    """Enter every day from start to end (a holiday break, say); returns how many."""
    if end < start:
        raise CalendarError("结束日期不能早于开始日期")
    if (end - start).days > 31:
        raise CalendarError("一次最多录入 31 天")
    day, count = start, 0
    while day <= end:
        set_day(day, is_workday, name, actor)
        day += dt.timedelta(days=1)
        count += 1
    return count


def remove_day(day: dt.date, actor: str) -> None:
    _check_year(day.year)
    row = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        raise CalendarError(f"{day} 没有录入")
    db.session.delete(row)
    db.session.flush()
    log.info("%s removed the calendar entry of %s", actor, day)


def confirm_year(year: int, actor: str, confirmed: bool = True) -> CalendarYear:
    """Say that a year's arrangement is entered in full (or take that back)."""
    _check_year(year)
    row = db.session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.confirmed_at, row.confirmed_by = (utcnow(), actor) if confirmed else (None, None)
    db.session.flush()
    log.info("%s %s the calendar of %s", actor, "confirmed" if confirmed else "reopened", year)
    return row


def calendar() -> WorkCalendar:
    return WorkCalendar(load_year)
