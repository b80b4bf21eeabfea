"""The yearly 5+N checklist: tasks, statuses, what makes an item valid, and the to-do order.
No Flask, no db."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Iterable

# The five yearly tasks (seed 000: 每年一次会员代表大会、职工代表大会、工资集体协商、劳动技能竞赛、文化体育活动).
TASKS = {
    "member_congress": "会员代表大会",
    "workers_congress": "职工代表大会",
    "wage_negotiation": "工资集体协商",
    "labour_competition": "劳动竞赛",
    "cultural_activity": "文体活动",
}
N_ACTIVITY = "n"
STATUSES = {"not_started": "未开始", "planned": "已计划", "done": "已完成"}
CONGRESSES = ("member_congress", "workers_congress")

# Which typed outcome fields each task has (the seeds name these outcomes).
OUTCOME_FIELDS = {
    "member_congress": ("delegates_expected", "delegates_present", "motions_adopted"),
    "workers_congress": ("delegates_expected", "delegates_present", "motions_adopted"),
    "wage_negotiation": ("agreement_signed", "average_raise_pct", "minimum_wage", "workers_covered"),
    "labour_competition": ("activity_kind",),
    "cultural_activity": ("activity_kind",),
    N_ACTIVITY: ("activity_kind",),
}


def task_label(task: str) -> str:
    return TASKS.get(task, "N 项活动" if task == N_ACTIVITY else task)


def item_problems(values: dict, year: int, today: dt.date) -> dict[str, str]:
    """Field → reason for every rule a checklist item breaks (empty when it may be saved)."""
    problems: dict[str, str] = {}
    status, planned_on, held_on = values.get("status"), values.get("planned_on"), values.get("held_on")
    if status not in STATUSES:
        problems["status"] = "请选择状态"
    if status == "done" and held_on is None:
        problems["held_on"] = "标记为已完成前，请填写举办日期"
    if status == "planned" and planned_on is None:
        problems["planned_on"] = "已计划的事项请填写计划日期"
    for field, label in (("planned_on", "计划日期"), ("held_on", "举办日期")):
        day = values.get(field)
        if day is not None and day.year != year and field not in problems:
            problems[field] = f"{label}应在 {year} 年内"
    if held_on is not None and held_on > today and "held_on" not in problems:
        problems["held_on"] = "举办日期不能晚于今天；尚未举办请选“已计划”"
    for field in ("participants", "delegates_expected", "delegates_present", "motions_adopted", "workers_covered"):
        number = values.get(field)
        if number is not None and number < 0:
            problems[field] = "不能为负数"
    expected, present = values.get("delegates_expected"), values.get("delegates_present")
    if expected is not None and present is not None and present > expected and "delegates_present" not in problems:
        problems["delegates_present"] = "实到代表不能多于应到代表"
    raise_pct = values.get("average_raise_pct")
    if raise_pct is not None and not (Decimal("-100") < raise_pct <= Decimal("100")):
        problems["average_raise_pct"] = "平均增幅应在 -100% 到 100% 之间"
    minimum = values.get("minimum_wage")
    if minimum is not None and minimum < 0:
        problems["minimum_wage"] = "不能为负数"
    return problems


def attendance_warning(expected: int | None, present: int | None) -> str | None:
    """A congress needs two thirds of its delegates present."""
    if not expected or present is None:
        return None
    if present * 3 < expected * 2:
        return f"实到代表 {present} 人，不足应到 {expected} 人的三分之二，会议决议可能无效"
    return None


@dataclasses.dataclass(frozen=True)
class Todo:
    enterprise_id: int
    enterprise_name: str
    task: str
    title: str
    due_on: dt.date | None
    is_overdue: bool


def todo_list(open_items: Iterable[tuple[int, str, str, str, str, dt.date | None]], today: dt.date) -> list[Todo]:
    """What is due this year, soonest first: overdue plans, then dated plans, then undated work.

    open_items: (enterprise_id, enterprise_name, task, title, status, planned_on) of items not done."""
    todos = [
        Todo(e_id, e_name, task, title or task_label(task), planned_on, planned_on is not None and planned_on < today)
        for e_id, e_name, task, title, status, planned_on in open_items
        if status != "done"
    ]
    return sorted(todos, key=lambda t: (t.due_on is None, t.due_on or dt.date.max, t.enterprise_name, t.task))
