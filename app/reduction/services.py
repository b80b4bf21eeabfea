"""Registering documents, meetings and inspections; their flags and overrides; the dashboard.
Operations flush, audit and update the shared summary in the same transaction; callers commit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections import defaultdict

import sqlalchemy as sa

from app.audit.models import AuditEvent, record, utcnow
from app.extensions import db
from app.workdays import work_calendar
from tenants.binding import bound_tenant
from tenants.registry import TenantRef, subtree

from . import duplication, rules, summary
from .models import Document, Inspection, InspectionTarget, Meeting, ReductionFlag

log = logging.getLogger(__name__)
DOCUMENT, MEETING, INSPECTION = "document", "meeting", "inspection"
FLAG_FILTERS = {"all": "全部", "open": "有待处理标记", "overridden": "已说明理由", "clean": "无标记"}


class ReductionError(ValueError):
    """The values break a rule; problems maps field → reason."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _tenant() -> TenantRef:
    return bound_tenant(db.session)


def _plain(value):
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _apply(obj, values: dict) -> dict:
    changed = {}
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            changed[field] = [_plain(before), _plain(value)]
            setattr(obj, field, value)
    return changed


def audit(action: str, subject: str, actor: str, changes: dict | None = None) -> None:
    record(action, actor=actor, subject=subject, detail=json.dumps(changes or {}, ensure_ascii=False))


def history(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject == f"{subject_type}:{subject_id}")
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()


def _refresh_summary(*years: int) -> None:
    summary.refresh(db.session, _tenant(), years)


# Flags ----------------------------------------------------------------------------------------------

def sync_flags(subject_type: str, computed: dict[int, list[rules.Flag]], years: dict[int, int]) -> None:
    """Make the stored flags of these subjects what the rules say now. A flag that no longer applies
    turns inactive (its override stays, for the record); an override holds while the detail does."""
    if not computed:
        return
    existing = defaultdict(dict)
    for flag in db.session.scalars(sa.select(ReductionFlag).where(
            ReductionFlag.subject_type == subject_type, ReductionFlag.subject_id.in_(list(computed)))):
        existing[flag.subject_id][flag.code] = flag
    for subject_id, flags in computed.items():
        wanted = {f.code: f.detail for f in flags}
        for code, row in existing[subject_id].items():
            row.year = years[subject_id]
            row.is_active = code in wanted
            if row.is_active:
                row.detail = wanted[code]
            row.is_open = row.is_active and not row.is_overridden
        for code, detail in wanted.items():
            if code not in existing[subject_id]:
                db.session.add(ReductionFlag(subject_type=subject_type, subject_id=subject_id, year=years[subject_id],
                                             code=code, detail=detail, is_active=True, is_open=True))
    db.session.flush()


def flags_of(subject_type: str, subject_ids) -> dict[int, list[ReductionFlag]]:
    """The flags to show of each subject: those that apply, and those that once had a reason written."""
    found = defaultdict(list)
    ids = list(subject_ids)
    if ids:
        for flag in db.session.scalars(sa.select(ReductionFlag).where(
                ReductionFlag.subject_type == subject_type, ReductionFlag.subject_id.in_(ids),
                sa.or_(ReductionFlag.is_active.is_(True), ReductionFlag.override_reason.is_not(None)))
                .order_by(ReductionFlag.id)):
            found[flag.subject_id].append(flag)
    return found


def override_flag(flag: ReductionFlag, reason: str, actor: str) -> ReductionFlag:
    """Accept a flagged item with a written reason; the reason is kept and shown."""
    problem = rules.override_problem(reason)
    if problem:
        raise ReductionError({"reason": problem})
    if not flag.is_active:
        raise ReductionError({"reason": "该标记已不再适用，无需说明"})
    flag.override_reason, flag.override_detail = reason.strip(), flag.detail
    flag.overridden_by, flag.overridden_at, flag.is_open = actor, utcnow(), False
    db.session.flush()
    audit("reduction.override", f"{flag.subject_type}:{flag.subject_id}", actor, {flag.code: [None, flag.override_reason]})
    _refresh_summary(flag.year)
    log.info("%s overrode flag %s (%s) of %s %s", actor, flag.id, flag.code, flag.subject_type, flag.subject_id)
    return flag


