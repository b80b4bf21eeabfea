"""On-behalf case operations. They flush, write the timeline and the shared mirror of escalated
cases, and recount the yearly figures; callers commit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from decimal import Decimal

import sqlalchemy as sa
from flask import g

from app import clock, workdays
from app.audit.models import record
from app.summaries import counts
from app.extensions import db
from app.stations.models import Enterprise
from tenants.binding import bound_tenant
from tenants.registry import TenantRef, tenants_table

from . import rules
from .models import CaseEnterprise, CaseEscalation, CaseEvent, DelegationCase, DuesEntry

log = logging.getLogger(__name__)


class CaseError(ValueError):
    """An operation refused; problems maps field → reason (or "" → a general message)."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.problems = problems or {"": message}


def acting_federation() -> str:
    """The name of the federation the acting user belongs to (this one, a parent handling an
    escalated case, or an upper federation acting on behalf)."""
    return g.get("acting_federation") or bound_tenant(db.session()).name


def _event(case: DelegationCase, action: str, actor: str, text: str = "", happened_on: dt.date | None = None,
           file: tuple | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, action=action, actor=actor, actor_federation=acting_federation(), text=text,
                      happened_on=happened_on or clock.today())
    if file:
        event.file_sha256, event.file_name, event.file_type = file
    db.session.add(event)
    return event


def _after_change(case: DelegationCase) -> None:
    """Keep the shared mirror of an escalated case and the yearly counts (open cases' due dates
    included) in this transaction."""
    db.session.flush()
    _mirror(case)
    counts.refresh("delegation", case.opened_on.year)
    counts.refresh("deadlines", case.opened_on.year)


def _mirror(case: DelegationCase) -> None:
    """The shared row that puts an escalated case in its handler's queue."""
    if case.escalated_to is None:
        return
    origin = bound_tenant(db.session())
    mirror = db.session.scalar(sa.select(CaseEscalation).where(
        CaseEscalation.origin_tenant_id == origin.id, CaseEscalation.case_id == case.id))
    if mirror is None:
        mirror = CaseEscalation(origin_tenant_id=origin.id, case_id=case.id)
        db.session.add(mirror)
    mirror.handler_tenant_id, mirror.number, mirror.kind = case.escalated_to, case.number, case.kind
    mirror.title, mirror.status, mirror.due_on = case.title, case.status, case.due_on


def _transition(case: DelegationCase, action: str, actor: str) -> None:
    before = case.status
    try:
        case.status = rules.next_status(case.status, action)
    except rules.IllegalTransition as exc:
        raise CaseError(str(exc)) from exc
    record(f"case.{action}", actor=actor, subject=f"case:{case.id}",
           detail=json.dumps({"status": [before, case.status]}, ensure_ascii=False))


_NUMBER_LOCK_CLASS = 0x4A44 << 40  # pg_advisory_xact_lock(class + federation id), clear of the counts' class


def next_number(year: int) -> str:
    """One more than the highest number of the year (not the count: a gap or a deleted case would repeat a
    number). On PostgreSQL two cases opened at the same instant wait for each other's commit on a
    transaction lock per federation, so neither reads the same highest number."""
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_NUMBER_LOCK_CLASS + bound_tenant(session).id)))
    numbers = session.scalars(sa.select(DelegationCase.number).where(DelegationCase.number.like(f"{year}-%")))
    highest = max((int(n.split("-", 1)[1]) for n in numbers if n.split("-", 1)[1].isdigit()), default=0)
    return f"{year}-{highest + 1:04d}"


def open_case(values: dict, enterprise_ids: list[int], actor: str) -> DelegationCase:
    """Open a request for one or more enterprises of this federation."""
    if values.get("kind") not in rules.KINDS:
        raise CaseError("请选择案件类型", {"kind": "请选择案件类型"})
    if values.get("source") not in rules.SOURCES:
        raise CaseError("请选择来源", {"source": "请选择来源"})
    if not (values.get("title") or "").strip():
        raise CaseError("请填写标题", {"title": "请填写标题"})
    ids = sorted(set(enterprise_ids))
    found = set(db.session.scalars(sa.select(Enterprise.id).where(Enterprise.id.in_(ids)))) if ids else set()
    if not ids or found != set(ids):
        raise CaseError("请选择本会的企业（可多选）", {"enterprise_ids": "请选择本会的企业（可多选）"})
    today = clock.today()
    case = DelegationCase(number=next_number(today.year), opened_on=today, opened_by=actor, status="requested",
                          agreement_title="", election_result="", summary="", **values)
    db.session.add(case)
    db.session.flush()
    for enterprise_id in ids:
        db.session.add(CaseEnterprise(case_id=case.id, enterprise_id=enterprise_id))
    _event(case, "opened", actor, values.get("description", ""))
    record("case.open", actor=actor, subject=f"case:{case.id}", actor_federation=g.get("acting_federation"))
    _after_change(case)
    log.info("%s opened case %s (%s)", actor, case.number, case.kind)
    return case


