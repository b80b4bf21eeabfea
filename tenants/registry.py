"""The registry of tenants, kept in the shared schema, and the read-only TenantRef bound to requests.

A tenant's place in the tree is a materialised path of ids ("/1/4/17/"), so a subtree is one
indexed prefix query.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .schema import NAMING_CONVENTION, SHARED_SCHEMA, BigId

ACTIVE = "active"
DISABLED = "disabled"


class RegistryBase(DeclarativeBase):
    metadata = sa.MetaData(schema=SHARED_SCHEMA, naming_convention=NAMING_CONVENTION)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Tenant(RegistryBase):
    __tablename__ = "tenants"
    __table_args__ = (
        sa.Index("ix_tenants_slug_lower", sa.func.lower(sa.text("slug")), unique=True),
        sa.Index("ix_tenants_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
        sa.Index("ix_tenants_parent_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(BigId, sa.Identity(), primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("tenants.id"), nullable=True)
    region_code: Mapped[str | None] = mapped_column(sa.String(12), nullable=True)
    schema_name: Mapped[str] = mapped_column(sa.String(63), nullable=False, unique=True)
    path: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=ACTIVE)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=_utcnow)
    # The IANA zone its users read times in (None: the application's default).
    time_zone: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)


tenants_table: sa.Table = Tenant.__table__


@dataclasses.dataclass(frozen=True)
class TenantRef:
    """What a request or a command knows of its tenant: plain values, safe to keep after a session closes."""

    id: int
    slug: str
    name: str
    kind: str
    parent_id: int | None
    region_code: str | None
    schema_name: str
    path: str
    status: str
    created_at: dt.datetime
    time_zone: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @classmethod
    def from_row(cls, row) -> "TenantRef":
        return cls(**{f.name: getattr(row, f.name) for f in dataclasses.fields(cls)})


_columns = [tenants_table.c[f.name] for f in dataclasses.fields(TenantRef)]


def find_by_slug(conn: sa.Connection, slug: str) -> TenantRef | None:
    row = conn.execute(sa.select(*_columns).where(sa.func.lower(tenants_table.c.slug) == slug.lower())).first()
    return TenantRef.from_row(row) if row else None


def get_by_id(conn: sa.Connection, tenant_id: int) -> TenantRef | None:
    row = conn.execute(sa.select(*_columns).where(tenants_table.c.id == tenant_id)).first()
    return TenantRef.from_row(row) if row else None


def all_tenants(conn: sa.Connection) -> list[TenantRef]:
    return [TenantRef.from_row(r) for r in conn.execute(sa.select(*_columns).order_by(tenants_table.c.path))]


def subtree(conn: sa.Connection, root: TenantRef, *, include_root: bool = True) -> list[TenantRef]:
    """The root and every tenant below it, in tree order, in one indexed prefix query."""
    query = sa.select(*_columns).where(tenants_table.c.path.startswith(root.path, autoescape=True))
    if not include_root:
        query = query.where(tenants_table.c.id != root.id)
    return [TenantRef.from_row(r) for r in conn.execute(query.order_by(tenants_table.c.path))]


def children(conn: sa.Connection, parent: TenantRef) -> list[TenantRef]:
    query = sa.select(*_columns).where(tenants_table.c.parent_id == parent.id).order_by(tenants_table.c.slug)
    return [TenantRef.from_row(r) for r in conn.execute(query)]


def search(conn: sa.Connection, text: str, limit: int = 20) -> list[TenantRef]:
    """Active tenants whose name or slug contains the text (case-insensitive)."""
    text = text.strip()
    query = (
        sa.select(*_columns)
        .where(tenants_table.c.status == ACTIVE)
        .where(
            sa.or_(
                sa.func.lower(tenants_table.c.slug).contains(text.lower(), autoescape=True),
                tenants_table.c.name.contains(text, autoescape=True),
            )
        )
        .order_by(tenants_table.c.path)
        .limit(limit)
    )
    return [TenantRef.from_row(r) for r in conn.execute(query)]


def set_time_zone(conn: sa.Connection, tenant_id: int, time_zone: str | None) -> None:
    """Choose the zone a tenant's users read times in (None: the application's default)."""
    conn.execute(sa.update(tenants_table).where(tenants_table.c.id == tenant_id).values(time_zone=time_zone))


def is_within(tenant: TenantRef, ancestor: TenantRef) -> bool:
    """True if tenant is ancestor itself or lies in its subtree."""
    return tenant.path.startswith(ancestor.path)
