"""National calendar data kept in the shared schema: the holidays and make-up workdays that
administrators entered for years the calendar package does not know yet. Not a tenant's data:
every federation in China works to the same arrangement."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import utcnow
from app.extensions import db
from tenants.schema import SHARED_SCHEMA, BigId


class CalendarYear(db.Model):
    """A year whose arrangement was entered in full (confirmed_at set) or is being entered."""

    __tablename__ = "calendar_years"
    __table_args__ = {"schema": SHARED_SCHEMA}

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)


class CalendarDay(db.Model):
    """One entered day: a public holiday (is_workday false) or a make-up workday (true)."""

    __tablename__ = "calendar_days"
    __table_args__ = (sa.Index("ix_calendar_days_year", "year"), {"schema": SHARED_SCHEMA})

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date, nullable=False, unique=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    is_workday: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    entered_by: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    entered_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
