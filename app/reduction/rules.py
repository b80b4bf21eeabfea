"""The reduction measures of seed 004 (吉林省总工会《为基层减负10条措施》) as plain functions.
No Flask, no database. Every number here comes from the seed.

- general documents (指令性、政策性普发文件): at least 30% fewer than last year; other documents
  only fewer, never more; no forwarding without concrete measures of one's own; no briefings on
  routine work; a draft more than 50% the same as a superior document goes back for revision;
- meetings: video where it will do, at most one work meeting per department a year, normally no
  longer than 90 minutes, reaching one level down only; the total only falls;
- inspections, assessments and surveys (检查考核调研): 50% fewer items, the same department in the same
  area at most once a year, no two departments in the same area at the same time, none on public
  holidays or rest days, no points for the sheer amount of paperwork (留痕); their number only falls.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from typing import Callable, Iterable, Mapping, Sequence

GENERAL = "general"
DOCUMENT_TYPES = {
    GENERAL: "普发文件（指令性、政策性）",
    "briefing": "简报",
    "forwarding": "转发文件",
    "other": "其他文件",
}
WORK = "work"
MEETING_KINDS = {WORK: "工作会议", "other": "其他会议"}
VIDEO, ONSITE = "video", "onsite"
MEETING_MODES = {VIDEO: "视频会议", ONSITE: "现场会议"}
# How far below the calling federation a meeting reaches.
MEETING_REACH = {0: "仅本级", 1: "开到下一级", 2: "开到下两级", 3: "开到下三级及以下"}
INSPECTION_KINDS = {"inspection": "检查", "assessment": "考核", "survey": "调研"}

GENERAL_DOCUMENT_CUT_PCT = 30
INSPECTION_ITEM_CUT_PCT = 50
DUPLICATION_LIMIT_PCT = 50
MAX_MEETING_MINUTES = 90
WORK_MEETINGS_PER_DEPARTMENT = 1
MAX_MEETING_REACH = 1

FLAGS = {
    "forwarding_without_measures": "转发上级文件但没有本级的具体措施",
    "routine_briefing": "常规工作发简报",
    "duplicates_superior": "与上级文件重复率超过一半，应退回修改",
    "over_90_minutes": "会议时长超过 90 分钟",
    "second_work_meeting": "同一部门一年内召开第二次及以上工作会议",
    "reaches_too_deep": "会议开到下一级以下",
    "onsite_could_be_video": "能用视频会议解决却开现场会",
    "repeat_inspection": "同一部门一年内多次检查同一工会",
    "overlapping_inspections": "不同部门同一时段检查同一工会",
    "rest_day_inspection": "检查期间含公休日或法定节假日",
    "items_not_halved": "检查考核事项未比上年减少一半",
    "scores_paperwork": "以留痕多少作为加分或扣分项目",
}
# What a flag's detail says; the values fill in the placeholders (through the catalogue in templates).
FLAG_DETAILS = {
    "duplicates_superior": "重复率 %(rate)s%%",
    "over_90_minutes": "时长 %(minutes)s 分钟",
    "second_work_meeting": "%(department)s本年度第 %(n)s 次工作会议",
    "reaches_too_deep": "开到下 %(levels)s 级",
    "repeat_inspection": "本年度第 %(n)s 次检查 %(targets)s",
    "overlapping_inspections": "%(targets)s 同期另有 %(others)s",
    "rest_day_inspection": "%(days)s",
    "items_not_halved": "本年度累计 %(total)s 项，上限 %(limit)s 项（上年 %(last)s 项）",
}


@dataclasses.dataclass(frozen=True)
class Flag:
    code: str
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **values) -> "Flag":
        return cls(code, tuple(sorted((k, str(v)) for k, v in values.items())))

    @property
    def detail(self) -> str:
        """A stable text of the values: an override holds while the detail it was given for does."""
        return json.dumps(dict(self.values), ensure_ascii=False, sort_keys=True)


# Targets -------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Target:
    """This year's count against last year's with a required cut (0: no increase)."""

    last_year: int
    this_year: int
    cut_pct: int

    @property
    def limit(self) -> int | None:
        """The most allowed this year; None when last year has nothing to compare with."""
        if self.last_year <= 0:
            return None
        return self.last_year * (100 - self.cut_pct) // 100

    @property
    def met(self) -> bool | None:
        return None if self.limit is None else self.this_year <= self.limit

    @property
    def change_pct(self) -> int | None:
        """Change against last year in whole percent (negative: fewer)."""
        if self.last_year <= 0:
            return None
        return round(100 * (self.this_year - self.last_year) / self.last_year)

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.this_year


@dataclasses.dataclass(frozen=True)
class Compliance:
    """How many federations meet a target each on its own figures (a subtree sum can hide misses)."""

    met: list[str]
    missed: list[str]
    not_comparable: list[str]  # nothing last year to compare with


def compliance(targets: list[tuple[str, Target]]) -> Compliance:
    met = [name for name, t in targets if t.met is True]
    missed = [name for name, t in targets if t.met is False]
    return Compliance(met, missed, [name for name, t in targets if t.met is None])


def general_documents_target(last_year: int, this_year: int) -> Target:
    return Target(last_year, this_year, GENERAL_DOCUMENT_CUT_PCT)


def no_increase_target(last_year: int, this_year: int) -> Target:
    return Target(last_year, this_year, 0)


def inspection_items_target(last_year: int, this_year: int) -> Target:
    return Target(last_year, this_year, INSPECTION_ITEM_CUT_PCT)


# Documents -------------------------------------------------------------------------------------------

def returned_for_revision(covered: int, total: int) -> bool:
    """More than half of the draft's characters copied from superior documents; exactly half passes."""
    return total > 0 and covered * 100 > total * DUPLICATION_LIMIT_PCT


