"""Keeping each federation's yearly counts current, and summing them over a subtree.

Writers call refresh(area, year) inside their own transaction (after their flush): the area's rows
for this federation and year are recounted from the tenant's tables and replaced, and when the
transaction commits the change is added to the subtree sums of every federation on its path
(`shared.subtree_counts`), which is what dashboards read. rebuild() does every area and year;
`jiceng summary rebuild` runs it and then recomputes the subtree sums, and tests check both equal a
recount.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from tenants.binding import TenantSession, bound_tenant
from tenants.registry import TenantRef, tenants_table

from .models import FederationCount, SubtreeCount

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


def _tenant() -> TenantRef:
    tenant = bound_tenant(db.session())
    if tenant is None:
        raise RuntimeError("counts are kept per federation: bind the session to one first")
    return tenant


# The subtree sums: a transaction remembers, for each (year, area) it recounts, the federation's counts
# as they were committed (read under a per-federation lock, so no other writer of this federation is
# between that read and our commit); just before it commits, it adds the difference between its own
# final counts and those to every ancestor's row, all rows in one global order (no deadlocks between
# writers, and the hot upper rows are locked only for the moment of the commit).
_BASELINE = "jiceng.summary_baseline"
_LOCK_CLASS = 0x4A43 << 40  # pg_advisory_xact_lock(class + federation id): "JC", clear of any id below 2**40
_ROWS_PER_STATEMENT = 500  # × 5 parameters, within SQLite's and PostgreSQL's limits


def _remember_committed(tenant: TenantRef, pairs: set[tuple[int, str]] | None) -> None:
    """Lock this federation's counts and remember the committed values of these (year, area) pairs
    (None: every pair it has) unless this transaction already did."""
    session = db.session()
    if session.in_nested_transaction():  # a savepoint's rollback would release the lock and keep the baseline
        raise RuntimeError("counts are refreshed in the outer transaction, not inside a savepoint")
    baseline = session.info.get(_BASELINE)
    if baseline is None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_CLASS + tenant.id)))
        baseline = session.info[_BASELINE] = {"tenant": tenant, "pairs": {}}
    elif baseline["tenant"].id != tenant.id:
        raise RuntimeError("one transaction changes the counts of one federation: commit before binding another")
    known = baseline["pairs"]
    if pairs is not None and pairs <= known.keys():
        return
    wanted = None if pairs is None else pairs - known.keys()
    for pair, values in _stored_by_pair(tenant.id, wanted).items():
        known.setdefault(pair, values)
    for pair in wanted or ():
        known.setdefault(pair, {})


def _stored_by_pair(tenant_id: int, pairs: set[tuple[int, str]] | None = None) -> dict[tuple[int, str], dict[str, Decimal]]:
    """The federation's stored counts by (year, area): these pairs only, or all (None)."""
    query = sa.select(FederationCount.year, FederationCount.area, FederationCount.key, FederationCount.value).where(
        FederationCount.tenant_id == tenant_id)
    if pairs is not None:
        query = query.where(sa.tuple_(FederationCount.year, FederationCount.area).in_(sorted(pairs)))
    by_pair: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    for year, area_name, key, value in db.session.execute(query):
        by_pair[(year, area_name)][key] = Decimal(value)
    return by_pair


@sa.event.listens_for(TenantSession, "before_commit")
def _add_changes_to_ancestors(session) -> None:
    baseline = session.info.pop(_BASELINE, None)
    if not baseline or not baseline["pairs"]:
        return
    tenant: TenantRef = baseline["tenant"]
    session.flush()
    now = _stored_by_pair(tenant.id, set(baseline["pairs"]))
    changes = []
    for (year, area_name), before in baseline["pairs"].items():
        after = now.get((year, area_name), {})
        for key in before.keys() | after.keys():
            delta = after.get(key, Decimal(0)) - before.get(key, Decimal(0))
            if delta:
                changes.append((year, area_name, key, delta))
    if not changes:
        return
    ancestors = [int(i) for i in tenant.path.strip("/").split("/")]
    rows = [{"ancestor_id": a, "year": y, "area": ar, "key": k, "value": d}
            for a in sorted(ancestors) for (y, ar, k, d) in sorted(changes)]
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(SubtreeCount)
    add = insert.on_conflict_do_update(index_elements=["ancestor_id", "year", "area", "key"],
                                       set_={"value": SubtreeCount.value + insert.excluded.value})
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):  # in order, as the locks must be taken
        session.execute(add.values(rows[start:start + _ROWS_PER_STATEMENT]))


@sa.event.listens_for(TenantSession, "after_transaction_end")
def _forget_on_rollback(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BASELINE, None)


def refresh(area_name: str, *years: int, counted: dict[int, dict[str, Decimal]] | None = None) -> None:
    """Recount an area for these years of the bound federation, in the current transaction (or take
    the values the caller has just counted: year → key → value); the subtree sums of its ancestors
    follow when the transaction commits."""
    recount, _years = AREAS[area_name]
    tenant = _tenant()
    db.session.flush()
    _remember_committed(tenant, {(year, area_name) for year in years})
    for year in sorted(set(years)):
        values = counted[year] if counted is not None else recount(year)
        db.session.execute(sa.delete(FederationCount).where(
            FederationCount.tenant_id == tenant.id, FederationCount.year == year, FederationCount.area == area_name))
        rows = [{"tenant_id": tenant.id, "year": year, "area": area_name, "key": k, "value": Decimal(v)}
                for k, v in values.items() if v]
        if rows:
            db.session.execute(sa.insert(FederationCount), rows)


