"""Work stations, their people and budget, and the enterprises (grassroots unions) they cover."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import utcnow
from app.extensions import db
from tenants.schema import BigId

from . import rules

Money = sa.Numeric(12, 2)


class FederationSettings(db.Model):
    """One row: this federation's own defaults."""

    __tablename__ = "federation_settings"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False, default=1)
    default_station_budget: Mapped[Decimal] = mapped_column(Money, nullable=False, default=rules.DEFAULT_BUDGET)


class WorkStation(db.Model):
    __tablename__ = "work_stations"

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, unique=True)
    mode: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    coverage: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    host_enterprise: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="active")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def mode_label(self) -> str:
        return rules.MODES.get(self.mode, self.mode)

    @property
    def status_label(self) -> str:
        return rules.STATUSES.get(self.status, self.status)


class StationBudget(db.Model):
    __tablename__ = "station_budgets"
    __table_args__ = (sa.UniqueConstraint("station_id", "year"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    station_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("work_stations.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class Person(db.Model):
    """Someone who works for a station; optionally with a login of this federation."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    source: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    user_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("users.id"), nullable=True, unique=True)

    @property
    def source_label(self) -> str:
        return rules.SOURCES.get(self.source, self.source)


class StationRole(db.Model):
    """Who held which role at which station, and when (ended_on exclusive; None: still)."""

    __tablename__ = "station_roles"
    __table_args__ = (
        sa.Index("ix_station_roles_station_id", "station_id"),
        sa.Index("ix_station_roles_person_id", "person_id"),
        # At most one chief at a time.
        sa.Index(
            "uq_station_roles_current_chief", "station_id", unique=True,
            postgresql_where=sa.text("role = 'chief' AND ended_on IS NULL"),
            sqlite_where=sa.text("role = 'chief' AND ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    station_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("work_stations.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("people.id"), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    started_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    ended_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)

    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True)

    @property
    def role_label(self) -> str:
        return rules.ROLES.get(self.role, self.role)


class Enterprise(db.Model):
    """A grassroots (enterprise) union and its enterprise."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    uscc: Mapped[str] = mapped_column(sa.String(18), nullable=False, unique=True)
    industry: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    workers: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    members: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    union_chair: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class EnterpriseStation(db.Model):
    """An enterprise's stay at a station: from from_on until until_on (exclusive; None: still there)."""

    __tablename__ = "enterprise_stations"
    __table_args__ = (
        sa.Index("ix_enterprise_stations_station_id", "station_id", "from_on"),
        sa.Index("ix_enterprise_stations_enterprise_id", "enterprise_id"),
        sa.Index(
            "uq_enterprise_stations_current", "enterprise_id", unique=True,
            postgresql_where=sa.text("until_on IS NULL"), sqlite_where=sa.text("until_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("enterprises.id"), nullable=False)
    station_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("work_stations.id"), nullable=False)
    from_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    until_on: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)

    def as_rule(self) -> rules.Assignment:
        return rules.Assignment(self.station_id, self.from_on, self.until_on)


class StationExpense(db.Model):
    __tablename__ = "station_expenses"
    __table_args__ = (sa.Index("ix_station_expenses_station_id", "station_id", "year"),)

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    station_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("work_stations.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    spent_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    receipt_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    receipt_name: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    receipt_type: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    is_overspend: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_by: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def category_label(self) -> str:
        return rules.EXPENSE_CATEGORIES.get(self.category, self.category)
