"""Operations on stations, people, enterprises and budgets. They flush and log; callers commit."""
from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import sqlalchemy as sa

from app import clock
from app.audit.models import record
from app.summaries import counts
from app.extensions import db
from tenants import registry
from tenants.web import current_tenant

from . import rules
from .models import (
    Enterprise, EnterpriseStation, FederationSettings, Person, StationBudget, StationExpense, StationRole, WorkStation,
)

log = logging.getLogger(__name__)


class StationError(ValueError):
    """An operation refused; the message is shown to the user."""


def _changes(obj, values: dict) -> dict:
    """Apply values to obj; return {field: [before, after]} for what really changed."""
    changed = {}
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            changed[field] = [_plain(before), _plain(value)]
            setattr(obj, field, value)
    return changed


def _plain(value):
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def audit(action: str, subject: str, actor: str, changes: dict | None = None) -> None:
    record(action, actor=actor, subject=subject, detail=json.dumps(changes or {}, ensure_ascii=False))


# Settings and budgets ----------------------------------------------------------------------------

def federation_settings() -> FederationSettings:
    return db.session.get(FederationSettings, 1) or FederationSettings(id=1, default_station_budget=rules.DEFAULT_BUDGET)


def update_default_budget(amount: Decimal, actor: str) -> None:
    """Set the yearly budget that stations get unless a year has its own."""
    if amount < 0:
        raise StationError("预算不能为负数")
    current = federation_settings()
    changes = _changes(current, {"default_station_budget": amount})
    db.session.merge(current)
    db.session.flush()
    audit("settings.update", "settings", actor, changes)


def update_time_zone(zone: str, actor: str) -> None:
    """Choose the zone this federation's users read times and dates in (kept in the tenant registry)."""
    if zone not in clock.ZONES:
        raise StationError("不支持该时区")
    tenant = current_tenant._get_current_object()
    before = clock.zone().key
    if zone != before:
        registry.set_time_zone(db.session.connection(), tenant.id, zone)
        audit("settings.update", "settings", actor, {"time_zone": [before, zone]})


def budget_for(station_id: int, year: int) -> Decimal:
    amount = db.session.scalar(
        sa.select(StationBudget.amount).where(StationBudget.station_id == station_id, StationBudget.year == year)
    )
    return amount if amount is not None else federation_settings().default_station_budget


def set_budget(station: WorkStation, year: int, amount: Decimal, actor: str) -> None:
    if amount < 0:
        raise StationError("预算不能为负数")
    row = db.session.scalar(sa.select(StationBudget).where(StationBudget.station_id == station.id, StationBudget.year == year))
    before = row.amount if row else None
    if row is None:
        db.session.add(StationBudget(station_id=station.id, year=year, amount=amount))
    else:
        row.amount = amount
    db.session.flush()
    audit("budget.set", f"station:{station.id}", actor, {f"{year}": [_plain(before), _plain(amount)]})


def expenses(station_id: int, year: int) -> list[StationExpense]:
    return db.session.scalars(
        sa.select(StationExpense)
        .where(StationExpense.station_id == station_id, StationExpense.year == year)
        .order_by(StationExpense.spent_on, StationExpense.id)
    ).all()


def spent(station_id: int, year: int) -> Decimal:
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StationExpense.amount), 0)).where(
            StationExpense.station_id == station_id, StationExpense.year == year
        )
    )
    return Decimal(total)


class OverspendNeedsConfirmation(StationError):
    pass


def add_expense(station: WorkStation, values: dict, *, confirmed: bool, actor: str, receipt=None) -> StationExpense:
    """Record an expense; one that would pass the year's budget needs confirming and is flagged."""
    year = values["spent_on"].year
    from app.grading import locks  # late: the grading area reads the stations

    if locks.is_locked(station.id, year):
        raise StationError(f"该工作站 {year} 年的考核已确认，经费数据已锁定；如需修改，请联系本会管理员解锁")
    budget, used = budget_for(station.id, year), spent(station.id, year)
    over = rules.overspends(budget, used, values["amount"])
    if over and not confirmed:
        remaining = rules.remaining_budget(budget, used)
        raise OverspendNeedsConfirmation(f"这笔支出将超出 {year} 年预算（剩余 {remaining:,.2f} 元），请确认后再提交")
    expense = StationExpense(station_id=station.id, year=year, is_overspend=over, created_by=actor, **values)
    if receipt is not None:
        expense.receipt_sha256, expense.receipt_name, expense.receipt_type = receipt
    db.session.add(expense)
    db.session.flush()
    audit("expense.add", f"station:{station.id}", actor, {"amount": [None, str(values["amount"])], "overspend": [None, over]})
    log.info("%s recorded expense %s for station %s%s", actor, values["amount"], station.id, " (overspend)" if over else "")
    return expense


# Stations and people ------------------------------------------------------------------------------

def all_stations() -> list[WorkStation]:
    return db.session.scalars(sa.select(WorkStation).order_by(WorkStation.name)).all()


