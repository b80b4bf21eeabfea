"""Grading operations: sheets, the facts of a station's year, the review workflow, stipends.
They flush and audit; callers commit."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import sqlalchemy as sa

from app.audit.models import utcnow
from app.checklist import rules as checklist_rules
from app.checklist import services as checklist
from app.checklist.models import ChecklistItem, EvidenceFile
from app.summaries import counts
from app.extensions import db
from app.stations import services as stations
from app.stations.models import StationRole, WorkStation

from . import rules
from .models import GradingItem, GradingSheet, GradingTier, ScoreEntry, StationScore, StipendAward


class GradingError(ValueError):
    """A grading operation refused; the message is shown to the user."""


# Sheets -------------------------------------------------------------------------------------------

RESULTS_CATEGORY = "三、工作实效"
RESULTS_NAME = "五项任务取得的实际成果（人工评分，需说明理由；不以留痕多少计分）"
DEFAULT_ITEMS = [
    # (category, name, kind, metric, max points, target)
    ("一、5+N 五项任务", "会员代表大会覆盖率", "metric", "coverage:member_congress", 12, None),
    ("一、5+N 五项任务", "职工代表大会覆盖率", "metric", "coverage:workers_congress", 12, None),
    ("一、5+N 五项任务", "工资集体协商覆盖率", "metric", "coverage:wage_negotiation", 12, None),
    ("一、5+N 五项任务", "劳动竞赛覆盖率", "metric", "coverage:labour_competition", 12, None),
    ("一、5+N 五项任务", "文体活动覆盖率", "metric", "coverage:cultural_activity", 12, None),
    ("二、N 项活动", "N 项活动（每家企业平均 2 次得满分）", "metric", "n_per_enterprise", 10, 2),
    # Not the evidence files: seed 004 forbids scoring 留痕 (不得简单以留痕多少作为考核评分的加分或扣分项目).
    (RESULTS_CATEGORY, RESULTS_NAME, "manual", "", 5, None),
    ("四、经费使用", "工作经费使用率（80% 得满分）", "metric", "budget_use", 10, 80),
    ("五、服务成效", "职工满意度（人工评分，需说明理由）", "manual", "", 10, None),
    ("五、服务成效", "上代下、维权服务（人工评分，需说明理由）", "manual", "", 5, None),
    ("否决项", "全年未配备站长", "veto", "no_chief", 0, None),
]


def sheet_for(year: int) -> GradingSheet:
    """The year's sheet; the default one (built from the 5+N data, published) when there is none yet."""
    sheet = db.session.scalar(sa.select(GradingSheet).where(GradingSheet.year == year))
    if sheet is None:
        sheet = GradingSheet(year=year, is_published=True, is_default=True)
        db.session.add(sheet)
        db.session.flush()
        for position, (category, name, kind, metric, points, target) in enumerate(DEFAULT_ITEMS):
            db.session.add(GradingItem(sheet_id=sheet.id, position=position, category=category, name=name, kind=kind,
                                       metric=metric, max_points=Decimal(points), target=target, brackets=""))
        for tier in rules.DEFAULT_TIERS:
            db.session.add(GradingTier(sheet_id=sheet.id, name=tier.name, min_score=tier.min_score,
                                       chief_stipend=tier.chief_stipend, deputy_stipend=tier.deputy_stipend))
        db.session.flush()
    return sheet


def items_of(sheet: GradingSheet) -> list[GradingItem]:
    return db.session.scalars(sa.select(GradingItem).where(GradingItem.sheet_id == sheet.id).order_by(GradingItem.position, GradingItem.id)).all()


def tiers_of(sheet: GradingSheet) -> list[GradingTier]:
    return db.session.scalars(sa.select(GradingTier).where(GradingTier.sheet_id == sheet.id).order_by(GradingTier.min_score.desc())).all()


def sheet_problems(sheet: GradingSheet) -> list[str]:
    return rules.sheet_problems([i.as_rule() for i in items_of(sheet)])


def _check_sheet_editable(sheet: GradingSheet) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(StationScore).where(
            StationScore.year == sheet.year, StationScore.status == "confirmed")):
        raise GradingError(f"{sheet.year} 年已有工作站的考核被确认，考核表不能再修改")


