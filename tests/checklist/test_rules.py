import datetime as dt
from decimal import Decimal

import pytest

from app.checklist import rules

TODAY = dt.date(2026, 6, 15)
D = dt.date


def problems(**values):
    values.setdefault("status", "planned" if values.get("planned_on") else "not_started")
    return rules.item_problems(values, 2026, TODAY)


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"status": "done"}, "held_on", "标记为已完成前，请填写举办日期"),
        ({"status": "done", "held_on": D(2025, 12, 30)}, "held_on", "举办日期应在 2026 年内"),
        ({"status": "done", "held_on": D(2026, 6, 16)}, "held_on", "举办日期不能晚于今天"),
        ({"status": "planned"}, "planned_on", "已计划的事项请填写计划日期"),
        ({"status": "planned", "planned_on": D(2027, 1, 1)}, "planned_on", "计划日期应在 2026 年内"),
        ({"status": "bogus"}, "status", "请选择状态"),
        ({"status": "done", "held_on": D(2026, 3, 1), "delegates_expected": 30, "delegates_present": 31}, "delegates_present", "实到代表不能多于应到代表"),
        ({"status": "done", "held_on": D(2026, 3, 1), "participants": -1}, "participants", "不能为负数"),
        ({"status": "done", "held_on": D(2026, 3, 1), "average_raise_pct": Decimal("150")}, "average_raise_pct", "平均增幅"),
    ],
)
def test_an_item_breaking_a_rule_is_refused_with_the_reason_on_its_field(values, field, message):
    found = rules.item_problems(values, 2026, TODAY)
    assert field in found and message in found[field]


@pytest.mark.parametrize(
    "values",
    [
        {"status": "not_started"},
        {"status": "planned", "planned_on": D(2026, 9, 1)},
        {"status": "done", "held_on": D(2026, 6, 15)},
        {"status": "done", "held_on": D(2026, 1, 1), "delegates_expected": 30, "delegates_present": 30, "average_raise_pct": Decimal("5.5")},
    ],
)
def test_valid_items_pass(values):
    assert rules.item_problems(values, 2026, TODAY) == {}


@pytest.mark.parametrize(
    "expected, present, warns",
    [(30, 20, False), (30, 19, True), (31, 21, False), (31, 20, True), (3, 2, False), (3, 1, True), (None, 5, False), (0, 0, False), (30, None, False)],
)
def test_a_congress_with_fewer_than_two_thirds_present_warns(expected, present, warns):
    assert (rules.attendance_warning(expected, present) is not None) is warns


def test_todo_puts_overdue_first_then_by_date_then_undated():
    items = [
        (1, "乙公司", "wage_negotiation", "", "not_started", None),
        (2, "甲公司", "member_congress", "", "planned", D(2026, 7, 1)),
        (3, "丙公司", "workers_congress", "", "planned", D(2026, 5, 1)),
        (4, "丁公司", "cultural_activity", "", "done", D(2026, 4, 1)),
    ]
    todos = rules.todo_list(items, TODAY)
    assert [(t.enterprise_id, t.is_overdue) for t in todos] == [(3, True), (2, False), (1, False)]


def test_each_task_has_its_typed_outcomes():
    assert rules.OUTCOME_FIELDS["wage_negotiation"] == ("agreement_signed", "average_raise_pct", "minimum_wage", "workers_covered")
    assert "delegates_present" in rules.OUTCOME_FIELDS["workers_congress"]
    assert list(rules.TASKS.values()) == ["会员代表大会", "职工代表大会", "工资集体协商", "劳动竞赛", "文体活动"]