def accept(case: DelegationCase, actor: str, due: dt.date | None = None) -> None:
    """Accept a request: the actor becomes its handler; due in the kind's working days unless set."""
    _transition(case, "accept", actor)
    today = clock.today()
    case.handler, case.handler_federation, case.accepted_on = actor, acting_federation(), today
    case.due_on = due or rules.due_on(today, case.kind, workdays.add_working_days)
    if case.due_on < today:
        raise CaseError("期限不能早于今天", {"due_on": "期限不能早于今天"})
    _event(case, "accept", actor, f"受理，办理期限 {case.due_on}")
    _after_change(case)


def add_note(case: DelegationCase, text: str, happened_on: dt.date, actor: str, file: tuple | None = None) -> None:
    if not (text or "").strip() and not file:
        raise CaseError("请填写进展或上传材料", {"text": "请填写进展或上传材料"})
    if happened_on > clock.today():
        raise CaseError("日期不能晚于今天", {"happened_on": "日期不能晚于今天"})
    _transition(case, "note", actor)
    _event(case, "note", actor, text.strip(), happened_on, file)
    _after_change(case)


def close(case: DelegationCase, outcome: dict, actor: str) -> None:
    """Close with the outcome the kind calls for (amount and workers; agreement; election result)."""
    problems = rules.outcome_problems(case.kind, outcome)
    if problems:
        raise CaseError("；".join(problems.values()), problems)
    _transition(case, "close", actor)
    allowed = {"summary", *rules.OUTCOME_FIELDS.get(case.kind, {})}
    for field, value in outcome.items():
        if field in allowed:
            setattr(case, field, value.strip() if isinstance(value, str) else value)
    case.closed_on = clock.today()
    _event(case, "close", actor, outcome.get("summary", "").strip())
    _after_change(case)


def confirm(case: DelegationCase, rating: int | None, note: str, actor: str) -> None:
    """The grassroots side confirms the result and rates it (not the handler themselves)."""
    if actor == case.handler and acting_federation() == case.handler_federation:
        raise CaseError("办理人不能确认自己办理的案件，请由基层一方确认")
    problem = rules.rating_problem(rating)
    if problem:
        raise CaseError(problem, {"rating": problem})
    _transition(case, "confirm", actor)
    case.rating, case.confirmed_on, case.confirmed_by = rating, clock.today(), actor
    _event(case, "confirm", actor, f"评价 {rating} 星" + (f"：{note.strip()}" if note and note.strip() else ""))
    _after_change(case)


def reopen(case: DelegationCase, reason: str, actor: str) -> None:
    if not (reason or "").strip():
        raise CaseError("请说明退回理由", {"reason": "请说明退回理由"})
    _transition(case, "reopen", actor)
    case.closed_on = None
    _event(case, "reopen", actor, reason.strip())
    _after_change(case)


def escalate(case: DelegationCase, parent: TenantRef | None, reason: str, actor: str) -> None:
    """Pass the case up to the parent federation: it appears in the parent's queue, waiting to be
    accepted there; the case and its history stay here, and both federations see them."""
    if parent is None:
        raise CaseError("本会没有上级工会，不能提交上级")
    if case.escalated_to is not None:
        raise CaseError(f"已提交 {case.escalated_to_name} 办理")
    if not (reason or "").strip():
        raise CaseError("请说明提交上级的理由", {"reason": "请说明提交上级的理由"})
    _transition(case, "escalate", actor)
    case.escalated_to, case.escalated_to_name = parent.id, parent.name
    case.handler = case.handler_federation = case.accepted_on = case.due_on = None
    _event(case, "escalate", actor, f"提交 {parent.name} 办理：{reason.strip()}")
    _after_change(case)