def save_item(sheet: GradingSheet, values: dict, actor: str, item: GradingItem | None = None) -> GradingItem:
    """Add or change an item; the sheet goes back to draft until it is published again."""
    _check_sheet_editable(sheet)
    if values.get("kind") == "bracket":
        try:
            rules.parse_brackets(values.get("brackets", ""))
        except Exception as exc:
            raise GradingError("分档格式应为“门槛:得分”，用分号分隔，* 表示其余，例如 20:20; 10:15; 5:10; *:5") from exc
    if item is None:
        position = (db.session.scalar(sa.select(sa.func.max(GradingItem.position)).where(GradingItem.sheet_id == sheet.id)) or 0) + 1
        item = GradingItem(sheet_id=sheet.id, position=position)
        db.session.add(item)
    changes = stations._changes(item, values)
    sheet.is_published, sheet.is_default, sheet.updated_at = False, False, utcnow()
    db.session.flush()
    stations.audit("grading.item", f"grading_sheet:{sheet.year}", actor, changes)
    return item


def delete_item(sheet: GradingSheet, item: GradingItem, actor: str) -> None:
    _check_sheet_editable(sheet)
    db.session.execute(sa.delete(ScoreEntry).where(ScoreEntry.item_id == item.id))
    db.session.delete(item)
    sheet.is_published, sheet.is_default = False, False
    db.session.flush()
    stations.audit("grading.item_delete", f"grading_sheet:{sheet.year}", actor, {item.name: [str(item.max_points), None]})


def save_tiers(sheet: GradingSheet, tiers: list[dict], actor: str) -> None:
    """Replace the rating tiers (name, minimum score, chief and deputy stipend)."""
    _check_sheet_editable(sheet)
    names = [t["name"] for t in tiers]
    if len(set(names)) != len(names) or any(not n for n in names):
        raise GradingError("等次名称不能为空或重复")
    db.session.execute(sa.delete(GradingTier).where(GradingTier.sheet_id == sheet.id))
    for tier in tiers:
        db.session.add(GradingTier(sheet_id=sheet.id, **tier))
    db.session.flush()
    stations.audit("grading.tiers", f"grading_sheet:{sheet.year}", actor, {t["name"]: [None, str(t["min_score"])] for t in tiers})


def publish(sheet: GradingSheet, actor: str) -> None:
    """Put the sheet into use; refused unless its points add up to exactly 100."""
    problems = sheet_problems(sheet)
    if problems:
        raise GradingError("；".join(problems))
    sheet.is_published = True
    db.session.flush()
    stations.audit("grading.publish", f"grading_sheet:{sheet.year}", actor)


# Facts and grades ---------------------------------------------------------------------------------

def facts_for(station_id: int, year: int) -> rules.Facts:
    """What the station's data says about the year (the same counting as the checklist grid)."""
    grid = checklist.grid(station_id, year)
    ids = [row.enterprise.id for row in grid.rows]
    with_evidence = 0
    if ids:
        with_evidence = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ChecklistItem.id)))
            .join(EvidenceFile, EvidenceFile.item_id == ChecklistItem.id)
            .where(ChecklistItem.year == year, ChecklistItem.enterprise_id.in_(ids), ChecklistItem.status == "done",
                   ChecklistItem.task != checklist_rules.N_ACTIVITY)
        )
    chiefs = db.session.execute(sa.select(StationRole.started_on, StationRole.ended_on).where(
        StationRole.station_id == station_id, StationRole.role == "chief")).all()
    return rules.Facts(
        enterprises=len(ids), held={task: c.done for task, c in grid.per_task.items()}, n_activities=grid.n_total,
        done_items=grid.overall.done, done_items_with_evidence=with_evidence,
        budget=stations.budget_for(station_id, year), spent=stations.spent(station_id, year),
        chief_months=min(12, sum(rules.months_in_role(s, e, year) for s, e in chiefs)),
    )


def score_of(station_id: int, year: int) -> StationScore | None:
    return db.session.scalar(sa.select(StationScore).where(StationScore.station_id == station_id, StationScore.year == year))


def _score(station_id: int, year: int) -> StationScore:
    score = score_of(station_id, year)
    if score is None:
        score = StationScore(station_id=station_id, year=year, status="draft", return_reason="", is_vetoed=False)
        db.session.add(score)
        db.session.flush()
    return score


def entries_of(score: StationScore | None) -> dict[int, ScoreEntry]:
    if score is None or score.id is None:
        return {}
    return {e.item_id: e for e in db.session.scalars(sa.select(ScoreEntry).where(ScoreEntry.score_id == score.id))}


@dataclasses.dataclass
class Grading:
    station: WorkStation
    year: int
    sheet: GradingSheet
    items: list[GradingItem]
    tiers: list[GradingTier]
    score: StationScore | None
    entries: dict[int, ScoreEntry]
    grade: rules.Grade
    frozen: bool


