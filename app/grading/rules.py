"""Grading work stations out of 100, rating them and paying stipends (seed 000). Plain functions.

A sheet is a list of items. Each item earns points by one of four kinds:
- metric: computed from the station's data (share of enterprises that held a task, N activities per
  enterprise, evidence, budget use), points = max × how far the station got;
- manual: scored by hand with a reason, from 0 to max;
- bracket: a value (entered, e.g. fund growth in %) placed on a scale, e.g. ≥20 → 20, ≥10 → 15;
- veto (一票否决): no points; when it holds, the station fails whatever its points.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Sequence

KINDS = {"metric": "按数据计算", "manual": "人工评分", "bracket": "分档计分", "veto": "一票否决"}
TOTAL = Decimal("100")
ONE_PLACE = Decimal("0.1")
FAILED_TIER = "不合格"


@dataclasses.dataclass(frozen=True)
class Item:
    key: int | str
    category: str
    name: str
    kind: str
    max_points: Decimal = Decimal("0")
    metric: str = ""
    target: Decimal | None = None
    brackets: tuple[tuple[Decimal, Decimal], ...] = ()


@dataclasses.dataclass(frozen=True)
class Tier:
    name: str
    min_score: Decimal
    chief_stipend: Decimal = Decimal("0")
    deputy_stipend: Decimal = Decimal("0")


DEFAULT_TIERS = (
    Tier("优秀", Decimal("90"), Decimal("3600"), Decimal("3000")),  # seed 000: chief 3,600, deputy 3,000 a year
    Tier("良好", Decimal("75")),
    Tier("合格", Decimal("60")),
)


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the data says about one station in one year."""

    enterprises: int
    held: Mapping[str, int]          # task → enterprises that held it
    n_activities: int
    done_items: int
    done_items_with_evidence: int
    budget: Decimal
    spent: Decimal
    chief_months: int                # months of the year with a chief in office


def sheet_problems(items: Sequence[Item]) -> list[str]:
    """Why a sheet cannot be used (empty when it can): the points must add up to exactly 100."""
    problems = []
    scored = [i for i in items if i.kind != "veto"]
    total = sum((i.max_points for i in scored), Decimal("0"))
    if total != TOTAL:
        problems.append(f"各项满分合计应为 100 分，当前为 {_fmt(total)} 分")
    for item in items:
        if item.kind not in KINDS:
            problems.append(f"“{item.name}”的计分方式无效")
        elif item.kind != "veto" and item.max_points <= 0:
            problems.append(f"“{item.name}”的满分应大于 0")
        elif item.kind == "metric" and item.metric not in METRICS:
            problems.append(f"“{item.name}”没有选择计算指标")
        elif item.kind == "veto" and item.metric not in VETOES and item.metric != "manual":
            problems.append(f"“{item.name}”没有选择否决条件")
        elif item.kind == "bracket" and not item.brackets:
            problems.append(f"“{item.name}”没有设置分档")
        elif item.kind == "bracket" and max(p for _, p in item.brackets) > item.max_points:
            problems.append(f"“{item.name}”的分档得分超过满分")
    return problems


OTHERWISE = Decimal("-Infinity")
MAX_THRESHOLD = Decimal(10) ** 10  # a bracket's threshold is compared with an entered value (Numeric(12, 2))


