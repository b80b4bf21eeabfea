"""Migrations: one Alembic tree for the shared schema, one for every tenant schema.

The runner upgrades the shared schema, asks the catalog once which tenants are behind, and upgrades
only those, each in its own transaction on a dedicated connection whose search_path is that tenant
(never all tenants in one transaction: locks). Alembic keeps its context in module globals, so
parallel workers are processes, not threads. A failing tenant is reported and the others go on.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import functools
import multiprocessing
from pathlib import Path
from typing import Callable, Iterable

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

from .binding import TenantEngines, create_shared_engine
from .registry import TenantRef
from .schema import quote_schema
from .snapshot import VERSION_TABLE


@functools.lru_cache(maxsize=8)
def script_directory(location: str) -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", location)
    return ScriptDirectory.from_config(config)


def head_revision(location: str | Path) -> str:
    return script_directory(str(location)).get_current_head()


def upgrade_connection(conn: sa.Connection, location: str | Path, target: str = "heads") -> None:
    """Run the migrations of one tree on a connection already pointed at its schema."""
    script = script_directory(str(location))
    config = Config()
    config.set_main_option("script_location", str(location))

    def upgrade(rev, context):
        return script._upgrade_revs(target, rev)

    with EnvironmentContext(config, script, fn=upgrade, destination_rev=target) as env:
        env.configure(connection=conn, transactional_ddl=True)
        with env.begin_transaction():
            env.run_migrations()


def _current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def upgrade_shared(engines: TenantEngines, location: str | Path) -> bool:
    """Bring the shared schema to head; True if anything was done."""
    head = head_revision(location)
    with engines.migration_connection(None) as conn:
        if _current_revision(conn) == head:
            return False
        upgrade_connection(conn, location)
    return True


def upgrade_tenant(engines: TenantEngines, schema: str, location: str | Path) -> None:
    with engines.migration_connection(schema) as conn:
        upgrade_connection(conn, location)


def tenant_revisions(engines: TenantEngines, tenants: Iterable[TenantRef]) -> dict[str, str | None]:
    """Every tenant's current revision (None: no version table), in one catalog query on PostgreSQL."""
    schemas = [t.schema_name for t in tenants]
    if not schemas:
        return {}
    if engines.is_sqlite:
        revisions = {}
        for schema in schemas:
            with engines.migration_connection(schema) as conn:
                revisions[schema] = _current_revision(conn)
        return revisions
    revisions: dict[str, str | None] = dict.fromkeys(schemas)
    with engines.shared.connect() as conn:
        present = conn.execute(
            sa.text(
                "SELECT n.nspname FROM pg_catalog.pg_namespace n"
                " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
                " WHERE c.relname = :table AND n.nspname = ANY(:schemas)"
            ),
            {"table": VERSION_TABLE, "schemas": schemas},
        ).scalars().all()
        if present:
            union = " UNION ALL ".join(
                f"SELECT '{s}' AS schema_name, version_num FROM {quote_schema(s)}.{VERSION_TABLE}" for s in present
            )
            revisions.update(dict(conn.exec_driver_sql(union).all()))
    return revisions


@dataclasses.dataclass
class MigrationReport:
    head: str
    shared_upgraded: bool = False
    behind: list[TenantRef] = dataclasses.field(default_factory=list)
    upgraded: list[TenantRef] = dataclasses.field(default_factory=list)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def nothing_to_do(self) -> bool:
        return not self.shared_upgraded and not self.behind


def plan(engines: TenantEngines, tenants: list[TenantRef], location: str | Path) -> tuple[str, list[TenantRef]]:
    head = head_revision(location)
    revisions = tenant_revisions(engines, tenants)
    return head, [t for t in tenants if revisions.get(t.schema_name) != head]


# Worker processes keep one TenantEngines per database URL.
_worker_engines: dict[str, TenantEngines] = {}


def _upgrade_in_worker(url: str, schema: str, location: str) -> tuple[str, str | None]:
    engines = _worker_engines.get(url)
    if engines is None:
        engines = _worker_engines[url] = TenantEngines(create_shared_engine(url, poolclass=sa.pool.NullPool))
    try:
        upgrade_tenant(engines, schema, location)
    except Exception as exc:  # reported to the operator, the other tenants go on
        return schema, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return schema, None


def migrate_tenants(
    engines: TenantEngines,
    tenants: list[TenantRef],
    location: str | Path,
    *,
    workers: int = 2,
    on_done: Callable[[TenantRef, str | None], None] | None = None,
) -> MigrationReport:
    """Upgrade the tenants that are behind; a failure in one is recorded and the rest go on."""
    head, behind = plan(engines, tenants, location)
    report = MigrationReport(head=head, behind=behind)
    if not behind:
        return report
    by_schema = {t.schema_name: t for t in behind}
    url = engines.url.render_as_string(hide_password=False)
    results: Iterable[tuple[str, str | None]]
    if workers <= 1:
        results = (_upgrade_in_worker(url, t.schema_name, str(location)) for t in behind)
        _record(results, by_schema, report, on_done)
    else:
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_upgrade_in_worker, url, t.schema_name, str(location)) for t in behind]
            _record((f.result() for f in cf.as_completed(futures)), by_schema, report, on_done)
    return report


def _record(results, by_schema, report: MigrationReport, on_done) -> None:
    for schema, error in results:
        tenant = by_schema[schema]
        if error is None:
            report.upgraded.append(tenant)
        else:
            report.failed[tenant.slug] = error
        if on_done is not None:
            on_done(tenant, error)