def rebuild() -> int:
    """Recount every area and year of the bound federation; returns the rows written."""
    tenant = _tenant()
    _remember_committed(tenant, None)
    db.session.execute(sa.delete(FederationCount).where(FederationCount.tenant_id == tenant.id))
    for name, (_recount, years) in AREAS.items():
        refresh(name, *years())
    return db.session.scalar(sa.select(sa.func.count()).select_from(FederationCount).where(FederationCount.tenant_id == tenant.id))


def rebuild_subtree_sums(conn: sa.Connection) -> int:
    """Recompute every ancestor's sums from the federations' counts (after `jiceng summary rebuild`, or
    to repair them); returns the rows written. One statement; run it in the caller's transaction."""
    t, a = tenants_table, tenants_table.alias("ancestor")
    conn.execute(sa.delete(SubtreeCount))
    sums = (sa.select(a.c.id, FederationCount.year, FederationCount.area, FederationCount.key, sa.func.sum(FederationCount.value))
            .join(t, t.c.id == FederationCount.tenant_id).join(a, t.c.path.startswith(a.c.path))
            .group_by(a.c.id, FederationCount.year, FederationCount.area, FederationCount.key))
    conn.execute(sa.insert(SubtreeCount).from_select(["ancestor_id", "year", "area", "key", "value"], sums))
    return conn.scalar(sa.select(sa.func.count()).select_from(SubtreeCount))


def subtract_from_ancestors(conn: sa.Connection, tenant: TenantRef) -> None:
    """Before a federation is dropped: take its counts out of its ancestors' sums (its own sums go with
    its row). A dropped federation has no children, so its sums are its own counts."""
    own = conn.execute(sa.select(FederationCount.year, FederationCount.area, FederationCount.key, FederationCount.value)
                       .where(FederationCount.tenant_id == tenant.id)).all()
    ancestors = sorted(int(i) for i in tenant.path.strip("/").split("/") if int(i) != tenant.id)
    for ancestor_id in ancestors:
        for year, area_name, key, value in sorted(own):
            conn.execute(sa.update(SubtreeCount).where(
                SubtreeCount.ancestor_id == ancestor_id, SubtreeCount.year == year, SubtreeCount.area == area_name,
                SubtreeCount.key == key).values(value=SubtreeCount.value - value))


def stored(tenant_id: int) -> dict[tuple[int, str, str], Decimal]:
    """A federation's stored counts: (year, area, key) → value."""
    rows = db.session.execute(sa.select(FederationCount.year, FederationCount.area, FederationCount.key, FederationCount.value)
                              .where(FederationCount.tenant_id == tenant_id))
    return {(y, a, k): Decimal(v) for y, a, k, v in rows}


# Reading: sums over a subtree (shared schema only) -------------------------------------------------

def subtree_totals(conn: sa.Connection, root: TenantRef, year: int, area_name: str) -> dict[str, Decimal]:
    """The root's subtree summed: key → value (the root's own row of sums)."""
    query = sa.select(SubtreeCount.key, SubtreeCount.value).where(
        SubtreeCount.ancestor_id == root.id, SubtreeCount.year == year, SubtreeCount.area == area_name, SubtreeCount.value != 0)
    return {key: Decimal(value) for key, value in conn.execute(query)}


def _by_child(root: TenantRef, year: int, area_name: str, key_filter=None):
    """(federation id, key, value): each child's subtree sums, and the root's own counts under the root's id."""
    child = tenants_table
    below = (sa.select(SubtreeCount.ancestor_id.label("federation_id"), SubtreeCount.key, SubtreeCount.value)
             .join(child, child.c.id == SubtreeCount.ancestor_id)
             .where(child.c.parent_id == root.id, SubtreeCount.year == year, SubtreeCount.area == area_name, SubtreeCount.value != 0))
    own = sa.select(sa.literal(root.id), FederationCount.key, FederationCount.value).where(
        FederationCount.tenant_id == root.id, FederationCount.year == year, FederationCount.area == area_name)
    if key_filter is not None:
        below, own = below.where(key_filter(SubtreeCount.key)), own.where(key_filter(FederationCount.key))
    return below.union_all(own)


def totals_by_child(conn: sa.Connection, root: TenantRef, year: int, area_name: str) -> dict[int, dict[str, Decimal]]:
    """For each child of the root, its whole subtree summed; the root's own counts under the root's id.
    Reads one row per child and key, whatever lies below the children."""
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for tenant_id, key, value in conn.execute(_by_child(root, year, area_name)):
        result[tenant_id][key] = Decimal(value)
    return result


def sum_by_child(conn: sa.Connection, root: TenantRef, year: int, area_name: str, key_filter) -> dict[int, Decimal]:
    """For each child of the root (and the root's own counts), the sum of the keys that key_filter(key
    column) admits, e.g. the due dates before today."""
    rows = _by_child(root, year, area_name, key_filter).subquery()
    query = sa.select(rows.c.federation_id, sa.func.sum(rows.c.value)).group_by(rows.c.federation_id)
    return {tenant_id: Decimal(total) for tenant_id, total in conn.execute(query) if total}
