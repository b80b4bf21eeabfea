"""Work-station rules: modes, roles, sources, coverage by date, completion and budget. No Flask, no db."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Iterable, Mapping

MODES = {"industry": "行业+", "region": "区域+", "group": "集团+"}
STATUSES = {"active": "运行中", "suspended": "暂停", "closed": "已撤销"}
ROLES = {"chief": "站长", "deputy": "副站长", "staff": "工作人员"}
# Where station people come from (seed 000).
SOURCES = {
    "backbone_chair": "骨干企业工会主席或副主席",
    "seconded_cadre": "市县挂职干部",
    "social_worker": "社会化工会工作者",
    "enterprise_cadre": "企业工会干部",
    "volunteer": "志愿者",
}
DEFAULT_BUDGET = Decimal("30000")  # yuan a year per station (seed 000)
EXPENSE_CATEGORIES = {
    "activity": "活动经费", "training": "培训", "service": "职工服务", "office": "办公用品", "subsidy": "补贴", "other": "其他",
}


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day on which an enterprise's station counts for a year: the year's last day, or today
    while the year runs. One day, so an enterprise that moved counts at exactly one station."""
    return max(dt.date(year, 1, 1), min(today, dt.date(year, 12, 31)))


@dataclasses.dataclass(frozen=True)
class Assignment:
    station_id: int
    from_on: dt.date
    until_on: dt.date | None  # exclusive: the day it moved on

    def covers(self, day: dt.date) -> bool:
        return self.from_on <= day and (self.until_on is None or day < self.until_on)


def station_on(assignments: Iterable[Assignment], day: dt.date) -> int | None:
    """The station an enterprise belonged to on a day, if any."""
    for assignment in assignments:
        if assignment.covers(day):
            return assignment.station_id
    return None


@dataclasses.dataclass(frozen=True)
class Completion:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def task_completion(covered: Iterable[int], done_tasks: Mapping[int, set[str]], tasks: Iterable[str]) -> dict[str, Completion]:
    """Per task: covered enterprises that did it / enterprises covered. Work of enterprises not
    covered (moved away, added later) is not counted, so no figure can pass 100%."""
    covered = set(covered)
    return {
        task: Completion(sum(1 for e in covered if task in done_tasks.get(e, ())), len(covered)) for task in tasks
    }


def overall_completion(per_task: Mapping[str, Completion]) -> Completion:
    return Completion(sum(c.done for c in per_task.values()), sum(c.total for c in per_task.values()))


def remaining_budget(budget: Decimal, spent: Decimal) -> Decimal:
    return budget - spent


def overspends(budget: Decimal, spent: Decimal, amount: Decimal) -> bool:
    """Would this expense take the station past its yearly budget?"""
    return spent + amount > budget


SINGLE_HOLDER_ROLES = ("chief",)  # one chief at a time; a station may have several deputies (DESIGN, seed 000)


def periods_overlap(a_start, a_end, b_start, b_end) -> bool:
    """Do two role periods share a day? Ends are exclusive and None means still in office, so a period
    ending on the day the next one starts does not overlap it."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)
