"""What upper federations read: per federation, year and area, a set of counts, in the shared schema.

Each area (checklist, grading, delegation, ...) owns its keys and recounts them from its own tables;
the rows are replaced in the same transaction as the tenant write that changes them, so an upper
federation's dashboard sums a subtree's rows in one query and never opens a tenant schema.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from tenants.registry import tenants_table
from tenants.schema import SHARED_SCHEMA, BigId


class FederationCount(db.Model):
    __tablename__ = "federation_counts"
    __table_args__ = (
        sa.Index("ix_federation_counts_year_area", "year", "area", "tenant_id"),
        {"schema": SHARED_SCHEMA},
    )

    tenant_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    area: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)


class SubtreeCount(db.Model):
    """The same counts summed over each federation's whole subtree (itself included), kept per ancestor.

    A write adds its change (new − old) to the rows of every federation on its path, in the same
    transaction, so a dashboard reads one row per child and key whatever the size of the tree."""

    __tablename__ = "subtree_counts"
    __table_args__ = {"schema": SHARED_SCHEMA}

    ancestor_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey(tenants_table.c.id, ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    area: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2), nullable=False)