def create_station(values: dict, actor: str) -> WorkStation:
    _check_station_values(values)
    if db.session.scalar(sa.select(WorkStation.id).where(WorkStation.name == values["name"])):
        raise StationError(f"工作站“{values['name']}”已存在")
    station = WorkStation(**values)
    db.session.add(station)
    db.session.flush()
    audit("station.create", f"station:{station.id}", actor, {k: [None, _plain(v)] for k, v in values.items()})
    _refresh_counts()
    return station


def update_station(station: WorkStation, values: dict, actor: str) -> None:
    _check_station_values(values)
    clash = db.session.scalar(sa.select(WorkStation.id).where(WorkStation.name == values["name"], WorkStation.id != station.id))
    if clash:
        raise StationError(f"工作站“{values['name']}”已存在")
    changes = _changes(station, values)
    db.session.flush()
    audit("station.update", f"station:{station.id}", actor, changes)
    _refresh_counts()


def _check_station_values(values: dict) -> None:
    if values.get("mode") not in rules.MODES:
        raise StationError("请选择工作站模式")
    if values.get("status", "active") not in rules.STATUSES:
        raise StationError("状态无效")


def current_roles(station_id: int) -> list[StationRole]:
    return db.session.scalars(
        sa.select(StationRole)
        .where(StationRole.station_id == station_id, StationRole.ended_on.is_(None))
        .order_by(StationRole.role, StationRole.started_on)
    ).all()


def role_history(station_id: int) -> list[StationRole]:
    return db.session.scalars(
        sa.select(StationRole)
        .where(StationRole.station_id == station_id, StationRole.ended_on.is_not(None))
        .order_by(StationRole.ended_on.desc())
    ).all()


def add_person(station: WorkStation, values: dict, role: str, started_on: dt.date, actor: str) -> StationRole:
    """A new person at the station; a new chief ends the previous chief's term the same day."""
    if role not in rules.ROLES:
        raise StationError("请选择职务")
    if values.get("source") not in rules.SOURCES:
        raise StationError("请选择人员来源")
    if values.get("user_id") and db.session.scalar(sa.select(Person.id).where(Person.user_id == values["user_id"])):
        raise StationError("该登录账号已关联到其他人员")
    person = Person(**values)
    db.session.add(person)
    db.session.flush()
    return assign_role(station, person, role, started_on, actor)


def _refuse_overlap(station_id: int, role: str, started_on: dt.date, ended_on: dt.date | None, skip: int | None = None) -> None:
    """Periods of a single-holder role (the chief) never overlap on a station, whatever order they are entered in."""
    if role not in rules.SINGLE_HOLDER_ROLES:
        return
    # One writer at a time per station, so two entries cannot each miss the other.
    db.session.execute(sa.select(WorkStation.id).where(WorkStation.id == station_id).with_for_update())
    for other in db.session.scalars(sa.select(StationRole).where(StationRole.station_id == station_id, StationRole.role == role)):
        if other.id != skip and rules.periods_overlap(started_on, ended_on, other.started_on, other.ended_on):
            until = f"{other.ended_on} 离任" if other.ended_on else "至今在任"
            raise StationError(f"{rules.ROLES[role]}任期不能重叠：{other.person.name} {other.started_on} 起任{rules.ROLES[role]}（{until}）；"
                               f"请选择该任期结束之日或以后的日期")


def assign_role(station: WorkStation, person: Person, role: str, started_on: dt.date, actor: str) -> StationRole:
    if role == "chief":
        for previous in current_roles(station.id):
            if previous.role == "chief":
                if previous.started_on > started_on:
                    raise StationError("新站长的任职日期不能早于现任站长")
                _refuse_overlap(station.id, role, started_on, None, skip=previous.id)
                previous.ended_on = started_on
        _refuse_overlap(station.id, role, started_on, None)
        db.session.flush()
    assignment = StationRole(station_id=station.id, person=person, role=role, started_on=started_on)
    db.session.add(assignment)
    db.session.flush()
    audit("station.role", f"station:{station.id}", actor, {person.name: [None, rules.ROLES[role]]})
    return assignment


def end_role(assignment: StationRole, ended_on: dt.date, actor: str) -> None:
    if ended_on < assignment.started_on:
        raise StationError("离任日期不能早于任职日期")
    _refuse_overlap(assignment.station_id, assignment.role, assignment.started_on, ended_on, skip=assignment.id)
    assignment.ended_on = ended_on
    db.session.flush()
    audit("station.role_end", f"station:{assignment.station_id}", actor, {assignment.person.name: [assignment.role_label, None]})


def _refresh_counts(since: int | None = None) -> None:
    """Stations and coverage feed the checklist's yearly counts: recount the years they touch."""
    from app.checklist.summary import years_with_data  # late: the checklist builds on the stations

    years = {y for y in years_with_data() if since is None or y >= since}
    counts.refresh("checklist", *years)


def station_ids_of_user(user_id: int) -> set[int]:
    """The stations where this login currently holds a role."""
    return set(
        db.session.scalars(
            sa.select(StationRole.station_id)
            .join(Person, Person.id == StationRole.person_id)
            .where(Person.user_id == user_id, StationRole.ended_on.is_(None))
        )
    )


# Enterprises ----------------------------------------------------------------------------------------