def open_flags(year: int) -> list[ReductionFlag]:
    return db.session.scalars(sa.select(ReductionFlag).where(ReductionFlag.year == year, ReductionFlag.is_open.is_(True))
                              .order_by(ReductionFlag.subject_type, ReductionFlag.subject_id, ReductionFlag.id)).all()


def _flag_filter(query, model, subject_type: str, flag: str):
    flagged = sa.select(ReductionFlag.subject_id).where(ReductionFlag.subject_type == subject_type)
    if flag == "open":
        return query.where(model.id.in_(flagged.where(ReductionFlag.is_open.is_(True))))
    if flag == "overridden":
        overridden = flagged.where(ReductionFlag.is_active.is_(True), ReductionFlag.is_open.is_(False))
        return query.where(model.id.in_(overridden))
    if flag == "clean":
        return query.where(model.id.not_in(flagged.where(ReductionFlag.is_active.is_(True))))
    return query


def _measure(document: Document, tenant) -> None:
    """The copy rate against the superior documents now registered; none (未比对) where nothing was compared."""
    report = duplication.check(document.body, tenant)
    if report.compared:
        document.duplication_covered, document.duplication_total = report.covered, report.total
    else:
        document.duplication_covered = document.duplication_total = None


def recheck_year(year: int, actor: str) -> None:
    """Apply the rules again to a year (after the calendar for it was entered, say), measuring each
    document's copy rate again against the superior documents registered by now."""
    documents = db.session.scalars(sa.select(Document).where(Document.year == year)).all()
    tenant = _tenant()
    for document in documents:
        _measure(document, tenant)
    db.session.flush()
    _recompute_document_flags(documents)
    _recompute_meeting_flags(year)
    _recompute_inspection_flags(year)
    _refresh_summary(year)
    audit("reduction.recheck", "reduction", actor, {"year": [None, year]})


# Documents ------------------------------------------------------------------------------------------

DOCUMENT_FIELDS = ("number", "title", "department", "issued_on", "doc_type", "has_measures", "is_routine", "body", "source_name")


def _document_problems(values: dict, document_id: int | None) -> dict[str, str]:
    problems = {}
    if values.get("doc_type") not in rules.DOCUMENT_TYPES:
        problems["doc_type"] = "请选择文件类型"
    if not (values.get("body") or "").strip():
        problems["body"] = "请粘贴全文或上传 .docx / .txt 文件"
    elif len(values["body"]) > duplication.MAX_DRAFT_CHARACTERS:
        problems["body"] = f"全文最长 {duplication.MAX_DRAFT_CHARACTERS:,} 字"
    number = values.get("number") or ""
    if number:
        clash = db.session.scalar(sa.select(Document.title).where(Document.number == number, Document.id != (document_id or 0)))
        if clash:
            problems["number"] = f"文号 {number} 已登记为“{clash}”"
    return problems


def _recompute_document_flags(documents) -> None:
    computed = {d.id: rules.document_flags(rules.DocumentFacts(d.doc_type, d.has_measures, d.is_routine,
                                                               d.duplication_covered, d.duplication_total))
                for d in documents}
    sync_flags(DOCUMENT, computed, {d.id: d.year for d in documents})


def save_document(document: Document | None, values: dict, actor: str) -> Document:
    """Register a document or change one: its text is shared for lower federations' checks, its
    duplication with superior documents measured, its flags raised, the summary updated."""
    values = {k: values[k] for k in DOCUMENT_FIELDS if k in values}
    problems = _document_problems(values, document.id if document else None)
    if problems:
        raise ReductionError(problems)
    tenant = _tenant()
    is_new = document is None
    old_year = None if is_new else document.year
    if is_new:
        document = Document(created_by=actor, **values, year=values["issued_on"].year, updated_by=actor)
        db.session.add(document)
        changes = {k: [None, _plain(v)] for k, v in values.items() if k != "body"}
    else:
        changes = _apply(document, {**values, "year": values["issued_on"].year})
        if "body" in changes:
            changes["body"] = ["…", "…"]  # the trail says the text changed, not the whole text twice
        document.updated_by, document.updated_at = actor, utcnow()
    db.session.flush()
    if is_new or {"body", "number", "title", "issued_on"} & set(changes):
        _measure(document, tenant)
        duplication.share_document(tenant, document)
    _recompute_document_flags([document])
    audit("document.create" if is_new else "document.update", f"{DOCUMENT}:{document.id}", actor, changes)
    _refresh_summary(*{document.year, old_year or document.year})
    log.info("%s %s document %s", actor, "registered" if is_new else "changed", document.id)
    return document


