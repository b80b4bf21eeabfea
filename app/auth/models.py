"""Accounts of one federation. The table lives in each federation's own schema."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, object_session

from app.audit.models import utcnow
from app.extensions import db
from tenants.binding import bound_tenant
from tenants.schema import SHARED_SCHEMA, BigId

from . import rules


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    failed_login_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_failed_login_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    is_acting = False  # see app.delegation.acting.ActingUser

    def get_id(self) -> str:
        # The session cookie names the tenant as well as the user, so a cookie from one
        # federation can never load a user of another (see load_user).
        tenant = bound_tenant(object_session(self))
        return f"{tenant.schema_name}:{self.id}"

    @property
    def is_admin(self) -> bool:
        return self.role == rules.ADMIN

    @property
    def role_label(self) -> str:
        return rules.ROLES.get(self.role, self.role)

    @property
    def name_for_display(self) -> str:
        return self.display_name or self.username


class LoginFailure(db.Model):
    """Failed logins by network address, across federations: guessing spread over many accounts and
    tenants from one address is slowed down too."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_address", "address", "failed_at"), {"schema": SHARED_SCHEMA})

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    failed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)
