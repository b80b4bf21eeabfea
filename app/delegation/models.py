"""On-behalf cases (in the federation of the grassroots unions they serve), their timeline, the
per-enterprise dues ledger, and the shared index through which a parent federation handles the
cases passed up to it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import utcnow
from app.extensions import db
from tenants.registry import tenants_table
from tenants.schema import SHARED_SCHEMA, BigId

from . import rules


class DelegationCase(db.Model):
    __tablename__ = "delegation_cases"
    __table_args__ = (sa.Index("ix_delegation_cases_status", "status", "due_on"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="requested")
    opened_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    opened_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    handler: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    handler_federation: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    accepted_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    amount_recovered: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2), nullable=True)
    workers_helped: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    agreement_title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    workers_covered: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    election_result: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    confirmed_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    rating: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    # Passed up to the parent federation (its registry id; no key across schemas).
    escalated_to: Mapped[int | None] = mapped_column(BigId, nullable=True)
    escalated_to_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)

    def is_overdue(self, today: dt.date) -> bool:
        return rules.is_overdue(self.status, self.due_on, today)


class CaseEnterprise(db.Model):
    __tablename__ = "delegation_case_enterprises"
    __table_args__ = (sa.Index("ix_delegation_case_enterprises_enterprise_id", "enterprise_id"),)

    case_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("delegation_cases.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("enterprises.id"), primary_key=True)


class CaseEvent(db.Model):
    """One line of a case's timeline, by whom and for which federation."""

    __tablename__ = "delegation_events"
    __table_args__ = (sa.Index("ix_delegation_events_case_id", "case_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("delegation_cases.id"), nullable=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    happened_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    action: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    actor_federation: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    file_name: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    file_type: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)


class DuesEntry(db.Model):
    """The per-enterprise dues account (集中管理、分户核算)."""

    __tablename__ = "dues_entries"
    __table_args__ = (sa.Index("ix_dues_entries_enterprise_id", "enterprise_id", "entry_on"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("enterprises.id"), nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("delegation_cases.id"), nullable=True)
    entry_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    @property
    def kind_label(self) -> str:
        return rules.DUES_ENTRY_KINDS.get(self.kind, self.kind)


class CaseEscalation(db.Model):
    """Shared index of cases passed up: the parent's queue reads it; the case stays in the origin's schema.
    Written in the same transaction as the case it mirrors."""

    __tablename__ = "case_escalations"
    __table_args__ = (
        sa.UniqueConstraint("origin_tenant_id", "case_id"),
        sa.Index("ix_case_escalations_handler", "handler_tenant_id", "status"),
        {"schema": SHARED_SCHEMA},
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    origin_tenant_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), nullable=False)
    case_id: Mapped[int] = mapped_column(BigId, nullable=False)
    handler_tenant_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), nullable=False)
    number: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    escalated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)

    def is_overdue(self, today: dt.date) -> bool:
        return rules.is_overdue(self.status, self.due_on, today)