def rate_pct(covered: int, total: int) -> float:
    return round(100 * covered / total, 1) if total else 0.0


@dataclasses.dataclass(frozen=True)
class DocumentFacts:
    doc_type: str
    has_measures: bool
    is_routine: bool
    covered: int | None = None  # characters copied from superior documents
    total: int | None = None  # characters of the document (normalised)


def document_flags(doc: DocumentFacts) -> list[Flag]:
    flags = []
    if doc.doc_type == "forwarding" and not doc.has_measures:
        flags.append(Flag.of("forwarding_without_measures"))
    if doc.doc_type == "briefing" and doc.is_routine:
        flags.append(Flag.of("routine_briefing"))
    if doc.covered is not None and doc.total and returned_for_revision(doc.covered, doc.total):
        flags.append(Flag.of("duplicates_superior", rate=rate_pct(doc.covered, doc.total)))
    return flags


# Meetings ----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class MeetingFacts:
    id: int
    department: str
    held_on: dt.date
    kind: str
    mode: str
    duration_minutes: int
    levels_down: int
    could_be_video: bool


def meeting_flags(meetings: Sequence[MeetingFacts]) -> dict[int, list[Flag]]:
    """The flags of each meeting of one year (the order of work meetings counts, so all at once)."""
    flags: dict[int, list[Flag]] = {m.id: [] for m in meetings}
    work_held: dict[str, int] = defaultdict(int)
    for m in sorted(meetings, key=lambda m: (m.held_on, m.id)):
        if m.duration_minutes > MAX_MEETING_MINUTES:
            flags[m.id].append(Flag.of("over_90_minutes", minutes=m.duration_minutes))
        if m.kind == WORK:
            work_held[m.department] += 1
            if work_held[m.department] > WORK_MEETINGS_PER_DEPARTMENT:
                flags[m.id].append(Flag.of("second_work_meeting", department=m.department, n=work_held[m.department]))
        if m.levels_down > MAX_MEETING_REACH:
            flags[m.id].append(Flag.of("reaches_too_deep", levels=m.levels_down))
        if m.mode == ONSITE and m.could_be_video:
            flags[m.id].append(Flag.of("onsite_could_be_video"))
    return flags