def delete_document(document: Document, actor: str) -> None:
    """Remove a registered document, its flags and its shared text; the summary follows."""
    duplication.forget_document(_tenant(), document.id)
    _delete_subject(DOCUMENT, document, actor, {"title": [document.title, None]})
    _refresh_summary(document.year)


def _delete_subject(subject_type: str, obj, actor: str, changes: dict) -> None:
    db.session.execute(sa.delete(ReductionFlag).where(ReductionFlag.subject_type == subject_type,
                                                      ReductionFlag.subject_id == obj.id))
    db.session.delete(obj)
    db.session.flush()
    audit(f"{subject_type}.delete", f"{subject_type}:{obj.id}", actor, changes)
    log.info("%s deleted %s %s", actor, subject_type, obj.id)


def documents(year: int, doc_type: str = "", department: str = "", flag: str = "all") -> list[Document]:
    query = sa.select(Document).where(Document.year == year)
    if doc_type in rules.DOCUMENT_TYPES:
        query = query.where(Document.doc_type == doc_type)
    if department:
        query = query.where(Document.department == department)
    query = _flag_filter(query, Document, DOCUMENT, flag)
    return db.session.scalars(query.order_by(Document.issued_on.desc(), Document.id.desc())).all()


def departments(model) -> list[str]:
    return db.session.scalars(sa.select(model.department).distinct().order_by(model.department)).all()


# Meetings -----------------------------------------------------------------------------------------

MEETING_FIELDS = ("title", "department", "held_on", "starts_at", "duration_minutes", "kind", "mode", "levels_down", "could_be_video")


def _recompute_meeting_flags(year: int) -> None:
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.year == year)).all()
    sync_flags(MEETING, rules.meeting_flags([m.as_rule() for m in meetings]), {m.id: m.year for m in meetings})


def save_meeting(meeting: Meeting | None, values: dict, actor: str) -> Meeting:
    """Register or change a meeting; the flags of its year are worked out again (order counts)."""
    values = {k: values[k] for k in MEETING_FIELDS if k in values}
    problems = {}
    if values.get("kind") not in rules.MEETING_KINDS:
        problems["kind"] = "请选择会议类别"
    if values.get("mode") not in rules.MEETING_MODES:
        problems["mode"] = "请选择会议形式"
    if not (values.get("duration_minutes") or 0) > 0:
        problems["duration_minutes"] = "时长应大于 0"
    if values.get("levels_down") not in rules.MEETING_REACH:
        problems["levels_down"] = "请选择开到哪一级"
    if problems:
        raise ReductionError(problems)
    is_new = meeting is None
    old_year = None if is_new else meeting.year
    if is_new:
        meeting = Meeting(**values, year=values["held_on"].year, created_by=actor, updated_by=actor)
        db.session.add(meeting)
        changes = {k: [None, _plain(v)] for k, v in values.items()}
    else:
        changes = _apply(meeting, {**values, "year": values["held_on"].year})
        meeting.updated_by, meeting.updated_at = actor, utcnow()
    db.session.flush()
    for year in {meeting.year, old_year or meeting.year}:
        _recompute_meeting_flags(year)
    audit("meeting.create" if is_new else "meeting.update", f"{MEETING}:{meeting.id}", actor, changes)
    _refresh_summary(*{meeting.year, old_year or meeting.year})
    log.info("%s %s meeting %s", actor, "registered" if is_new else "changed", meeting.id)
    return meeting


def delete_meeting(meeting: Meeting, actor: str) -> None:
    """Remove a meeting; the year's flags are worked out again (a second work meeting may become the first)."""
    year = meeting.year
    _delete_subject(MEETING, meeting, actor, {"title": [meeting.title, None]})
    _recompute_meeting_flags(year)
    _refresh_summary(year)


def meetings(year: int, department: str = "", flag: str = "all") -> list[Meeting]:
    query = sa.select(Meeting).where(Meeting.year == year)
    if department:
        query = query.where(Meeting.department == department)
    query = _flag_filter(query, Meeting, MEETING, flag)
    return db.session.scalars(query.order_by(Meeting.held_on.desc(), Meeting.id.desc())).all()