def covered_query(station_id: int, year: int, today: dt.date | None, *columns) -> sa.Select:
    """Select (Enterprise, or the given columns) of the enterprises a station covers for a year
    (see rules.reference_day), by name."""
    day = rules.reference_day(year, today or clock.today())
    return (
        sa.select(*(columns or (Enterprise,)))
        .join(EnterpriseStation, EnterpriseStation.enterprise_id == Enterprise.id)
        .where(
            EnterpriseStation.station_id == station_id,
            EnterpriseStation.from_on <= day,
            sa.or_(EnterpriseStation.until_on.is_(None), EnterpriseStation.until_on > day),
        )
        .order_by(Enterprise.name, Enterprise.id)
    )


def covered_enterprises(station_id: int, year: int, today: dt.date | None = None) -> list[Enterprise]:
    """The enterprises a station covers for a year."""
    return db.session.scalars(covered_query(station_id, year, today)).all()


def current_station_id(enterprise_id: int) -> int | None:
    return db.session.scalar(
        sa.select(EnterpriseStation.station_id).where(
            EnterpriseStation.enterprise_id == enterprise_id, EnterpriseStation.until_on.is_(None)
        )
    )


def station_history(enterprise_id: int) -> list[EnterpriseStation]:
    return db.session.scalars(
        sa.select(EnterpriseStation).where(EnterpriseStation.enterprise_id == enterprise_id).order_by(EnterpriseStation.from_on)
    ).all()


def find_by_uscc(uscc: str) -> Enterprise | None:
    return db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc))


def add_enterprise(station: WorkStation, values: dict, actor: str, on: dt.date | None = None) -> Enterprise:
    existing = find_by_uscc(values["uscc"])
    if existing is not None:
        raise StationError(f"统一社会信用代码 {values['uscc']} 已登记为“{existing.name}”")
    enterprise = Enterprise(**values)
    db.session.add(enterprise)
    db.session.flush()
    db.session.add(EnterpriseStation(enterprise_id=enterprise.id, station_id=station.id, from_on=on or clock.today()))
    db.session.flush()
    audit("enterprise.create", f"enterprise:{enterprise.id}", actor, {"station": [None, station.name]})
    _refresh_counts(since=(on or clock.today()).year)
    return enterprise


def update_enterprise(enterprise: Enterprise, values: dict, actor: str) -> None:
    clash = db.session.scalar(sa.select(Enterprise.name).where(Enterprise.uscc == values["uscc"], Enterprise.id != enterprise.id))
    if clash:
        raise StationError(f"统一社会信用代码 {values['uscc']} 已登记为“{clash}”")
    changes = _changes(enterprise, values)
    db.session.flush()
    audit("enterprise.update", f"enterprise:{enterprise.id}", actor, changes)


def move_enterprise(enterprise: Enterprise, to_station: WorkStation | None, on: dt.date, actor: str) -> None:
    """Move an enterprise to another station (or out of every station) from a day on; history is kept."""
    current = db.session.scalar(
        sa.select(EnterpriseStation).where(EnterpriseStation.enterprise_id == enterprise.id, EnterpriseStation.until_on.is_(None))
    )
    if current is not None:
        if to_station is not None and current.station_id == to_station.id:
            raise StationError("该企业已在这个工作站")
        if on < current.from_on:
            raise StationError("调整日期不能早于进入现工作站的日期")
        if on == current.from_on:
            db.session.delete(current)  # moved the day it arrived: the stay never counted
        else:
            current.until_on = on
        db.session.flush()
    if to_station is not None:
        db.session.add(EnterpriseStation(enterprise_id=enterprise.id, station_id=to_station.id, from_on=on))
        db.session.flush()
    audit("enterprise.move", f"enterprise:{enterprise.id}", actor,
          {"station": [current.station_id if current else None, to_station.name if to_station else None], "on": [None, str(on)]})
    _refresh_counts(since=on.year)


def import_enterprises(station: WorkStation, rows: list, actor: str) -> tuple[int, list[tuple[int, str]]]:
    """Import parsed rows into a station; all or nothing. Returns (count, problems with row numbers)."""
    codes = [row.uscc for _, row in rows]
    known = dict(db.session.execute(sa.select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc.in_(codes))).all())
    problems = [(number, f"统一社会信用代码 {row.uscc} 已登记为“{known[row.uscc]}”") for number, row in rows if row.uscc in known]
    if problems:
        return 0, problems
    today = clock.today()
    for _, row in rows:
        enterprise = Enterprise(
            name=row.name, uscc=row.uscc, industry=row.industry, workers=row.workers, members=row.members,
            union_chair=row.union_chair, contact_phone=row.contact_phone,
        )
        db.session.add(enterprise)
        db.session.flush()
        db.session.add(EnterpriseStation(enterprise_id=enterprise.id, station_id=station.id, from_on=today))
    db.session.flush()
    audit("enterprise.import", f"station:{station.id}", actor, {"count": [None, len(rows)]})
    _refresh_counts(since=today.year)
    log.info("%s imported %d enterprises into station %s", actor, len(rows), station.id)
    return len(rows), []
