"""Reading and saving the 5+N checklist. Operations flush and audit; callers commit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict

import sqlalchemy as sa
from flask import g

from app import clock
from app.audit.models import AuditEvent, utcnow
from app.summaries import counts
from app.extensions import db
from app.stations import rules as station_rules
from app.stations import services as stations
from app.stations.models import Enterprise

from . import rules
from .models import ChecklistItem, EvidenceFile

log = logging.getLogger(__name__)

EDITABLE_FIELDS = ("status", "planned_on", "held_on", "participants", "notes", "title")


class ChecklistError(ValueError):
    """The values break a rule; problems maps field → reason."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class StaleItem(Exception):
    """Someone else saved the item after this form was loaded."""

    def __init__(self, item: ChecklistItem | None):
        super().__init__("stale checklist item")
        self.item = item


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """What the grid shows of one item: plain values, no ORM object (the grid has 5 per enterprise)."""

    status: str
    planned_on: dt.date | None
    held_on: dt.date | None
    attendance_warning: str | None

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)


@dataclasses.dataclass
class GridRow:
    enterprise: Enterprise  # in the grid: a row with id, name and uscc
    items: dict[str, ChecklistItem | Cell | None]
    n_count: int

    @property
    def done(self) -> int:
        return sum(1 for item in self.items.values() if item is not None and item.status == "done")


@dataclasses.dataclass
class Grid:
    year: int
    rows: list[GridRow]
    per_task: dict[str, station_rules.Completion]
    overall: station_rules.Completion
    n_total: int


ROW_FILTERS = {"all": "全部企业", "open": "有未完成事项", "complete": "5 项全部完成"}
_CELL_COLUMNS = (ChecklistItem.enterprise_id, ChecklistItem.task, ChecklistItem.status, ChecklistItem.planned_on,
                 ChecklistItem.held_on, ChecklistItem.delegates_expected, ChecklistItem.delegates_present)


def grid(station_id: int, year: int, search: str = "", today: dt.date | None = None, show: str = "all") -> Grid:
    """The station's enterprises × the five tasks for a year, with completion. Two queries whatever
    the number of enterprises, reading only the columns shown. Completion always counts every
    covered enterprise; the search and the filter only narrow the rows shown."""
    covered = stations.covered_query(station_id, year, today, Enterprise.id, Enterprise.name, Enterprise.uscc)
    enterprises = db.session.execute(covered).all()
    by_task: dict[int, dict[str, Cell]] = defaultdict(dict)
    n_counts: dict[int, int] = defaultdict(int)
    if enterprises:
        ids = [e.id for e in enterprises]
        query = sa.select(*_CELL_COLUMNS).where(ChecklistItem.year == year, ChecklistItem.enterprise_id.in_(ids))
        for enterprise_id, task, status, planned_on, held_on, expected, present in db.session.execute(query):
            if task == rules.N_ACTIVITY:
                n_counts[enterprise_id] += 1
            else:
                by_task[enterprise_id][task] = Cell(status, planned_on, held_on, rules.attendance_warning(expected, present))
    done = {e: {t for t, cell in tasks.items() if cell.status == "done"} for e, tasks in by_task.items()}
    per_task = station_rules.task_completion([e.id for e in enterprises], done, rules.TASKS)
    needle = search.strip().lower()
    shown = [e for e in enterprises if not needle or needle in e.name.lower() or needle in e.uscc.lower()]
    rows = [GridRow(e, {t: by_task[e.id].get(t) for t in rules.TASKS}, n_counts[e.id]) for e in shown]
    if show == "open":
        rows = [row for row in rows if row.done < len(rules.TASKS)]
    elif show == "complete":
        rows = [row for row in rows if row.done == len(rules.TASKS)]
    return Grid(year, rows, per_task, station_rules.overall_completion(per_task), sum(n_counts.values()))


def grid_row(enterprise: Enterprise, year: int) -> GridRow:
    items = db.session.scalars(
        sa.select(ChecklistItem).where(ChecklistItem.year == year, ChecklistItem.enterprise_id == enterprise.id)
    ).all()
    tasks = {item.task: item for item in items if item.task != rules.N_ACTIVITY}
    return GridRow(enterprise, {t: tasks.get(t) for t in rules.TASKS}, sum(1 for i in items if i.task == rules.N_ACTIVITY))


def station_for_year(enterprise_id: int, year: int, today: dt.date | None = None) -> int | None:
    """The station an enterprise's checklist of that year belongs to."""
    history = [s.as_rule() for s in stations.station_history(enterprise_id)]
    return station_rules.station_on(history, station_rules.reference_day(year, today or clock.today()))


def task_item(enterprise_id: int, year: int, task: str) -> ChecklistItem | None:
    return db.session.scalar(
        sa.select(ChecklistItem).where(
            ChecklistItem.enterprise_id == enterprise_id, ChecklistItem.year == year, ChecklistItem.task == task
        )
    )


def activities(enterprise_id: int, year: int) -> list[ChecklistItem]:
    return db.session.scalars(
        sa.select(ChecklistItem)
        .where(ChecklistItem.enterprise_id == enterprise_id, ChecklistItem.year == year, ChecklistItem.task == rules.N_ACTIVITY)
        .order_by(ChecklistItem.held_on, ChecklistItem.id)
    ).all()