def add_dues_entry(enterprise: Enterprise, values: dict, actor: str, case: DelegationCase | None = None) -> DuesEntry:
    if values.get("kind") not in rules.DUES_ENTRY_KINDS:
        raise CaseError("请选择收支类型", {"kind": "请选择收支类型"})
    if values.get("amount") is None or values["amount"] <= 0:
        raise CaseError("金额应大于 0", {"amount": "金额应大于 0"})
    # One writer at a time per account, so two payouts cannot each see the same balance.
    db.session.execute(sa.select(Enterprise.id).where(Enterprise.id == enterprise.id).with_for_update())
    entry = DuesEntry(enterprise_id=enterprise.id, case_id=case.id if case else None, created_by=actor, **values)
    if entry.kind != "collected":
        existing = db.session.scalars(sa.select(DuesEntry).where(DuesEntry.enterprise_id == enterprise.id)
                                      .order_by(DuesEntry.entry_on, DuesEntry.id)).all()
        # The new entry is booked after the others of its day.
        ordered = sorted([*existing, entry], key=lambda e: (e.entry_on, 0 if e is not entry else 1))
        overdraft = rules.first_overdraft([(e.kind, e.amount) for e in ordered])
        if overdraft is not None:
            available = overdraft + values["amount"]
            message = f"余额不足：截至 {values['entry_on']} 本户可用余额 {available:,.2f} 元，不能{rules.DUES_ENTRY_KINDS[values['kind']]} {values['amount']:,.2f} 元"
            raise CaseError(message, {"amount": message})
    db.session.add(entry)
    db.session.flush()
    record("dues.entry", actor=actor, subject=f"enterprise:{enterprise.id}", detail=f"{values['kind']} {values['amount']}",
           actor_federation=g.get("acting_federation"))
    return entry


def ledger(enterprise_id: int) -> tuple[list[tuple[DuesEntry, Decimal]], Decimal]:
    """The enterprise's dues account, oldest first, with the running balance."""
    entries = db.session.scalars(sa.select(DuesEntry).where(DuesEntry.enterprise_id == enterprise_id)
                                 .order_by(DuesEntry.entry_on, DuesEntry.id)).all()
    rows, balance = [], Decimal(0)
    for entry in entries:
        balance += rules.ledger_balance([(entry.kind, entry.amount)])
        rows.append((entry, balance))
    return rows, balance


# Reading -------------------------------------------------------------------------------------------

def queue(kind: str = "", status: str = "", overdue: bool = False) -> list[DelegationCase]:
    query = sa.select(DelegationCase).order_by(DelegationCase.status == "confirmed", DelegationCase.due_on.is_(None),
                                               DelegationCase.due_on, DelegationCase.id.desc())
    if kind in rules.KINDS:
        query = query.where(DelegationCase.kind == kind)
    if status in rules.STATUSES:
        query = query.where(DelegationCase.status == status)
    if overdue:
        query = query.where(DelegationCase.status.in_(rules.OPEN), DelegationCase.due_on < clock.today())
    return db.session.scalars(query).all()


@dataclasses.dataclass(frozen=True)
class PassedUp:
    """A row of the queue of cases passed up: case numbers are per federation, so the row names its sender
    and its number is qualified by the sender's short name (unique in the queue)."""
    escalation: CaseEscalation
    sender: str
    sender_slug: str

    @property
    def number(self) -> str:
        return rules.queue_number(self.sender_slug, self.escalation.number)


def escalated_to(tenant_id: int, kind: str = "", status: str = "", overdue: bool = False) -> list[PassedUp]:
    """The cases lower federations passed up to this one (shared index), each with the federation that sent it."""
    query = sa.select(CaseEscalation, tenants_table.c.name, tenants_table.c.slug).join(
        tenants_table, tenants_table.c.id == CaseEscalation.origin_tenant_id).where(
        CaseEscalation.handler_tenant_id == tenant_id).order_by(
        CaseEscalation.status == "confirmed", CaseEscalation.due_on.is_(None), CaseEscalation.due_on, CaseEscalation.id.desc())
    if kind in rules.KINDS:
        query = query.where(CaseEscalation.kind == kind)
    if status in rules.STATUSES:
        query = query.where(CaseEscalation.status == status)
    if overdue:
        query = query.where(CaseEscalation.status.in_(rules.OPEN), CaseEscalation.due_on < clock.today())
    return [PassedUp(e, name, slug) for e, name, slug in db.session.execute(query)]


def enterprises_of(case: DelegationCase) -> list[Enterprise]:
    return db.session.scalars(sa.select(Enterprise).join(CaseEnterprise, CaseEnterprise.enterprise_id == Enterprise.id)
                              .where(CaseEnterprise.case_id == case.id).order_by(Enterprise.name)).all()


def timeline(case: DelegationCase) -> list[CaseEvent]:
    return db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.occurred_at, CaseEvent.id)).all()


