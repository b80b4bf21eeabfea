"""Keeping each federation's yearly counts current, and summing them over a subtree.

Writers call refresh(area, year) inside their own transaction (after their flush): the area's rows
for this federation and year are recounted from the tenant's tables and replaced. rebuild() does
every area and year; `jiceng summary rebuild` runs it, and a test checks it equals what the writes
left behind.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Callable

import sqlalchemy as sa

from app.extensions import db
from tenants.binding import bound_tenant
from tenants.registry import TenantRef, tenants_table

from .models import FederationCount  # noqa: F401  (re-exported for tests and tools)

log = logging.getLogger(__name__)

# Other shared summaries register a rebuild(tenant) for `jiceng summary rebuild`.
REBUILDERS: list[Callable[[TenantRef], None]] = []

# area → (recount(year) → {key: value}, years() → the years that have data)
AREAS: dict[str, tuple[Callable[[int], dict[str, Decimal]], Callable[[], set[int]]]] = {}


def area(name: str, years: Callable[[], set[int]]):
    """Register an area's recount function."""

    def register(recount):
        AREAS[name] = (recount, years)
        return recount

    return register


def _tenant_id() -> int:
    tenant = bound_tenant(db.session())
    if tenant is None:
        raise RuntimeError("counts are kept per federation: bind the session to one first")
    return tenant.id


def refresh(area_name: str, *years: int) -> None:
    """Recount an area for these years of the bound federation, in the current transaction."""
    recount, _years = AREAS[area_name]
    tenant_id = _tenant_id()
    db.session.flush()
    for year in sorted(set(years)):
        values = recount(year)
        db.session.execute(sa.delete(FederationCount).where(
            FederationCount.tenant_id == tenant_id, FederationCount.year == year, FederationCount.area == area_name))
        rows = [{"tenant_id": tenant_id, "year": year, "area": area_name, "key": k, "value": Decimal(v)}
                for k, v in values.items() if v]
        if rows:
            db.session.execute(sa.insert(FederationCount), rows)


def rebuild() -> int:
    """Recount every area and year of the bound federation; returns the rows written."""
    tenant_id = _tenant_id()
    db.session.execute(sa.delete(FederationCount).where(FederationCount.tenant_id == tenant_id))
    for name, (_recount, years) in AREAS.items():
        refresh(name, *years())
    return db.session.scalar(sa.select(sa.func.count()).select_from(FederationCount).where(FederationCount.tenant_id == tenant_id))


def stored(tenant_id: int) -> dict[tuple[int, str, str], Decimal]:
    """A federation's stored counts: (year, area, key) → value."""
    rows = db.session.execute(sa.select(FederationCount.year, FederationCount.area, FederationCount.key, FederationCount.value)
                              .where(FederationCount.tenant_id == tenant_id))
    return {(y, a, k): Decimal(v) for y, a, k, v in rows}


# Reading: sums over a subtree (shared schema only) -------------------------------------------------

def subtree_totals(conn: sa.Connection, root: TenantRef, year: int, area_name: str) -> dict[str, Decimal]:
    """The root's subtree summed: key → value."""
    t = tenants_table
    query = (
        sa.select(FederationCount.key, sa.func.sum(FederationCount.value))
        .join(t, t.c.id == FederationCount.tenant_id)
        .where(FederationCount.year == year, FederationCount.area == area_name, t.c.path.startswith(root.path))
        .group_by(FederationCount.key)
    )
    return {key: Decimal(value) for key, value in conn.execute(query)}


def totals_by_child(conn: sa.Connection, root: TenantRef, year: int, area_name: str) -> dict[int, dict[str, Decimal]]:
    """For each child of the root, its whole subtree summed; the root's own rows under the root's id.
    One query: counts joined to the child whose path prefixes theirs."""
    t, child = tenants_table, tenants_table.alias("child")
    below = (
        sa.select(child.c.id, FederationCount.key, sa.func.sum(FederationCount.value))
        .select_from(child)
        .join(t, t.c.path.startswith(child.c.path))
        .join(FederationCount, FederationCount.tenant_id == t.c.id)
        .where(child.c.parent_id == root.id, FederationCount.year == year, FederationCount.area == area_name)
        .group_by(child.c.id, FederationCount.key)
    )
    own = sa.select(sa.literal(root.id), FederationCount.key, FederationCount.value).where(
        FederationCount.tenant_id == root.id, FederationCount.year == year, FederationCount.area == area_name)
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for tenant_id, key, value in conn.execute(below.union_all(own)):
        result[tenant_id][key] = Decimal(value)
    return result
