import datetime as dt
from decimal import Decimal as D

from fractions import Fraction

import pytest

from app.grading import rules
from app.grading.rules import Facts, Item, Tier

SEED_FUND_GROWTH = rules.parse_brackets("20:20; 10:15; 5:10; *:5")  # seed 000: ≥20% → 20, 10–20% → 15, 5–10% → 10, <5% → 5


@pytest.mark.parametrize(
    "growth, points",
    [("35", "20"), ("20", "20"), ("19.99", "15"), ("10", "15"), ("9.9", "10"), ("5", "10"), ("4.99", "5"), ("0", "5"), ("-12", "5")],
)
def test_the_seeds_fund_growth_brackets(growth, points):
    assert rules.bracket_points(D(growth), SEED_FUND_GROWTH) == D(points)


def test_a_scale_without_otherwise_gives_nothing_below_its_lowest_threshold():
    assert rules.bracket_points(D("4"), rules.parse_brackets("10:8; 5:4")) == D("0")


@pytest.mark.parametrize("text", ["20:NaN", "sNaN:5", "NaN:5; 10:3", "Infinity:5", "20:Infinity", "1e30:5", "20:1E+999999999", "20:-1",
                                  "20:101"])
def test_brackets_are_finite_thresholds_and_scores_from_0_to_100(text):
    with pytest.raises(ValueError):
        rules.parse_brackets(text)


def _items(*points):
    return [Item(n, "类别", f"项目{n}", "manual", D(p)) for n, p in enumerate(points)]


@pytest.mark.parametrize(
    "points, ok",
    [(("60", "40"), True), (("60", "39.9"), False), (("60", "40.1"), False), (("100",), True), ((), False)],
)
def test_a_sheet_must_add_up_to_exactly_100(points, ok):
    problems = rules.sheet_problems(_items(*points))
    assert (problems == []) is ok
    if not ok:
        assert "各项满分合计应为 100 分" in problems[0]


def test_sheet_items_must_be_complete():
    broken = [Item(1, "a", "覆盖率", "metric", D("50"), metric=""), Item(2, "a", "增长", "bracket", D("50")),
              Item(3, "a", "否决", "veto", metric="")]
    problems = rules.sheet_problems(broken)
    assert any("没有选择计算指标" in p for p in problems) and any("没有设置分档" in p for p in problems)
    assert any("没有选择否决条件" in p for p in problems)


@pytest.mark.parametrize(
    "score, tier",
    [("100", "优秀"), ("90", "优秀"), ("89.9", "良好"), ("75", "良好"), ("74.9", "合格"), ("60", "合格"), ("59.9", "不合格"), ("0", "不合格")],
)
def test_default_tiers(score, tier):
    assert rules.tier_for(D(score), rules.DEFAULT_TIERS).name == tier


@pytest.mark.parametrize(
    "started, ended, months",
    [
        (dt.date(2020, 1, 1), None, 12),
        (dt.date(2026, 3, 15), None, 10),       # in office on 15 March: March counts
        (dt.date(2026, 3, 16), None, 9),
        (dt.date(2026, 1, 1), dt.date(2026, 7, 1), 6),
        (dt.date(2026, 1, 1), dt.date(2026, 6, 15), 5),  # left on the 15th (exclusive): June does not count
        (dt.date(2027, 1, 1), None, 0),
        (dt.date(2024, 1, 1), dt.date(2025, 12, 31), 0),
    ],
)
def test_months_in_role(started, ended, months):
    assert rules.months_in_role(started, ended, 2026) == months


EXCELLENT, GOOD = rules.DEFAULT_TIERS[0], rules.DEFAULT_TIERS[1]


@pytest.mark.parametrize(
    "tier, role, months, amount",
    [(EXCELLENT, "chief", 12, "3600.00"), (EXCELLENT, "deputy", 12, "3000.00"), (EXCELLENT, "chief", 9, "2700.00"),
     (EXCELLENT, "deputy", 5, "1250.00"), (EXCELLENT, "staff", 12, "0.00"), (GOOD, "chief", 12, "0.00")],
)
def test_stipends_by_tier_role_and_months(tier, role, months, amount):
    assert rules.stipend_for(tier, role, months) == D(amount)


FACTS = Facts(enterprises=20, held={"member_congress": 20, "workers_congress": 15, "wage_negotiation": 10,
                                    "labour_competition": 18, "cultural_activity": 20},
              n_activities=30, done_items=83, done_items_with_evidence=83, budget=D("30000"), spent=D("27000"), chief_months=12)
SHEET = [
    Item(1, "5+N", "会员代表大会", "metric", D("20"), "coverage:member_congress"),
    Item(2, "5+N", "职工代表大会", "metric", D("20"), "coverage:workers_congress"),
    Item(3, "5+N", "工资集体协商", "metric", D("20"), "coverage:wage_negotiation"),
    Item(4, "N", "N 项活动", "metric", D("10"), "n_per_enterprise", target=D("2")),
    Item(5, "经费", "经费使用", "metric", D("10"), "budget_use", target=D("80")),
    Item(6, "绩效", "经费增长", "bracket", D("20"), brackets=SEED_FUND_GROWTH),
    Item(7, "否决", "未配备站长", "veto", metric="no_chief"),
]


