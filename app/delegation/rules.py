"""上代下: an upper level acting for grassroots unions that cannot act for themselves (seeds 000, 001,
002). The workflow as a table of transitions, due dates in working days, overdue, outcomes. No db."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Callable

KINDS = {
    "rights": "维权与劳动争议",
    "wage_negotiation": "代为工资集体协商",
    "election": "协助组织民主选举",  # seed 001: helping a grassroots union organise its election
    "dues": "经费集中管理、分户核算",
    "legal_aid": "法律援助",
    "other": "其他",
}
# Working days from acceptance to the due date, by kind (defaults; a handler may set another date).
DUE_WORKING_DAYS = {"rights": 10, "wage_negotiation": 20, "election": 20, "dues": 10, "legal_aid": 5, "other": 10}
SOURCES = {"station": "工作站提出", "federation": "本会提出", "complaint": "职工投诉"}
STATUSES = {
    "requested": "待受理", "accepted": "已受理", "in_progress": "办理中", "closed": "已办结", "confirmed": "已确认",
}
OPEN = {"requested", "accepted", "in_progress"}


def queue_number(sender_slug: str, number: str) -> str:
    """A case number in the queue of cases passed up: numbers are per federation (every town has its
    2026-0001), so the sender's short name (unique among federations) qualifies it."""
    return f"{sender_slug}/{number}"

# Typed outcomes by kind: field → label. Closing needs the required ones.
OUTCOME_FIELDS = {
    "rights": {"amount_recovered": "追回金额（元）", "workers_helped": "帮助职工（人）"},
    "legal_aid": {"amount_recovered": "追回金额（元）", "workers_helped": "帮助职工（人）"},
    "wage_negotiation": {"agreement_title": "签订的协议", "workers_covered": "覆盖职工（人）"},
    "election": {"election_result": "选举结果"},
    "dues": {},
    "other": {},
}
REQUIRED_OUTCOMES = {
    "rights": ("workers_helped",), "legal_aid": ("workers_helped",),
    "wage_negotiation": ("agreement_title", "workers_covered"), "election": ("election_result",),
    "dues": (), "other": (),
}


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str
    label: str
    from_statuses: frozenset[str]
    to_status: str | None   # None: the status stays (notes, escalation)


TRANSITIONS = {
    t.action: t for t in (
        Transition("accept", "受理", frozenset({"requested"}), "accepted"),
        Transition("note", "记录进展", frozenset({"accepted", "in_progress"}), "in_progress"),
        Transition("close", "办结", frozenset({"accepted", "in_progress"}), "closed"),
        Transition("confirm", "确认办理结果", frozenset({"closed"}), "confirmed"),
        Transition("reopen", "退回重办", frozenset({"closed"}), "in_progress"),
        Transition("escalate", "提交上级办理", frozenset({"requested", "accepted", "in_progress"}), "requested"),
    )
}


class IllegalTransition(ValueError):
    """The action is not allowed from the case's status; the message says why."""


def next_status(status: str, action: str) -> str:
    """The status after an action, or IllegalTransition."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"未知操作：{action}")
    if status not in transition.from_statuses:
        raise IllegalTransition(f"案件{STATUSES.get(status, status)}，不能{transition.label}")
    return transition.to_status or status


def due_on(accepted_on: dt.date, kind: str, add_working_days: Callable[[dt.date, int], dt.date]) -> dt.date:
    """The due date: the kind's number of working days after acceptance (Chinese calendar)."""
    return add_working_days(accepted_on, DUE_WORKING_DAYS.get(kind, 10))


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    return status in OPEN and due is not None and due < today


def outcome_problems(kind: str, outcome: dict) -> dict[str, str]:
    """Field → reason for an outcome that cannot close the case."""
    problems = {}
    for field in REQUIRED_OUTCOMES.get(kind, ()):
        value = outcome.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[field] = f"请填写{OUTCOME_FIELDS[kind][field]}"
    for field in ("workers_helped", "workers_covered"):
        if outcome.get(field) is not None and outcome[field] < 0:
            problems[field] = "不能为负数"
    amount = outcome.get("amount_recovered")
    if amount is not None and amount < Decimal(0):
        problems["amount_recovered"] = "不能为负数"
    if not (outcome.get("summary") or "").strip():
        problems["summary"] = "请填写办理结果"
    return problems


def rating_problem(rating: int | None) -> str | None:
    if rating is None or not 1 <= rating <= 5:
        return "请给出 1 到 5 星的评价"
    return None


def ledger_balance(entries: list[tuple[str, Decimal]]) -> Decimal:
    """Per-enterprise dues account: collected adds, returned and spent subtract."""
    sign = {"collected": 1, "returned": -1, "spent": -1}
    return sum((sign[kind] * amount for kind, amount in entries), Decimal(0))


def first_overdraft(entries: list[tuple[str, Decimal]]) -> Decimal | None:
    """The first negative running balance of an account taken in date order, or None.

    An enterprise's dues account never goes below zero: a return or a payout may take at most what was
    collected before it (an exact balance leaves 0.00, one cent more is refused)."""
    balance = Decimal(0)
    for kind, amount in entries:
        balance += ledger_balance([(kind, amount)])
        if balance < 0:
            return balance
    return None


DUES_ENTRY_KINDS = {"collected": "收缴", "returned": "返还", "spent": "支出"}
EVENTS = {"opened": "登记", "accept": "受理", "note": "进展", "close": "办结", "confirm": "确认", "reopen": "退回重办", "escalate": "提交上级"}