def grading_for(station: WorkStation, year: int) -> Grading:
    """The station's grading: live from the data, or as frozen when the score was confirmed."""
    sheet = sheet_for(year)
    items, tiers = items_of(sheet), tiers_of(sheet)
    score = score_of(station.id, year)
    entries = entries_of(score)
    if score is not None and score.is_locked:
        lines = tuple(rules.Line(i.as_rule(), entries[i.id].points if i.id in entries else None,
                                 entries[i.id].explanation if i.id in entries else "", False) for i in items)
        grade = rules.Grade(lines, Decimal(score.total), score.is_vetoed, score.tier)
        return Grading(station, year, sheet, items, tiers, score, entries, grade, True)
    manual = {item_id: (e.value, e.reason) for item_id, e in entries.items()}
    grade = rules.grade_station(facts_for(station.id, year), [i.as_rule() for i in items], manual, [t.as_rule() for t in tiers])
    return Grading(station, year, sheet, items, tiers, score, entries, grade, False)


# Workflow -----------------------------------------------------------------------------------------

EDITABLE_BY_STATION = {"draft", "returned"}


def set_entry(station: WorkStation, year: int, item: GradingItem, value: Decimal | None, reason: str, *, actor: str, is_admin: bool) -> None:
    """Enter a hand-scored value (manual points, a bracket's value, a manual veto) with its reason."""
    score = _score(station.id, year)
    if score.is_locked:
        raise GradingError("考核已确认，不能修改")
    if not is_admin and score.status not in EDITABLE_BY_STATION:
        raise GradingError("自评已提交，等待审核；如需修改请联系本会管理员退回")
    if item.kind == "metric" or (item.kind == "veto" and item.metric != "manual"):
        raise GradingError("该项按数据自动计算，不能手工修改")
    reason = (reason or "").strip()
    if item.kind == "manual" and value is not None and not (0 <= value <= item.max_points):
        raise GradingError(f"得分应在 0 到 {item.max_points} 分之间")
    if item.kind == "manual" and value is not None and not reason:
        raise GradingError("人工评分请说明理由")
    if item.kind == "veto" and value and not reason:
        raise GradingError("否决须说明理由")
    entry = entries_of(score).get(item.id) or ScoreEntry(score_id=score.id, item_id=item.id, explanation="")
    before = [str(entry.value) if entry.value is not None else None, entry.reason or None]
    entry.value, entry.reason = value, reason
    db.session.add(entry)
    db.session.flush()
    stations.audit("grading.entry", f"station_score:{score.id}", actor, {item.name: [before[0], str(value) if value is not None else None]})


def submit(station: WorkStation, year: int, actor: str) -> StationScore:
    score = _score(station.id, year)
    if score.status not in EDITABLE_BY_STATION:
        raise GradingError("当前状态不能提交")
    score.status, score.submitted_at, score.submitted_by = "submitted", utcnow(), actor
    db.session.flush()
    stations.audit("grading.submit", f"station_score:{score.id}", actor)
    return score


def send_back(station: WorkStation, year: int, reason: str, actor: str) -> StationScore:
    score = score_of(station.id, year)
    if score is None or score.status != "submitted":
        raise GradingError("只有待审核的自评可以退回")
    if not (reason or "").strip():
        raise GradingError("退回请说明理由")
    score.status, score.return_reason, score.reviewed_at, score.reviewed_by = "returned", reason.strip(), utcnow(), actor
    db.session.flush()
    stations.audit("grading.return", f"station_score:{score.id}", actor, {"reason": [None, reason.strip()]})
    return score


def confirm(station: WorkStation, year: int, actor: str) -> StationScore:
    """Confirm a submitted score: freeze every item's points and explanation, the total, the tier
    and the stipends. From now on the checklist and budget of that station-year are locked."""
    score = score_of(station.id, year)
    if score is None or score.status != "submitted":
        raise GradingError("只有待审核的自评可以确认")
    grading = grading_for(station, year)
    if not grading.sheet.is_published:
        raise GradingError("本年度考核表尚未发布")
    entries = grading.entries
    for line in grading.grade.lines:
        entry = entries.get(line.item.key) or ScoreEntry(score_id=score.id, item_id=line.item.key, reason="")
        entry.points, entry.explanation = line.points, line.explanation
        db.session.add(entry)
    score.total, score.tier, score.is_vetoed = grading.grade.total, grading.grade.tier, grading.grade.vetoed
    score.status, score.reviewed_at, score.reviewed_by, score.return_reason = "confirmed", utcnow(), actor, ""
    tier = next((t.as_rule() for t in grading.tiers if t.name == grading.grade.tier), rules.Tier(rules.FAILED_TIER, Decimal("0")))
    for person_id, role, months in _months_by_person(station.id, year):
        db.session.add(StipendAward(score_id=score.id, person_id=person_id, role=role, months=months,
                                    amount=rules.stipend_for(tier, role, months)))
    db.session.flush()
    stations.audit("grading.confirm", f"station_score:{score.id}", actor,
                   {"total": [None, str(score.total)], "tier": [None, score.tier]})
    counts.refresh("grading", year)
    return score