# Inspections ---------------------------------------------------------------------------------------

INSPECTION_FIELDS = ("title", "department", "kind", "starts_on", "ends_on", "items", "scores_paperwork")


def target_choices(tenant: TenantRef) -> list[TenantRef]:
    """The federations an inspection may visit: the subtree below this one."""
    return subtree(db.session.connection(), tenant, include_root=False)


def targets_of(inspection_ids) -> dict[int, list[InspectionTarget]]:
    found = defaultdict(list)
    ids = list(inspection_ids)
    if ids:
        for target in db.session.scalars(sa.select(InspectionTarget).where(InspectionTarget.inspection_id.in_(ids))
                                         .order_by(InspectionTarget.name)):
            found[target.inspection_id].append(target)
    return found


def _recompute_inspection_flags(year: int) -> None:
    inspections = db.session.scalars(sa.select(Inspection).where(Inspection.year == year)).all()
    targets = targets_of([i.id for i in inspections])
    names = {t.tenant_id: t.name for ts in targets.values() for t in ts}
    facts = [rules.InspectionFacts(i.id, i.department, i.starts_on, i.ends_on, i.items,
                                   frozenset(t.tenant_id for t in targets[i.id]), i.scores_paperwork) for i in inspections]
    last_year_items = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Inspection.items), 0))
                                        .where(Inspection.year == year - 1))
    computed = rules.inspection_flags(facts, year, int(last_year_items), work_calendar().rest_days, names)
    sync_flags(INSPECTION, computed, {i.id: i.year for i in inspections})


def save_inspection(inspection: Inspection | None, values: dict, target_ids: list[int], actor: str) -> Inspection:
    """Register or change an inspection and the federations it visits (from the subtree below)."""
    values = {k: values[k] for k in INSPECTION_FIELDS if k in values}
    tenant = _tenant()
    allowed = {t.id: t for t in target_choices(tenant)}
    problems = {}
    if values.get("kind") not in rules.INSPECTION_KINDS:
        problems["kind"] = "请选择类别"
    period = rules.period_problem(values["starts_on"], values["ends_on"])
    if period:
        problems["ends_on"] = period
    if (values.get("items") or 0) < 0:
        problems["items"] = "不能为负数"
    chosen = sorted(set(target_ids))
    if not chosen:
        problems["targets"] = "请选择被检查的下级工会"
    elif any(t not in allowed for t in chosen):
        problems["targets"] = "只能选择本会下级的工会"
    if problems:
        raise ReductionError(problems)
    is_new = inspection is None
    old_year = None if is_new else inspection.year
    if is_new:
        inspection = Inspection(**values, year=values["starts_on"].year, created_by=actor, updated_by=actor)
        db.session.add(inspection)
        changes = {k: [None, _plain(v)] for k, v in values.items()}
    else:
        changes = _apply(inspection, {**values, "year": values["starts_on"].year})
        inspection.updated_by, inspection.updated_at = actor, utcnow()
    db.session.flush()
    current = {t.tenant_id: t for t in targets_of([inspection.id])[inspection.id]}
    for tenant_id, target in current.items():
        if tenant_id not in chosen:
            db.session.delete(target)
    for tenant_id in chosen:
        if tenant_id not in current:
            db.session.add(InspectionTarget(inspection_id=inspection.id, tenant_id=tenant_id, name=allowed[tenant_id].name))
    if set(current) != set(chosen):
        changes["targets"] = [sorted(current[t].name for t in current), sorted(allowed[t].name for t in chosen)]
    db.session.flush()
    # next year's items target depends on this year's total: the years it left and joined, and each next one
    years = {year + step for year in {inspection.year, old_year or inspection.year} for step in (0, 1)}
    for year in sorted(years):
        _recompute_inspection_flags(year)
    audit("inspection.create" if is_new else "inspection.update", f"{INSPECTION}:{inspection.id}", actor, changes)
    _refresh_summary(*years)
    log.info("%s %s inspection %s", actor, "registered" if is_new else "changed", inspection.id)
    return inspection


def delete_inspection(inspection: Inspection, actor: str) -> None:
    """Remove an inspection and its targets; this year's and next year's flags are worked out again."""
    year = inspection.year
    db.session.execute(sa.delete(InspectionTarget).where(InspectionTarget.inspection_id == inspection.id))
    _delete_subject(INSPECTION, inspection, actor, {"title": [inspection.title, None]})
    for each in (year, year + 1):
        _recompute_inspection_flags(each)
    _refresh_summary(year, year + 1)


