"""`jiceng calendar ...`: the holidays and make-up workdays of a year the package does not know."""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import AppGroup

from app.extensions import db

from . import services
from .calendar import SOURCES

calendar_cli = AppGroup("calendar", help="The Chinese working-day calendar (national data).")


def _fail(message: str):
    db.session.rollback()
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value} 不是日期（YYYY-MM-DD）")


@calendar_cli.command("show")
@click.argument("year", type=int)
def show_command(year):
    """Where the year's arrangement comes from, and the days entered for it (tab-separated)."""
    calendar = services.calendar()
    click.echo(f"{year}\t{calendar.source(year)}\t{SOURCES[calendar.source(year)]}")
    for row in services.entered_days(year):
        click.echo(f"{row.day}\t{'workday' if row.is_workday else 'holiday'}\t{row.name}\t{row.entered_by}")


def _set(first, last, is_workday, name):
    start = _date(first)
    end = _date(last) if last else start
    try:
        count = services.set_days(start, end, is_workday, name, actor="cli")
    except services.CalendarError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"已录入 {count} 天{'调休上班日' if is_workday else '节假日'}（{start} 至 {end}）")


@calendar_cli.command("holiday")
@click.argument("first")
@click.argument("last", required=False)
@click.option("--name", default="", help="e.g. 春节")
def holiday_command(first, last, name):
    """Enter a public holiday, or every day from FIRST to LAST."""
    _set(first, last, False, name)


@calendar_cli.command("workday")
@click.argument("first")
@click.argument("last", required=False)
@click.option("--name", default="", help="e.g. 春节调休")
def workday_command(first, last, name):
    """Enter a make-up workday (a weekend day that is worked)."""
    _set(first, last, True, name)


@calendar_cli.command("remove")
@click.argument("day")
def remove_command(day):
    """Remove an entered day."""
    try:
        services.remove_day(_date(day), actor="cli")
    except services.CalendarError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"已删除 {day}")


@calendar_cli.command("confirm")
@click.argument("year", type=int)
@click.option("--reopen", is_flag=True, help="take the confirmation back")
def confirm_command(year, reopen):
    """Say the year's holidays and make-up workdays are entered in full."""
    try:
        services.confirm_year(year, actor="cli", confirmed=not reopen)
    except services.CalendarError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"{year} 年{'已重新开放录入' if reopen else '的安排已确认'}")