# Inspections ----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class InspectionFacts:
    id: int
    department: str
    starts_on: dt.date
    ends_on: dt.date
    items: int
    targets: frozenset[int]
    scores_paperwork: bool = False

    @property
    def year(self) -> int:
        return self.starts_on.year

    def overlaps(self, other: "InspectionFacts") -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on


RestDays = Callable[[dt.date, dt.date], list[tuple[dt.date, str]]]
MAX_DAYS_LISTED = 5


def _names(ids: Iterable[int], names: Mapping[int, str]) -> str:
    return "、".join(names.get(i, str(i)) for i in sorted(ids, key=lambda i: names.get(i, str(i))))


def inspection_flags(inspections: Sequence[InspectionFacts], year: int, last_year_items: int, rest_days: RestDays,
                     names: Mapping[int, str]) -> dict[int, list[Flag]]:
    """The flags of each inspection starting in `year`. `inspections` holds that year's and any
    other that may overlap them; last_year_items is the total of last year's items."""
    this_year = sorted((i for i in inspections if i.year == year), key=lambda i: (i.starts_on, i.id))
    flags: dict[int, list[Flag]] = {i.id: [] for i in this_year}
    seen: dict[tuple[str, int], int] = defaultdict(int)
    limit = inspection_items_target(last_year_items, 0).limit
    total = 0
    for insp in this_year:
        repeated = []
        for target in sorted(insp.targets):
            seen[(insp.department, target)] += 1
            if seen[(insp.department, target)] > 1:
                repeated.append((target, seen[(insp.department, target)]))
        if repeated:
            flags[insp.id].append(Flag.of("repeat_inspection", targets=_names([t for t, _ in repeated], names),
                                          n=max(n for _, n in repeated)))
        clashes = [o for o in inspections
                   if o.id != insp.id and o.department != insp.department and o.targets & insp.targets and o.overlaps(insp)]
        if clashes:
            shared = set().union(*(o.targets & insp.targets for o in clashes))
            others = "、".join(f"{o.department}（{o.starts_on}—{o.ends_on}）" for o in sorted(clashes, key=lambda o: (o.starts_on, o.id)))
            flags[insp.id].append(Flag.of("overlapping_inspections", targets=_names(shared, names), others=others))
        off = rest_days(insp.starts_on, insp.ends_on)
        if off:
            listed = "、".join(f"{day.isoformat()} {reason}" for day, reason in off[:MAX_DAYS_LISTED])
            flags[insp.id].append(Flag.of("rest_day_inspection", days=listed + ("……" if len(off) > MAX_DAYS_LISTED else "")))
        total += insp.items
        if limit is not None and total > limit:
            flags[insp.id].append(Flag.of("items_not_halved", total=total, limit=limit, last=last_year_items))
        if insp.scores_paperwork:
            flags[insp.id].append(Flag.of("scores_paperwork"))
    return flags


def period_problem(starts_on: dt.date, ends_on: dt.date) -> str | None:
    if ends_on < starts_on:
        return "结束日期不能早于开始日期"
    if starts_on.year != ends_on.year:
        return "一次检查不要跨年度，请分开登记"
    if (ends_on - starts_on).days > 92:
        return "一次检查最长 3 个月"
    return None


def override_problem(reason: str) -> str | None:
    """An override needs a written reason that says something."""
    if len((reason or "").strip()) < 4:
        return "请写明理由（至少 4 个字）"
    return None


# How the audit trail names the fields of this area (through the catalogue in templates).
FIELD_LABELS = {
    "number": "文号", "title": "标题", "department": "部门", "issued_on": "发文日期", "doc_type": "文件类型",
    "has_measures": "具体措施", "is_routine": "常规工作", "body": "全文", "source_name": "上传文件", "year": "年度",
    "held_on": "会议日期", "starts_at": "开始时间", "duration_minutes": "时长（分钟）", "kind": "类别", "mode": "会议形式",
    "levels_down": "参会范围", "could_be_video": "能用视频会议解决", "starts_on": "开始日期", "ends_on": "结束日期",
    "items": "检查考核事项数", "targets": "被检查的下级工会", "scores_paperwork": "以留痕多少评分",
    **{code: label for code, label in FLAGS.items()},
}