def cases_of_enterprise(enterprise_id: int) -> list[DelegationCase]:
    return db.session.scalars(sa.select(DelegationCase).join(CaseEnterprise, CaseEnterprise.case_id == DelegationCase.id)
                              .where(CaseEnterprise.enterprise_id == enterprise_id).order_by(DelegationCase.opened_on.desc())).all()


def years_with_data() -> set[int]:
    return {day.year for day in db.session.scalars(sa.select(DelegationCase.opened_on).distinct())}


@counts.area("delegation", years_with_data)
def recount(year: int) -> dict[str, Decimal]:
    """Cases opened in the year by kind and status, and their outcomes."""
    in_year = sa.and_(DelegationCase.opened_on >= dt.date(year, 1, 1), DelegationCase.opened_on <= dt.date(year, 12, 31))
    values: dict[str, Decimal] = {}
    for kind, status, n in db.session.execute(sa.select(DelegationCase.kind, DelegationCase.status, sa.func.count())
                                              .where(in_year).group_by(DelegationCase.kind, DelegationCase.status)):
        values[f"kind:{kind}"] = values.get(f"kind:{kind}", Decimal(0)) + n
        values[f"status:{status}"] = values.get(f"status:{status}", Decimal(0)) + n
    # Overdue is not counted here: it changes with the date, not with a write (see count_deadlines).
    sums = db.session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(DelegationCase.amount_recovered), 0), sa.func.coalesce(sa.func.sum(DelegationCase.workers_helped), 0),
        sa.func.coalesce(sa.func.sum(DelegationCase.workers_covered), 0)).where(in_year)).one()
    values.update(amount_recovered=Decimal(sums[0]), workers_helped=Decimal(sums[1]), workers_covered=Decimal(sums[2]))
    return values


DUE = "due:"  # the deadlines area's keys: "due:2026-03-05" → open cases of the year due that day


@counts.area("deadlines", years_with_data)
def count_deadlines(year: int) -> dict[str, Decimal]:
    """Open cases opened in the year, by due date: whether a case is overdue changes with the calendar,
    not with a write, so upper federations sum the dates before today when they read."""
    in_year = sa.and_(DelegationCase.opened_on >= dt.date(year, 1, 1), DelegationCase.opened_on <= dt.date(year, 12, 31))
    query = (sa.select(DelegationCase.due_on, sa.func.count()).where(
        in_year, DelegationCase.status.in_(rules.OPEN), DelegationCase.due_on.is_not(None)).group_by(DelegationCase.due_on))
    return {f"{DUE}{due_on.isoformat()}": Decimal(n) for due_on, n in db.session.execute(query)}


def overdue_by_child(conn: sa.Connection, root: TenantRef, year: int, today: dt.date) -> dict[int, int]:
    """Overdue open cases of the year for each child of root (its subtree) and the root itself."""
    due_before_today = lambda key: sa.and_(key >= DUE, key < f"{DUE}{today.isoformat()}")  # noqa: E731
    return {tenant_id: int(n) for tenant_id, n in counts.sum_by_child(conn, root, year, "deadlines", due_before_today).items()}


def follow_the_parent_after_a_restore(tenant: TenantRef, parent: TenantRef | None) -> int:
    """A restored federation's cases passed up name the parent they were passed to in the archive; in
    the tree it was restored into, they are the current parent's to handle (so the old parent's queue
    does not list a copy's cases). Without a parent they stay as they are, out of every queue. Returns
    how many cases changed; the caller commits."""
    changed = 0
    if parent is None:
        return changed
    for case in db.session.scalars(sa.select(DelegationCase).where(
            DelegationCase.escalated_to.is_not(None), DelegationCase.escalated_to != parent.id)):
        before = case.escalated_to_name
        case.escalated_to, case.escalated_to_name = parent.id, parent.name
        record("case.restore", actor="system", subject=f"case:{case.id}",
               detail=json.dumps({"escalated_to": [before, parent.name]}, ensure_ascii=False))
        changed += 1
    return changed


def rebuild_shared(tenant: TenantRef) -> None:
    """Recreate this federation's rows of the shared escalation mirror from its cases."""
    db.session.execute(sa.delete(CaseEscalation).where(CaseEscalation.origin_tenant_id == tenant.id))
    db.session.flush()
    if tenant.parent_id is None:
        return
    # passed up means to the parent: after a restore elsewhere in the tree (or at its top) a case that names
    # another federation is no one's to handle, and no other federation's queue lists it
    for case in db.session.scalars(sa.select(DelegationCase).where(DelegationCase.escalated_to == tenant.parent_id)):
        _mirror(case)  # the counts are the summary rebuild's


counts.REBUILDERS.append(rebuild_shared)