def test_every_point_is_explained():
    grade = rules.grade_station(FACTS, SHEET, {6: (D("12.5"), "工会经费较上年增长 12.5%")}, rules.DEFAULT_TIERS)
    points = {line.item.key: line.points for line in grade.lines}
    assert points == {1: D("20.0"), 2: D("15.0"), 3: D("10.0"), 4: D("7.5"), 5: D("10.0"), 6: D("15"), 7: None}
    assert grade.total == D("77.5") and grade.tier == "良好" and not grade.vetoed
    explained = {line.item.key: line.explanation for line in grade.lines}
    assert explained[2] == "20 家企业中 15 家已召开职工代表大会（75%） → 20 分 × 75% = 15 分"
    assert "平均每家 1.50 次" in explained[4] and "按分档（≥20→20，≥10→15，≥5→10，其余→5）得 15 分" in explained[6]


def test_no_chief_vetoes_whatever_the_points():
    facts = Facts(**{**FACTS.__dict__, "chief_months": 0})
    grade = rules.grade_station(facts, SHEET, {6: (D("30"), "")}, rules.DEFAULT_TIERS)
    assert grade.total == D("82.5") and grade.vetoed and grade.tier == "不合格"


def test_manual_points_are_capped_at_the_items_maximum():
    sheet = [Item(1, "a", "满意度", "manual", D("10"))]
    assert rules.grade_station(FACTS, sheet, {1: (D("14"), "很好")}, rules.DEFAULT_TIERS).total == D("10.0")
    assert rules.grade_station(FACTS, sheet, {}, rules.DEFAULT_TIERS).lines[0].explanation == "尚未评分"


def test_an_empty_station_scores_zero_without_dividing_by_zero():
    empty = Facts(0, {}, 0, 0, 0, D("0"), D("0"), 12)
    assert rules.grade_station(empty, SHEET[:5], {}, rules.DEFAULT_TIERS).total == D("0.0")


def test_the_default_seed_stipends():
    assert rules.DEFAULT_TIERS[0] == Tier("优秀", D("90"), D("3600"), D("3000"))


@pytest.mark.parametrize("line, message", [
    ("优秀,NaN,3000,2000", "第 1 行的分数或金额不是数字"),
    ("优秀,90,Infinity,2000", "第 1 行的分数或金额不是数字"),
    ("优秀,90,1e30,2000", "第 1 行：补贴不能超过 99,999,999.99 元"),
    ("优秀,90,3000,99999999.995", "第 1 行：补贴不能超过 99,999,999.99 元"),
    ("优" * 21 + ",90,3000,2000", "第 1 行：等次名称最长 20 个字"),
])
def test_tiers_that_the_columns_cannot_hold_are_refused(line, message):
    from app.grading.forms import parse_tiers

    with pytest.raises(ValueError, match=message):
        parse_tiers(line)


def _manual_sheet(*maxima):
    return [Item(i, "一", f"项 {i}", "manual", D(m)) for i, m in enumerate(maxima, 1)]


def test_points_are_added_exactly_rounded_once_and_rated_on_the_exact_total():
    # 80 + 5 × 1.95 = 89.75 exactly; rounding each line first (1.95 → 2.0) gave 90.0 and 优秀.
    sheet = _manual_sheet("80", *["1.95"] * 5, "8.25")
    entries = {i: (item.max_points, "") for i, item in enumerate(sheet, 1) if i <= 6}
    grade = rules.grade_station(FACTS, sheet, entries, rules.DEFAULT_TIERS)
    assert grade.exact_total == Fraction("89.75") and grade.total == D("89.8") and grade.tier == "良好"
    assert [line.points for line in grade.lines[1:6]] == [D("2.0")] * 5  # each line is shown rounded


@pytest.mark.parametrize("score, tier", [("90", "优秀"), ("89.95", "良好"), ("89.99", "良好"), ("75", "良好"), ("74.95", "合格"), ("60", "合格"), ("59.95", "不合格")])
def test_the_tier_boundaries_apply_to_the_exact_total(score, tier):
    sheet = _manual_sheet("100")
    grade = rules.grade_station(FACTS, sheet, {1: (D(score), "")}, rules.DEFAULT_TIERS)
    assert grade.exact_total == Fraction(score) and grade.tier == tier


def test_a_metric_third_stays_exact_until_the_total():
    # Three items of 10 points at 1/3 each: 10/3 shown 3.3 each, total exactly 10.0 (not 9.9).
    facts = Facts(**{**FACTS.__dict__, "enterprises": 3, "held": {"member_congress": 1, "workers_congress": 1, "wage_negotiation": 1}})
    sheet = [Item(i, "一", t, "metric", D("10"), metric=f"coverage:{t}") for i, t in enumerate(("member_congress", "workers_congress", "wage_negotiation"), 1)]
    grade = rules.grade_station(facts, sheet, {}, rules.DEFAULT_TIERS)
    assert [line.points for line in grade.lines] == [D("3.3")] * 3 and grade.total == D("10.0")


def test_categories_keep_the_sheets_order_not_code_point_order():
    sheet = [Item(i, c, f"项 {i}", "manual", D("10")) for i, c in enumerate(("一", "二", "三", "二", "否决项", "四"), 1)]
    grade = rules.grade_station(FACTS, sheet, {}, rules.DEFAULT_TIERS)
    assert [c for c, _ in grade.categories] == ["一", "二", "三", "否决项", "四"]
    assert [line.item.key for line in grade.categories[1][1]] == [2, 4]


@pytest.mark.parametrize("held, capped", [
    ([("a", 6), ("b", 6)], [("a", 6), ("b", 6)]),
    ([("a", 12), ("b", 6)], [("a", 12), ("b", 0)]),  # two full chiefs for the same months: one year's stipend
    ([("a", 7), ("b", 7)], [("a", 7), ("b", 5)]),
    ([], []),
])
def test_a_roles_stipend_months_add_up_to_at_most_12_per_station(held, capped):
    assert rules.cap_role_months(held) == capped
