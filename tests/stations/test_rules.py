import datetime as dt
from decimal import Decimal

import pytest

from app.stations import rules
from app.stations.rules import Assignment, Completion

D = dt.date


@pytest.mark.parametrize(
    "year, today, expected",
    [
        (2025, D(2026, 6, 15), D(2025, 12, 31)),   # a past year counts at its last day
        (2026, D(2026, 6, 15), D(2026, 6, 15)),    # the running year counts today
        (2027, D(2026, 6, 15), D(2027, 1, 1)),     # a future year: its first day
    ],
)
def test_reference_day(year, today, expected):
    assert rules.reference_day(year, today) == expected


MOVED = [Assignment(1, D(2024, 1, 1), D(2026, 3, 1)), Assignment(2, D(2026, 3, 1), None)]


@pytest.mark.parametrize(
    "day, station",
    [(D(2023, 12, 31), None), (D(2024, 1, 1), 1), (D(2026, 2, 28), 1), (D(2026, 3, 1), 2), (D(2030, 1, 1), 2)],
)
def test_an_enterprise_is_at_one_station_on_any_day(day, station):
    assert rules.station_on(MOVED, day) == station


def test_completion_counts_only_covered_enterprises_so_never_passes_100_percent():
    # enterprise 3 moved away after doing the task: its work no longer counts here
    per_task = rules.task_completion([1, 2], {1: {"member_congress"}, 3: {"member_congress", "workers_congress"}},
                                     ["member_congress", "workers_congress"])
    assert per_task == {"member_congress": Completion(1, 2), "workers_congress": Completion(0, 2)}
    assert rules.overall_completion(per_task) == Completion(1, 4)


def test_a_moved_enterprise_counts_once_across_stations():
    assignments = [Assignment(1, D(2026, 1, 1), D(2026, 5, 1)), Assignment(2, D(2026, 5, 1), None)]
    day = rules.reference_day(2026, D(2026, 12, 31))
    covered = {s: [e for e in [7] if rules.station_on(assignments, day) == s] for s in (1, 2)}
    done = {7: {"member_congress"}}
    totals = [rules.task_completion(covered[s], done, ["member_congress"])["member_congress"] for s in (1, 2)]
    assert totals == [Completion(0, 0), Completion(1, 1)]


@pytest.mark.parametrize("done, total, percent", [(0, 0, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100)])
def test_percent(done, total, percent):
    assert Completion(done, total).percent == percent


@pytest.mark.parametrize(
    "budget, spent, amount, over",
    [("30000", "29000", "1000", False), ("30000", "29000", "1000.01", True), ("30000", "0", "30000", False), ("0", "0", "1", True)],
)
def test_an_expense_overspends_only_past_the_budget(budget, spent, amount, over):
    assert rules.overspends(Decimal(budget), Decimal(spent), Decimal(amount)) is over


def test_the_seed_budget_is_30000_a_year():
    assert rules.DEFAULT_BUDGET == Decimal("30000")
