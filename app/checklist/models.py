"""Checklist items (the five tasks and the N activities of an enterprise's year) and their evidence."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import utcnow
from app.extensions import db
from tenants.schema import BigId

from . import rules


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"
    __table_args__ = (
        sa.Index("ix_checklist_items_year_enterprise", "year", "enterprise_id"),
        # One item per enterprise, year and task of the five; N activities are as many as held.
        sa.Index(
            "uq_checklist_items_task", "enterprise_id", "year", "task", unique=True,
            postgresql_where=sa.text("task <> 'n'"), sqlite_where=sa.text("task <> 'n'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("enterprises.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    task: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="not_started")
    planned_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    held_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    participants: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    agreement_signed: Mapped[bool | None] = mapped_column(sa.Boolean, nullable=True)
    average_raise_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), nullable=True)
    minimum_wage: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2), nullable=True)
    workers_covered: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    delegates_expected: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    delegates_present: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    motions_adopted: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    activity_kind: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="")
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    # 上代下: the federation of the user who acted on behalf of this one, if any.
    updated_on_behalf_by: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return self.title or rules.task_label(self.task)

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)

    @property
    def attendance_warning(self) -> str | None:
        return rules.attendance_warning(self.delegates_expected, self.delegates_present)


class EvidenceFile(db.Model):
    """A file attached to a checklist item; its bytes are stored per federation by content hash."""

    __tablename__ = "evidence_files"
    __table_args__ = (sa.Index("ix_evidence_files_item_id", "item_id"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    item_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("checklist_items.id"), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