def inspections(year: int, department: str = "", flag: str = "all") -> list[Inspection]:
    query = sa.select(Inspection).where(Inspection.year == year)
    if department:
        query = query.where(Inspection.department == department)
    query = _flag_filter(query, Inspection, INSPECTION, flag)
    return db.session.scalars(query.order_by(Inspection.starts_on.desc(), Inspection.id.desc())).all()


# Dashboard ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class DepartmentRow:
    department: str
    target: rules.Target


@dataclasses.dataclass
class Dashboard:
    year: int
    general: rules.Target
    other_documents: rules.Target
    by_department: list[DepartmentRow]
    meetings: rules.Target
    video_meetings: int
    long_meetings: int
    repeat_work_meetings: int
    inspections: rules.Target
    items: rules.Target
    open_flags: list[ReductionFlag]


def dashboard(year: int) -> Dashboard:
    """Progress against each target of seed 004 for a year, and the flags still to resolve."""
    general = dict(db.session.execute(
        sa.select(Document.year, sa.func.count()).where(Document.year.in_([year - 1, year]), Document.doc_type == rules.GENERAL)
        .group_by(Document.year)).all())
    other = dict(db.session.execute(
        sa.select(Document.year, sa.func.count()).where(Document.year.in_([year - 1, year]), Document.doc_type != rules.GENERAL)
        .group_by(Document.year)).all())
    per_department = defaultdict(lambda: [0, 0])
    for department, doc_year, count in db.session.execute(
            sa.select(Document.department, Document.year, sa.func.count())
            .where(Document.year.in_([year - 1, year]), Document.doc_type == rules.GENERAL)
            .group_by(Document.department, Document.year)):
        per_department[department][doc_year - year + 1] += count
    meetings_by_year = dict(db.session.execute(
        sa.select(Meeting.year, sa.func.count()).where(Meeting.year.in_([year - 1, year])).group_by(Meeting.year)).all())
    this_year_meetings = db.session.scalars(sa.select(Meeting).where(Meeting.year == year)).all()
    flags_by_code = defaultdict(int)
    for code in db.session.scalars(sa.select(ReductionFlag.code).where(
            ReductionFlag.year == year, ReductionFlag.is_active.is_(True), ReductionFlag.subject_type == MEETING)):
        flags_by_code[code] += 1
    inspections_by_year = {y: (n, int(items)) for y, n, items in db.session.execute(
        sa.select(Inspection.year, sa.func.count(), sa.func.coalesce(sa.func.sum(Inspection.items), 0))
        .where(Inspection.year.in_([year - 1, year])).group_by(Inspection.year))}
    last_insp, this_insp = inspections_by_year.get(year - 1, (0, 0)), inspections_by_year.get(year, (0, 0))
    return Dashboard(
        year=year,
        general=rules.general_documents_target(general.get(year - 1, 0), general.get(year, 0)),
        other_documents=rules.no_increase_target(other.get(year - 1, 0), other.get(year, 0)),
        by_department=[DepartmentRow(d, rules.general_documents_target(*counts)) for d, counts in sorted(per_department.items())],
        meetings=rules.no_increase_target(meetings_by_year.get(year - 1, 0), meetings_by_year.get(year, 0)),
        video_meetings=sum(1 for m in this_year_meetings if m.mode == rules.VIDEO),
        long_meetings=flags_by_code["over_90_minutes"],
        repeat_work_meetings=flags_by_code["second_work_meeting"],
        inspections=rules.no_increase_target(last_insp[0], this_insp[0]),
        items=rules.inspection_items_target(last_insp[1], this_insp[1]),
        open_flags=open_flags(year),
    )


def subject_titles(flags: list[ReductionFlag]) -> dict[tuple[str, int], str]:
    """The title of each flag's subject, for listing flags: one query per kind of subject."""
    titles = {}
    for subject_type, model in ((DOCUMENT, Document), (MEETING, Meeting), (INSPECTION, Inspection)):
        ids = [f.subject_id for f in flags if f.subject_type == subject_type]
        if ids:
            for subject_id, title in db.session.execute(sa.select(model.id, model.title).where(model.id.in_(ids))):
                titles[(subject_type, subject_id)] = title
    return titles
