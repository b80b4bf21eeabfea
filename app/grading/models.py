"""Grading sheets, rating tiers, station scores and stipend awards of a federation."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import utcnow
from app.extensions import db
from tenants.schema import BigId

from . import rules

Points = sa.Numeric(5, 1)
Money = sa.Numeric(10, 2)
SCORE_STATUSES = {"draft": "草稿", "submitted": "待审核", "returned": "已退回", "confirmed": "已确认"}


class GradingSheet(db.Model):
    __tablename__ = "grading_sheets"

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    is_published: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    is_default: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class GradingItem(db.Model):
    __tablename__ = "grading_items"
    __table_args__ = (sa.Index("ix_grading_items_sheet_id", "sheet_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    sheet_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("grading_sheets.id"), nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    category: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    metric: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    target: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2), nullable=True)
    max_points: Mapped[Decimal] = mapped_column(Points, nullable=False, default=0)
    brackets: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")

    def as_rule(self) -> rules.Item:
        return rules.Item(self.id, self.category, self.name, self.kind, Decimal(self.max_points), self.metric,
                          self.target, rules.parse_brackets(self.brackets) if self.brackets else ())

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)


class GradingTier(db.Model):
    __tablename__ = "grading_tiers"
    __table_args__ = (sa.Index("ix_grading_tiers_sheet_id", "sheet_id"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    sheet_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("grading_sheets.id"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    min_score: Mapped[Decimal] = mapped_column(Points, nullable=False)
    chief_stipend: Mapped[Decimal] = mapped_column(Money, nullable=False, default=0)
    deputy_stipend: Mapped[Decimal] = mapped_column(Money, nullable=False, default=0)

    def as_rule(self) -> rules.Tier:
        return rules.Tier(self.name, Decimal(self.min_score), Decimal(self.chief_stipend), Decimal(self.deputy_stipend))


class StationScore(db.Model):
    """A station's grading for one year: the workflow state and, once confirmed, the frozen result."""

    __tablename__ = "station_scores"
    __table_args__ = (sa.UniqueConstraint("station_id", "year"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    station_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("work_stations.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="draft")
    total: Mapped[Decimal | None] = mapped_column(Points, nullable=True)
    tier: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    is_vetoed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    return_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    @property
    def is_locked(self) -> bool:
        return self.status == "confirmed"

    @property
    def status_label(self) -> str:
        return SCORE_STATUSES.get(self.status, self.status)


class ScoreEntry(db.Model):
    """A hand-entered value of one item (manual points, a bracket's value, a manual veto), and the
    item's points and explanation frozen when the score is confirmed."""

    __tablename__ = "score_entries"
    __table_args__ = (sa.UniqueConstraint("score_id", "item_id"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    score_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("station_scores.id"), nullable=False)
    item_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("grading_items.id"), nullable=False)
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2), nullable=True)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    points: Mapped[Decimal | None] = mapped_column(Points, nullable=True)
    explanation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class StipendAward(db.Model):
    __tablename__ = "stipend_awards"
    __table_args__ = (sa.Index("ix_stipend_awards_score_id", "score_id"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    score_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("station_scores.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("people.id"), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    months: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
