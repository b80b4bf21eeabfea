"""The audit trail of one federation: who did what, and on whose behalf."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow  # noqa: F401  (re-exported: the models' default)
from app.extensions import db
from tenants.schema import BigId


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
        sa.Index("ix_audit_events_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # The federation the actor belongs to, when it is not this one (上代下).
    actor_federation: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    detail: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


def record(action: str, *, actor: str, subject: str = "", detail: str = "", actor_federation: str | None = None) -> AuditEvent:
    """Add an audit event to the current session (the caller commits). Changes made by someone
    acting on behalf from an upper federation carry that federation's name."""
    if actor_federation is None and has_app_context():
        actor_federation = g.get("acting_federation")
    event = AuditEvent(action=action, actor=actor, subject=subject, detail=detail, actor_federation=actor_federation)
    db.session.add(event)
    return event
