"""Per federation and year, the figures upper federations roll up: kept in the shared schema and
upserted by application code in the same transaction as the tenant write that changes them (no
triggers, Citus-friendly), so the roll-up of a subtree is one query, never a loop over schemas."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.models import utcnow
from app.extensions import db
from app.summaries import counts
from tenants.registry import TenantRef, tenants_table

from . import rules
from .models import SUMMARY_FIGURES, Document, Inspection, Meeting, ReductionFlag, ReductionSummary

_DOCUMENT_COLUMNS = {"general": "general_documents", "briefing": "briefings", "forwarding": "forwardings", "other": "other_documents"}


def count_year(session, year: int) -> dict[str, int]:
    """The summary figures of one year, counted from the federation's own tables."""
    figures = dict.fromkeys(SUMMARY_FIGURES, 0)
    for doc_type, count in session.execute(
        sa.select(Document.doc_type, sa.func.count()).where(Document.year == year).group_by(Document.doc_type)
    ):
        figures[_DOCUMENT_COLUMNS.get(doc_type, "other_documents")] += count
    meetings, video = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((Meeting.mode == rules.VIDEO, 1), else_=0)), 0))
        .where(Meeting.year == year)
    ).one()
    inspections, items = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Inspection.items), 0)).where(Inspection.year == year)
    ).one()
    figures.update(meetings=meetings, video_meetings=int(video), inspections=inspections, inspection_items=int(items))
    figures["open_flags"] = session.scalar(
        sa.select(sa.func.count()).select_from(ReductionFlag).where(ReductionFlag.year == year, ReductionFlag.is_open.is_(True))
    )
    return figures


def years_with_data(session) -> set[int]:
    years: set[int] = set()
    for model in (Document, Meeting, Inspection):
        years.update(session.scalars(sa.select(model.year).distinct()))
    return years


def upsert(session, tenant_id: int, year: int, figures: dict[str, int]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {**figures, "updated_at": utcnow()}
    statement = insert(ReductionSummary).values(tenant_id=tenant_id, year=year, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "year"], set_=values))


def refresh(session, tenant: TenantRef, years) -> None:
    """Recount the given years of the bound federation and upsert their rows (same transaction), and
    the same figures as shared counts (what upper federations' dashboards sum per subtree)."""
    session.flush()
    counted = {year: count_year(session, year) for year in sorted(set(years))}
    for year, figures in counted.items():
        upsert(session, tenant.id, year, figures)
    counts.refresh("reduction", *counted, counted={year: _as_counts(figures) for year, figures in counted.items()})


def _as_counts(figures: dict[str, int]) -> dict[str, Decimal]:
    return {name: Decimal(n) for name, n in figures.items()}


@counts.area("reduction", lambda: years_with_data(db.session))
def recount(year: int) -> dict[str, Decimal]:
    return _as_counts(count_year(db.session, year))


def stored(session, tenant_id: int) -> dict[int, dict[str, int]]:
    rows = session.execute(sa.select(ReductionSummary).where(ReductionSummary.tenant_id == tenant_id)).scalars()
    return {row.year: {name: getattr(row, name) for name in SUMMARY_FIGURES} for row in rows}


def rebuild_in(session, tenant: TenantRef) -> dict[int, dict[str, int]]:
    """Recount every year of one federation and rewrite its summary rows in the given session
    (bound to that federation); the caller commits."""
    years = years_with_data(session) | set(stored(session, tenant.id))
    recount = {year: count_year(session, year) for year in sorted(years)}
    for year, figures in recount.items():
        upsert(session, tenant.id, year, figures)
    return recount


def rebuild_reduction_summary(tenant: TenantRef) -> dict[int, dict[str, int]]:
    """rebuild_in() in a session of its own, committed: one session per federation, so no object
    leaks between tenants."""
    from app.extensions import tenancy

    session = db.tenant_session(tenancy.engines, tenant)
    try:
        recount = rebuild_in(session, tenant)
        session.commit()
        return recount
    finally:
        session.close()


def _rebuild_with_the_others(tenant: TenantRef) -> None:
    """For `jiceng summary rebuild` and restores: the summary rows, and the shared texts and
    fingerprints of the federation's documents (which lower federations' checks read)."""
    from . import duplication

    rebuild_in(db.session, tenant)
    for document in db.session.scalars(sa.select(Document).order_by(Document.id)):
        duplication.share_document(tenant, document)


counts.REBUILDERS.append(_rebuild_with_the_others)  # `jiceng summary rebuild`


@dataclasses.dataclass
class RollupRow:
    tenant_id: int
    name: str
    kind: str
    depth: int
    this_year: dict[str, int]
    last_year: dict[str, int]
    path: str = ""

    def target(self, figure: str, cut_pct: int) -> rules.Target:
        return rules.Target(self.last_year[figure], self.this_year[figure], cut_pct)

    @property
    def other_documents(self) -> tuple[int, int]:
        names = ("briefings", "forwardings", "other_documents")
        return sum(self.last_year[n] for n in names), sum(self.this_year[n] for n in names)


def rollup(session, root: TenantRef, year: int) -> list[RollupRow]:
    """Every federation of the subtree with this year's and last year's figures: one query."""
    this, last = ReductionSummary.__table__.alias("this_year"), ReductionSummary.__table__.alias("last_year")
    columns = [this.c[name].label(f"this_{name}") for name in SUMMARY_FIGURES]
    columns += [last.c[name].label(f"last_{name}") for name in SUMMARY_FIGURES]
    query = (
        sa.select(tenants_table.c.id, tenants_table.c.name, tenants_table.c.kind, tenants_table.c.path, *columns)
        .outerjoin(this, sa.and_(this.c.tenant_id == tenants_table.c.id, this.c.year == year))
        .outerjoin(last, sa.and_(last.c.tenant_id == tenants_table.c.id, last.c.year == year - 1))
        .where(tenants_table.c.path.startswith(root.path, autoescape=True))
        .order_by(tenants_table.c.path)
    )
    rows = []
    for r in session.execute(query):
        rows.append(RollupRow(
            r.id, r.name, r.kind, r.path.count("/") - root.path.count("/"),
            {n: getattr(r, f"this_{n}") or 0 for n in SUMMARY_FIGURES},
            {n: getattr(r, f"last_{n}") or 0 for n in SUMMARY_FIGURES}, r.path,
        ))
    return rows


def totals(rows: list[RollupRow]) -> RollupRow:
    return RollupRow(0, "", "", 0, {n: sum(r.this_year[n] for r in rows) for n in SUMMARY_FIGURES},
                     {n: sum(r.last_year[n] for r in rows) for n in SUMMARY_FIGURES})


def compliance(rows: list[RollupRow], figure: str, cut_pct: int) -> rules.Compliance:
    """The target applied to each federation's own figures, not to the sum."""
    return rules.compliance([(r.name, r.target(figure, cut_pct)) for r in rows])