def parse_brackets(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """"20:20; 10:15; 5:10; *:5" → ((20, 20), (10, 15), (5, 10), (-inf, 5)), highest threshold first.
    A threshold of * is 'anything lower' (the seed's "below 5% → 5")."""
    pairs = []
    for part in text.replace("；", ";").replace("：", ":").split(";"):
        if part.strip():
            threshold, points = part.split(":")
            threshold = threshold.strip()
            pairs.append((OTHERWISE if threshold == "*" else Decimal(threshold), Decimal(points.strip())))
    # NaN cannot be compared, and neither an infinite nor a huge threshold or score means anything here.
    if not all((t is OTHERWISE or (t.is_finite() and abs(t) < MAX_THRESHOLD)) and p.is_finite() and 0 <= p <= 100 for t, p in pairs):
        raise ValueError("brackets out of range")
    if not pairs:
        raise ValueError("no brackets")
    return tuple(sorted(pairs, reverse=True))


def bracket_points(value: Decimal, brackets: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Points of the first bracket whose threshold the value reaches (thresholds are 'at least')."""
    for threshold, points in sorted(brackets, reverse=True):
        if value >= threshold:
            return points
    return Decimal("0")


# Metrics: name → (label, function(facts, item) → (share 0..1, explanation)).

def _coverage(task: str, label: str) -> Callable[[Facts, Item], tuple[Decimal, str]]:
    def metric(facts: Facts, item: Item) -> tuple[Decimal, str]:
        held = facts.held.get(task, 0)
        share = Fraction(held, facts.enterprises) if facts.enterprises else Fraction(0)
        return share, f"{facts.enterprises} 家企业中 {held} 家已{label}（{_pct(share)}）"
    return metric


def _n_per_enterprise(facts: Facts, item: Item) -> tuple[Decimal, str]:
    target = item.target or Decimal("2")
    per = Fraction(facts.n_activities, facts.enterprises) if facts.enterprises else Fraction(0)
    shown = (Decimal(per.numerator) / per.denominator).quantize(Decimal('0.01'), ROUND_HALF_UP)
    return min(Fraction(1), per / Fraction(target)), f"N 项活动 {facts.n_activities} 次，平均每家 {shown} 次（{_fmt(target)} 次得满分）"


def _evidence(facts: Facts, item: Item) -> tuple[Decimal, str]:
    share = Fraction(facts.done_items_with_evidence, facts.done_items) if facts.done_items else Fraction(0)
    return share, f"已完成 {facts.done_items} 项中 {facts.done_items_with_evidence} 项附有证明材料（{_pct(share)}）；只看是否齐全，不看材料多少"


def _budget_use(facts: Facts, item: Item) -> tuple[Decimal, str]:
    target = Fraction(item.target or Decimal("80")) / 100
    use = Fraction(facts.spent) / Fraction(facts.budget) if facts.budget else Fraction(0)
    return min(Fraction(1), use / target), f"经费 {_fmt(facts.budget)} 元，已用 {_fmt(facts.spent)} 元（{_pct(use)}，{_pct(target)} 得满分）"


METRIC_LABELS = {
    "coverage:member_congress": "会员代表大会覆盖率",
    "coverage:workers_congress": "职工代表大会覆盖率",
    "coverage:wage_negotiation": "工资集体协商覆盖率",
    "coverage:labour_competition": "劳动竞赛覆盖率",
    "coverage:cultural_activity": "文体活动覆盖率",
    "n_per_enterprise": "每家企业 N 项活动次数",
    "evidence": "证明材料齐全率",
    "budget_use": "经费使用率",
}
METRICS = {
    "coverage:member_congress": _coverage("member_congress", "召开会员代表大会"),
    "coverage:workers_congress": _coverage("workers_congress", "召开职工代表大会"),
    "coverage:wage_negotiation": _coverage("wage_negotiation", "开展工资集体协商"),
    "coverage:labour_competition": _coverage("labour_competition", "开展劳动竞赛"),
    "coverage:cultural_activity": _coverage("cultural_activity", "开展文体活动"),
    "n_per_enterprise": _n_per_enterprise,
    "evidence": _evidence,
    "budget_use": _budget_use,
}
VETOES = {"no_chief": "全年未配备站长"}


@dataclasses.dataclass(frozen=True)
class Line:
    item: Item
    points: Decimal | None      # None for veto items; rounded to 0.1 for display
    explanation: str
    vetoed: bool = False
    exact: Fraction | None = None  # the unrounded points, which the total adds up


def _exact(line: Line) -> Fraction:
    if line.exact is not None:
        return line.exact
    return Fraction(line.points) if line.points is not None else Fraction(0)


@dataclasses.dataclass(frozen=True)
class Grade:
    lines: tuple[Line, ...]
    total: Decimal              # the exact total rounded once, for display
    vetoed: bool
    tier: str
    exact_total: Fraction | None = None  # what the tier is decided on

    @property
    def categories(self) -> list[tuple[str, list[Line]]]:
        return in_sheet_order(self.lines)


def in_sheet_order(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    """Lines grouped by category, categories in the order the sheet first lists them (not code-point order)."""
    groups: dict[str, list[Line]] = {}
    for line in lines:
        groups.setdefault(line.item.category, []).append(line)
    return list(groups.items())


def grade_station(facts: Facts, items: Sequence[Item], entries: Mapping, tiers: Sequence[Tier]) -> Grade:
    """Score every item with its explanation, add up, apply vetoes and rate.

    entries: item key → (value, reason) entered by hand for manual, bracket and manual-veto items."""
    lines = [_line(facts, item, entries.get(item.key)) for item in items]
    exact = sum((_exact(line) for line in lines), Fraction(0))
    vetoed = any(line.vetoed for line in lines)
    # Add the exact points, round once for display, and rate on the exact total: 89.75 is 良好, not 优秀.
    return Grade(tuple(lines), _points(exact), vetoed, FAILED_TIER if vetoed else tier_for(exact, tiers).name, exact)


def _line(facts: Facts, item: Item, entry) -> Line:
    value, reason = entry if entry else (None, "")
    if item.kind == "metric":
        share, why = METRICS[item.metric](facts, item)
        exact = Fraction(item.max_points) * share
        points = _points(exact)
        return Line(item, points, f"{why} → {_fmt(item.max_points)} 分 × {_pct(share)} = {_fmt(points)} 分", exact=exact)
    if item.kind == "manual":
        if value is None:
            return Line(item, Decimal("0"), "尚未评分")
        exact = Fraction(max(Decimal("0"), min(item.max_points, value)))
        points = _points(exact)
        return Line(item, points, f"人工评分 {_fmt(points)} 分" + (f"：{reason}" if reason else ""), exact=exact)
    if item.kind == "bracket":
        if value is None:
            return Line(item, Decimal("0"), "尚未填写")
        points = bracket_points(value, item.brackets)
        scale = "，".join(("其余" if t == OTHERWISE else f"≥{_fmt(t)}") + f"→{_fmt(p)}" for t, p in item.brackets)
        return Line(item, points, f"填报值 {_fmt(value)}，按分档（{scale}）得 {_fmt(points)} 分" + (f"：{reason}" if reason else ""))
    if item.metric == "no_chief":
        vetoed = facts.chief_months == 0
        return Line(item, None, "全年未配备站长，考核不合格" if vetoed else f"已配备站长（{facts.chief_months} 个月）", vetoed)
    vetoed = bool(value)
    return Line(item, None, f"否决：{reason}" if vetoed else "未触发", vetoed)


def tier_for(score: Decimal | Fraction, tiers: Sequence[Tier]) -> Tier:
    """The highest tier whose minimum the score reaches, else 不合格."""
    for tier in sorted(tiers, key=lambda t: t.min_score, reverse=True):
        if score >= tier.min_score:
            return tier
    return Tier(FAILED_TIER, Decimal("0"))


def months_in_role(started_on: dt.date, ended_on: dt.date | None, year: int) -> int:
    """Months of the year in which the person held the role on the 15th (ended_on exclusive)."""
    months = 0
    for month in range(1, 13):
        mid = dt.date(year, month, 15)
        if started_on <= mid and (ended_on is None or mid < ended_on):
            months += 1
    return months


def cap_role_months(held: Sequence[tuple[object, int]], cap: int = 12) -> list[tuple[object, int]]:
    """A role's stipend months at one station add up to at most 12 a year: earlier holders first,
    a later holder gets what is left (0 when nothing is)."""
    left, capped = cap, []
    for holder, months in held:
        take = max(0, min(months, left))
        left -= take
        capped.append((holder, take))
    return capped


def stipend_for(tier: Tier, role: str, months: int) -> Decimal:
    """A year's stipend for the role at this tier, pro-rated by months in the role."""
    yearly = {"chief": tier.chief_stipend, "deputy": tier.deputy_stipend}.get(role, Decimal("0"))
    return (yearly * months / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _points(value: Decimal | Fraction) -> Decimal:
    """Round to 0.1 (half up) for display; exact for any Fraction, not just its float."""
    if isinstance(value, Fraction):
        value = Fraction(value)
        tenths, rest = divmod(value * 10, 1)
        tenths += 1 if rest >= Fraction(1, 2) else 0
        return (Decimal(int(tenths)) / 10).quantize(ONE_PLACE)
    return value.quantize(ONE_PLACE, ROUND_HALF_UP)


def _pct(share: Decimal | Fraction) -> str:
    if isinstance(share, Fraction):
        hundreds, rest = divmod(share * 100, 1)
        return f"{int(hundreds) + (1 if rest >= Fraction(1, 2) else 0)}%"
    return f"{(share * 100).quantize(Decimal('1'), ROUND_HALF_UP)}%"


def _fmt(number: Decimal) -> str:
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365
