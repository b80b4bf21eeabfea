"""Entering an unknown year's arrangement: the shared tables, the plain functions and `jiceng calendar`."""
import datetime as dt

import pytest

from app import workdays
from app.extensions import db
from app.workdays import services
from tests.conftest import in_tenant

D = dt.date
UNKNOWN = 2099


def test_entered_days_change_the_plain_functions(app):
    with app.app_context():
        assert workdays.is_workday(D(UNKNOWN, 1, 1)) and not workdays.known_year(UNKNOWN)
        services.set_days(D(UNKNOWN, 1, 1), D(UNKNOWN, 1, 2), False, "元旦", actor="test")
        services.set_day(D(UNKNOWN, 1, 3), True, "元旦调休", actor="test")
        db.session.commit()
        assert not workdays.is_workday(D(UNKNOWN, 1, 1)) and workdays.is_workday(D(UNKNOWN, 1, 3))
        assert workdays.add_working_days(D(2098, 12, 31), 1) == D(UNKNOWN, 1, 3)
        services.confirm_year(UNKNOWN, actor="test")
        db.session.commit()
        assert workdays.known_year(UNKNOWN)


def test_the_same_data_is_read_from_any_tenant(app, make_tenant):
    tenant = make_tenant("town-a")
    with app.app_context():
        services.set_day(D(UNKNOWN, 1, 5), False, "测试假日", actor="test")
        db.session.commit()
    with in_tenant(app, tenant):
        assert not workdays.is_workday(D(UNKNOWN, 1, 5))


@pytest.mark.parametrize(
    "day, is_workday, message",
    [
        (D(2026, 10, 1), False, "已由日历数据包提供"),   # the package knows 2026
        (D(UNKNOWN, 1, 5), True, "本来就是工作日"),       # a make-up workday must be a weekend day
        (D(1999, 1, 1), False, "年份应在"),
    ],
)
def test_entries_that_make_no_sense_are_refused(app, day, is_workday, message):
    with app.app_context():
        with pytest.raises(services.CalendarError, match=message):
            services.set_day(day, is_workday, "", actor="test")


def test_the_calendar_command(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["calendar", "holiday", "2099-01-26", "2099-01-30", "--name", "春节"]).exit_code == 0
    made_up = runner.invoke(args=["calendar", "workday", "2099-01-24", "--name", "春节调休"])
    assert made_up.exit_code == 0 and "已录入 1 天调休上班日" in made_up.output
    refused = runner.invoke(args=["calendar", "workday", "2099-01-27"])
    assert refused.exit_code == 1 and "本来就是工作日" in refused.output
    assert runner.invoke(args=["calendar", "confirm", "2099"]).exit_code == 0
    shown = runner.invoke(args=["calendar", "show", "2099"]).output.splitlines()
    assert shown[0].startswith("2099\tentered") and len(shown) == 1 + 5 + 1
    assert "2099-01-24\tworkday\t春节调休\tcli" in shown
    assert runner.invoke(args=["calendar", "remove", "2099-01-30"]).exit_code == 0
    assert runner.invoke(args=["calendar", "remove", "2099-01-30"]).exit_code == 1
    assert runner.invoke(args=["calendar", "confirm", "2099", "--reopen"]).exit_code == 0
    with app.app_context():
        assert not workdays.known_year(UNKNOWN)
        assert [d.day.day for d in services.entered_days(UNKNOWN)] == [24, 26, 27, 28, 29]
    assert runner.invoke(args=["calendar", "show", "2026"]).output.startswith("2026\tpackage")
