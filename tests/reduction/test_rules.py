"""The reduction measures of seed 004, with its numbers and their boundaries."""
import datetime as dt

import pytest

from app.reduction import rules
from app.reduction.rules import DocumentFacts, InspectionFacts, MeetingFacts, Target

D = dt.date


@pytest.mark.parametrize(
    "last, this, limit, met",
    [
        (10, 7, 7, True),      # exactly 30% fewer passes
        (10, 8, 7, False),
        (7, 4, 4, True),       # 4.9 allowed: rounds down, 4 is 43% fewer
        (7, 5, 4, False),      # 5 would be only 28.6% fewer
        (100, 70, 70, True),
        (100, 71, 70, False),
        (1, 0, 0, True),
        (0, 3, None, None),    # nothing registered last year: no comparison
    ],
)
def test_general_documents_must_fall_by_30_percent(last, this, limit, met):
    target = rules.general_documents_target(last, this)
    assert (target.limit, target.met) == (limit, met)


@pytest.mark.parametrize("last, this, met, change", [(12, 12, True, 0), (12, 13, False, 8), (12, 6, True, -50)])
def test_other_documents_and_meetings_only_fall(last, this, met, change):
    target = rules.no_increase_target(last, this)
    assert (target.met, target.change_pct) == (met, change)


@pytest.mark.parametrize("last, this, met", [(40, 20, True), (40, 21, False), (41, 20, True), (41, 21, False), (1, 0, True)])
def test_inspection_items_must_halve(last, this, met):
    assert rules.inspection_items_target(last, this).met is met


def test_remaining_allowance():
    assert Target(10, 5, 30).remaining == 2 and Target(10, 9, 30).remaining == -2


@pytest.mark.parametrize(
    "covered, total, returned",
    [(0, 100, False), (50, 100, False), (51, 100, True), (5001, 10000, True), (5000, 10000, False), (1, 1, True), (0, 0, False)],
)
def test_more_than_half_copied_goes_back_for_revision(covered, total, returned):
    assert rules.returned_for_revision(covered, total) is returned


@pytest.mark.parametrize(
    "facts, codes",
    [
        (DocumentFacts("forwarding", has_measures=False, is_routine=False), ["forwarding_without_measures"]),
        (DocumentFacts("forwarding", has_measures=True, is_routine=False), []),
        (DocumentFacts("briefing", has_measures=False, is_routine=True), ["routine_briefing"]),
        (DocumentFacts("briefing", has_measures=False, is_routine=False), []),
        (DocumentFacts("general", has_measures=False, is_routine=True), []),
        (DocumentFacts("general", False, False, covered=51, total=100), ["duplicates_superior"]),
        (DocumentFacts("general", False, False, covered=50, total=100), []),
    ],
)
def test_document_flags(facts, codes):
    assert [f.code for f in rules.document_flags(facts)] == codes


def meeting(id, minutes=60, kind="other", mode="video", levels=1, could_be_video=False, department="组织部", day=D(2026, 3, 1)):
    return MeetingFacts(id, department, day, kind, mode, minutes, levels, could_be_video)


@pytest.mark.parametrize(
    "facts, codes",
    [
        (meeting(1, minutes=90), []),
        (meeting(1, minutes=91), ["over_90_minutes"]),
        (meeting(1, levels=0), []),
        (meeting(1, levels=1), []),
        (meeting(1, levels=2), ["reaches_too_deep"]),
        (meeting(1, mode="onsite", could_be_video=True), ["onsite_could_be_video"]),
        (meeting(1, mode="onsite", could_be_video=False), []),
        (meeting(1, mode="video", could_be_video=True), []),
        (meeting(1, kind="work"), []),
    ],
)
def test_meeting_flags(facts, codes):
    assert [f.code for f in rules.meeting_flags([facts])[1]] == codes


def test_a_departments_second_work_meeting_of_the_year_is_flagged_not_the_first():
    meetings = [
        meeting(3, kind="work", day=D(2026, 9, 1)),
        meeting(1, kind="work", day=D(2026, 3, 1)),
        meeting(2, kind="work", department="宣传部", day=D(2026, 5, 1)),
        meeting(4, kind="other", day=D(2026, 10, 1)),
    ]
    flags = rules.meeting_flags(meetings)
    assert {i: [f.code for f in fs] for i, fs in flags.items()} == {1: [], 2: [], 3: ["second_work_meeting"], 4: []}
    assert dict(flags[3][0].values) == {"department": "组织部", "n": "2"}


def inspection(id, department="组织部", start=D(2026, 6, 8), end=D(2026, 6, 12), items=5, targets=(7,), paperwork=False):
    return InspectionFacts(id, department, start, end, items, frozenset(targets), paperwork)


def no_rest_days(start, end):
    return []