def unlock(station: WorkStation, year: int, reason: str, actor: str) -> StationScore:
    """Undo a confirmation (explicit and audited): the score goes back to review, stipends are withdrawn."""
    score = score_of(station.id, year)
    if score is None or score.status != "confirmed":
        raise GradingError("只有已确认的考核可以解锁")
    if not (reason or "").strip():
        raise GradingError("解锁请说明理由")
    db.session.execute(sa.delete(StipendAward).where(StipendAward.score_id == score.id))
    db.session.execute(sa.update(ScoreEntry).where(ScoreEntry.score_id == score.id).values(points=None, explanation=""))
    score.status, score.total, score.tier, score.is_vetoed = "submitted", None, None, False
    db.session.flush()
    stations.audit("grading.unlock", f"station_score:{score.id}", actor, {"reason": [None, reason.strip()]})
    counts.refresh("grading", year)
    return score


def _months_by_person(station_id: int, year: int) -> list[tuple[int, str, int]]:
    rows = db.session.execute(sa.select(StationRole.person_id, StationRole.role, StationRole.started_on, StationRole.ended_on).where(
        StationRole.station_id == station_id, StationRole.role.in_(("chief", "deputy")))).all()
    months: dict[tuple[int, str], int] = {}
    first: dict[tuple[int, str], dt.date] = {}
    for person_id, role, started_on, ended_on in rows:
        months[(person_id, role)] = min(12, months.get((person_id, role), 0) + rules.months_in_role(started_on, ended_on, year))
        first[(person_id, role)] = min(started_on, first.get((person_id, role), started_on))
    # The chief's stipend is paid for at most 12 months a year in total per station (one chief at a time).
    chiefs = sorted((key for key in months if key[1] == "chief"), key=lambda key: (first[key], key[0]))
    months.update(rules.cap_role_months([(key, months[key]) for key in chiefs]))
    return [(person_id, role, m) for (person_id, role), m in sorted(months.items()) if m > 0]


def overview(year: int) -> list[tuple[WorkStation, StationScore | None, Decimal]]:
    """Every station with its score (if any) and the stipends of a confirmed one."""
    scores = {s.station_id: s for s in db.session.scalars(sa.select(StationScore).where(StationScore.year == year))}
    totals = dict(db.session.execute(
        sa.select(StipendAward.score_id, sa.func.sum(StipendAward.amount)).join(StationScore, StationScore.id == StipendAward.score_id)
        .where(StationScore.year == year).group_by(StipendAward.score_id)).all())
    return [(station, scores.get(station.id), Decimal(totals.get(scores[station.id].id, 0)) if station.id in scores else Decimal(0))
            for station in stations.all_stations()]


def stipend_roster(year: int) -> list[tuple]:
    """(station, person, role, months, tier, amount) of every confirmed score of the year."""
    from app.stations.models import Person

    return db.session.execute(
        sa.select(WorkStation.name, Person.name, StipendAward.role, StipendAward.months, StationScore.tier, StipendAward.amount)
        .join(StationScore, StationScore.id == StipendAward.score_id)
        .join(WorkStation, WorkStation.id == StationScore.station_id)
        .join(Person, Person.id == StipendAward.person_id)
        .where(StationScore.year == year, StationScore.status == "confirmed")
        .order_by(WorkStation.name, StipendAward.role, Person.name)
    ).all()


def awards_of(score: StationScore | None) -> list[tuple]:
    """(person, role, months, amount) of a confirmed score."""
    from app.stations.models import Person

    if score is None or not score.is_locked:
        return []
    return db.session.execute(
        sa.select(Person.name, StipendAward.role, StipendAward.months, StipendAward.amount)
        .join(Person, Person.id == StipendAward.person_id).where(StipendAward.score_id == score.id)
        .order_by(StipendAward.role, Person.name)
    ).all()