def ensure_unlocked(enterprise_id: int, year: int) -> None:
    """Refuse changes to a year whose station grading is confirmed (it used this data)."""
    from app.grading import locks  # late: the grading area reads the checklist

    try:
        locks.ensure_unlocked(station_for_year(enterprise_id, year), year)
    except locks.YearLocked as exc:
        raise ChecklistError({"status": str(exc)}) from exc


def _validated(task: str, values: dict, year: int) -> dict:
    allowed = set(EDITABLE_FIELDS) | set(rules.OUTCOME_FIELDS.get(task, ()))
    clean = {k: v for k, v in values.items() if k in allowed}
    problems = rules.item_problems(clean, year, clock.today())
    if task == rules.N_ACTIVITY and not (clean.get("title") or "").strip():
        problems["title"] = "请填写活动名称"
    if problems:
        raise ChecklistError(problems)
    return clean


def save_task(enterprise: Enterprise, year: int, task: str, values: dict, *, expected_version: int, actor: str,
              on_behalf_of: str | None = None) -> ChecklistItem:
    """Save one of the five tasks; a form loaded before someone else's save is refused (StaleItem)."""
    if task not in rules.TASKS:
        raise ChecklistError({"task": "未知事项"})
    ensure_unlocked(enterprise.id, year)
    item = task_item(enterprise.id, year, task)
    if (item.version if item else 0) != expected_version:
        raise StaleItem(item)
    clean = _validated(task, values, year)
    if item is None:
        item = ChecklistItem(enterprise_id=enterprise.id, year=year, task=task, notes="", activity_kind="")
        db.session.add(item)
    return _apply(item, clean, actor, on_behalf_of)


def add_activity(enterprise: Enterprise, year: int, values: dict, *, actor: str, on_behalf_of: str | None = None) -> ChecklistItem:
    """Record one of the N activities."""
    ensure_unlocked(enterprise.id, year)
    clean = _validated(rules.N_ACTIVITY, values, year)
    item = ChecklistItem(enterprise_id=enterprise.id, year=year, task=rules.N_ACTIVITY, notes="", activity_kind="")
    db.session.add(item)
    return _apply(item, clean, actor, on_behalf_of)


def update_item(item: ChecklistItem, values: dict, *, expected_version: int, actor: str, on_behalf_of: str | None = None) -> ChecklistItem:
    ensure_unlocked(item.enterprise_id, item.year)
    if item.version != expected_version:
        raise StaleItem(item)
    return _apply(item, _validated(item.task, values, item.year), actor, on_behalf_of)


def _apply(item: ChecklistItem, clean: dict, actor: str, on_behalf_of: str | None) -> ChecklistItem:
    is_new = item.id is None
    on_behalf_of = on_behalf_of or g.get("acting_marker")  # 上代下: an upper federation's user
    changes = stations._changes(item, clean)
    if not changes and not is_new:
        return item
    item.updated_at, item.updated_by, item.updated_on_behalf_by = utcnow(), actor, on_behalf_of
    db.session.flush()
    stations.audit("checklist.create" if is_new else "checklist.update", f"checklist_item:{item.id}", actor, changes)
    counts.refresh("checklist", item.year)
    log.info("%s saved checklist item %s (%s %s)", actor, item.id, item.year, item.task)
    return item


def history(item: ChecklistItem) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject == f"checklist_item:{item.id}").order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()


def evidence_of(item_ids: list[int]) -> dict[int, list[EvidenceFile]]:
    found: dict[int, list[EvidenceFile]] = defaultdict(list)
    if item_ids:
        for evidence in db.session.scalars(sa.select(EvidenceFile).where(EvidenceFile.item_id.in_(item_ids)).order_by(EvidenceFile.id)):
            found[evidence.item_id].append(evidence)
    return found


def attach_evidence(item: ChecklistItem, stored, filename: str, kind, actor: str) -> EvidenceFile:
    ensure_unlocked(item.enterprise_id, item.year)
    evidence = EvidenceFile(
        item_id=item.id, sha256=stored.sha256, filename=filename, content_type=kind.mime, size=stored.size, uploaded_by=actor
    )
    db.session.add(evidence)
    db.session.flush()
    stations.audit("checklist.evidence", f"checklist_item:{item.id}", actor, {"evidence": [None, filename]})
    return evidence


def todo(station_ids: set[int], year: int, today: dt.date | None = None) -> list[rules.Todo]:
    """Open work of the year at these stations: every task not done yet, soonest first."""
    today = today or clock.today()
    open_items = []
    for station_id in sorted(station_ids):
        for row in grid(station_id, year, today=today).rows:
            for task, item in row.items.items():
                if item is None:
                    open_items.append((row.enterprise.id, row.enterprise.name, task, "", "not_started", None))
                elif item.status != "done":
                    open_items.append((row.enterprise.id, row.enterprise.name, task, "", item.status, item.planned_on))
    return rules.todo_list(open_items, today)