NAMES = {7: "三星镇总工会", 8: "常乐镇总工会"}


def codes_of(flags):
    return {i: [f.code for f in fs] for i, fs in flags.items()}


def test_the_same_department_inspects_the_same_federation_once_a_year():
    found = rules.inspection_flags([inspection(1), inspection(2, start=D(2026, 9, 7), end=D(2026, 9, 8)),
                                    inspection(3, department="宣传部", start=D(2026, 10, 12), end=D(2026, 10, 13)),
                                    inspection(4, start=D(2026, 11, 2), end=D(2026, 11, 3), targets=(8,))],
                                   2026, 0, no_rest_days, NAMES)
    assert codes_of(found) == {1: [], 2: ["repeat_inspection"], 3: [], 4: []}
    assert dict(found[2][0].values) == {"n": "2", "targets": "三星镇总工会"}


@pytest.mark.parametrize(
    "other_start, other_end, other_department, other_targets, overlapping",
    [
        (D(2026, 6, 12), D(2026, 6, 15), "宣传部", (7,), True),    # one day in common is enough
        (D(2026, 6, 13), D(2026, 6, 15), "宣传部", (7,), False),   # the day after: fine
        (D(2026, 6, 9), D(2026, 6, 10), "宣传部", (8,), False),    # another federation
        (D(2026, 6, 9), D(2026, 6, 10), "组织部", (7,), False),    # the same department: the repeat rule's business
    ],
)
def test_two_departments_may_not_inspect_one_federation_at_the_same_time(other_start, other_end, other_department,
                                                                          other_targets, overlapping):
    found = rules.inspection_flags([inspection(1), inspection(2, other_department, other_start, other_end, targets=other_targets)],
                                   2026, 0, no_rest_days, NAMES)
    clash = [f for f in found[1] if f.code == "overlapping_inspections"]
    assert bool(clash) is overlapping
    assert bool([f for f in found[2] if f.code == "overlapping_inspections"]) is overlapping
    if overlapping:
        assert dict(clash[0].values)["others"] == f"宣传部（{other_start}—{other_end}）"


def test_rest_days_in_the_period_are_flagged_with_their_names():
    def rest_days(start, end):
        return [(D(2026, 10, 1), "国庆节"), (D(2026, 10, 2), "国庆节")] if start <= D(2026, 10, 1) <= end else []

    found = rules.inspection_flags([inspection(1, start=D(2026, 9, 29), end=D(2026, 10, 2)), inspection(2, targets=(8,))],
                                   2026, 0, rest_days, NAMES)
    assert codes_of(found) == {1: ["rest_day_inspection"], 2: []}
    assert dict(found[1][0].values)["days"] == "2026-10-01 国庆节、2026-10-02 国庆节"


@pytest.mark.parametrize("last_year_items, flagged", [(20, []), (19, [2]), (0, []), (30, [])])
def test_items_must_be_half_of_last_years(last_year_items, flagged):
    # 4 + 6 = 10 items this year: within half of 20, one over half of 19 (9.5 → 9)
    found = rules.inspection_flags([inspection(1, items=4), inspection(2, items=6, start=D(2026, 7, 6), end=D(2026, 7, 7), targets=(8,))],
                                   2026, last_year_items, no_rest_days, NAMES)
    assert [i for i, fs in found.items() if any(f.code == "items_not_halved" for f in fs)] == flagged


def test_scoring_the_amount_of_paperwork_is_flagged():
    found = rules.inspection_flags([inspection(1, paperwork=True)], 2026, 0, no_rest_days, NAMES)
    assert codes_of(found) == {1: ["scores_paperwork"]}


def test_only_the_years_inspections_get_flags():
    found = rules.inspection_flags([inspection(1), inspection(2, start=D(2025, 6, 8), end=D(2025, 6, 12))], 2026, 0, no_rest_days, NAMES)
    assert list(found) == [1]


@pytest.mark.parametrize(
    "start, end, problem",
    [(D(2026, 6, 1), D(2026, 6, 1), None), (D(2026, 6, 2), D(2026, 6, 1), "早于"), (D(2026, 12, 30), D(2027, 1, 2), "跨年度"),
     (D(2026, 1, 1), D(2026, 4, 30), "3 个月")],
)
def test_an_inspection_period(start, end, problem):
    found = rules.period_problem(start, end)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("reason, ok", [("", False), ("   ", False), ("有必要", False), ("上级临时部署", True)])
def test_an_override_needs_a_written_reason(reason, ok):
    assert (rules.override_problem(reason) is None) is ok


def test_a_flags_detail_is_stable_whatever_the_order_of_its_values():
    assert rules.Flag.of("x", b=1, a="二").detail == rules.Flag.of("x", a="二", b=1).detail == '{"a": "二", "b": "1"}'
