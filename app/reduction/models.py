"""Documents, meetings and inspections of a federation (its own schema), their flags, and what
the shared schema keeps of them: document texts and fingerprints for the duplication check of
lower federations, and one summary row per federation and year for the roll-up of upper ones."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import utcnow
from app.extensions import db
from app.workdays import models as _calendar_models  # noqa: F401  (shared calendar tables)
from tenants.registry import tenants_table
from tenants.schema import SHARED_SCHEMA, BigId

from . import rules


def _partial(where: str) -> dict:
    return {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}


class Document(db.Model):
    """A document the federation issued (发文)."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.Index("ix_documents_year_doc_type", "year", "doc_type"),
        sa.Index("uq_documents_number", "number", unique=True, **_partial("number <> ''")),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    department: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    issued_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    doc_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    has_measures: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    is_routine: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    source_name: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    # Characters of the text (normalised) and how many of them superior documents already had.
    duplication_covered: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    duplication_total: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def type_label(self) -> str:
        return rules.DOCUMENT_TYPES.get(self.doc_type, self.doc_type)

    @property
    def duplication_pct(self) -> float | None:
        if self.duplication_total is None:
            return None
        return rules.rate_pct(self.duplication_covered or 0, self.duplication_total)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (sa.Index("ix_meetings_year_department", "year", "department"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    department: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    held_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    starts_at: Mapped[dt.time | None] = mapped_column(sa.Time, nullable=True)
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    mode: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    levels_down: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    could_be_video: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def kind_label(self) -> str:
        return rules.MEETING_KINDS.get(self.kind, self.kind)

    @property
    def mode_label(self) -> str:
        return rules.MEETING_MODES.get(self.mode, self.mode)

    @property
    def reach_label(self) -> str:
        return rules.MEETING_REACH.get(min(self.levels_down, 3), str(self.levels_down))

    def as_rule(self) -> rules.MeetingFacts:
        return rules.MeetingFacts(self.id, self.department, self.held_on, self.kind, self.mode, self.duration_minutes,
                                  self.levels_down, self.could_be_video)


class Inspection(db.Model):
    """An inspection, assessment or survey (检查考核调研) of lower federations."""

    __tablename__ = "inspections"
    __table_args__ = (sa.Index("ix_inspections_year_department", "year", "department"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    department: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    items: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    scores_paperwork: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def kind_label(self) -> str:
        return rules.INSPECTION_KINDS.get(self.kind, self.kind)


class InspectionTarget(db.Model):
    """A federation an inspection visits: a registry id (no key across schemas) and its name then."""

    __tablename__ = "inspection_targets"
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "tenant_id"),
        sa.Index("ix_inspection_targets_tenant_id", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    inspection_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("inspections.id"), nullable=False)
    tenant_id: Mapped[int] = mapped_column(BigId, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)


class ReductionFlag(db.Model):
    """A rule a document, meeting or inspection breaks. Kept while its subject exists: when the rule
    no longer applies it is inactive; an override holds for the detail it was written for."""

    __tablename__ = "reduction_flags"
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id", "code"),
        sa.Index("ix_reduction_flags_year_is_open", "year", "is_open"),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    subject_id: Mapped[int] = mapped_column(BigId, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    detail: Mapped[str] = mapped_column(sa.Text, nullable=False, default="{}")
    is_active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    is_open: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    raised_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    override_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    override_detail: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    overridden_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    overridden_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)

    @property
    def label(self) -> str:
        return rules.FLAGS.get(self.code, self.code)

    @property
    def is_overridden(self) -> bool:
        return self.is_active and self.override_reason is not None and self.override_detail == self.detail

    @property
    def has_stale_override(self) -> bool:
        """An override was written for an earlier detail: the flag is open again, the reason kept."""
        return self.override_reason is not None and self.override_detail != self.detail


# Shared schema ------------------------------------------------------------------------------------

class DocumentText(db.Model):
    """What lower federations need of a registered document: its normalised text and heading."""

    __tablename__ = "document_texts"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "document_id"), {"schema": SHARED_SCHEMA})

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), nullable=False)
    document_id: Mapped[int] = mapped_column(BigId, nullable=False)
    number: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    issued_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    normalised: Mapped[str] = mapped_column(sa.Text, nullable=False)


class DocumentFingerprint(db.Model):
    """One winnowed n-gram hash of a document text. No identity column: ~1,100 rows per 5,000
    characters and nothing refers to one, so the natural key is the primary key."""

    __tablename__ = "document_fingerprints"
    __table_args__ = (
        sa.Index("ix_document_fingerprints_hash", "hash", "tenant_id", "text_id"),
        {"schema": SHARED_SCHEMA},
    )

    text_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey(f"{SHARED_SCHEMA}.document_texts.id", ondelete="CASCADE"), primary_key=True
    )
    hash: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    tenant_id: Mapped[int] = mapped_column(BigId, nullable=False)


class ReductionSummary(db.Model):
    """One federation's figures for one year, upserted with every change to them (no triggers)."""

    __tablename__ = "reduction_summaries"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "year"), {"schema": SHARED_SCHEMA})

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    general_documents: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    briefings: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    forwardings: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    other_documents: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    meetings: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    video_meetings: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    inspections: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    inspection_items: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    open_flags: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


# Documents by type: general / briefing / forwarding / other.
SUMMARY_FIGURES = ("general_documents", "briefings", "forwardings", "other_documents", "meetings", "video_meetings",
                   "inspections", "inspection_items", "open_flags")
