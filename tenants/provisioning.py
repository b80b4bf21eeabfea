"""Creating and dropping tenants.

Creation is one transaction: the registry row, the schema (or file), its tables from the snapshot,
and whatever the application's provision hooks add (its first administrator). A failure at any step
leaves no schema, file or row behind. Names are validated before any DDL.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from typing import Callable, Iterable

import sqlalchemy as sa

from . import registry
from .binding import TenantEngines
from .registry import TenantRef, tenants_table
from .schema import InvalidSlug, quote_schema, schema_name_for, validate_slug
from .snapshot import Snapshot

log = logging.getLogger(__name__)

ProvisionHook = Callable[[sa.Connection, TenantRef, dict], None]
_REGION_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")


class ProvisioningError(Exception):
    """A tenant could not be created or dropped; the message is for the operator, in Chinese."""


@dataclasses.dataclass(frozen=True)
class TenantSpec:
    slug: str
    name: str
    kind: str
    parent_slug: str | None = None
    region_code: str | None = None


def validate_spec(spec: TenantSpec, kinds: Iterable[str]) -> None:
    """Refuse a bad spec before anything touches the database."""
    try:
        validate_slug(spec.slug)
    except InvalidSlug as exc:
        raise ProvisioningError(str(exc)) from exc
    if not spec.name or not spec.name.strip() or len(spec.name) > 200:
        raise ProvisioningError("名称不能为空，且不超过 200 个字符")
    kinds = list(kinds)
    if spec.kind not in kinds:
        raise ProvisioningError(f"类型 {spec.kind!r} 无效，可选：{', '.join(kinds)}")
    if spec.region_code is not None and not _REGION_RE.match(spec.region_code):
        raise ProvisioningError("行政区划代码应为 2、4、6、9 或 12 位数字（GB/T 2260）")


def create_tenant(
    engines: TenantEngines,
    spec: TenantSpec,
    snapshot: Snapshot,
    *,
    kinds: Iterable[str],
    hooks: Iterable[ProvisionHook] = (),
    options: dict | None = None,
) -> TenantRef:
    """Create a tenant at the snapshot's revision and run the provision hooks, atomically."""
    validate_spec(spec, kinds)
    schema = schema_name_for(spec.slug)
    with engines.shared.connect() as conn:
        if registry.find_by_slug(conn, spec.slug) is not None:
            raise ProvisioningError(f"标识 {spec.slug} 已被使用")
        parent = registry.find_by_slug(conn, spec.parent_slug) if spec.parent_slug else None
        if spec.parent_slug and parent is None:
            raise ProvisioningError(f"上级 {spec.parent_slug} 不存在")
    if engines.is_sqlite:
        return _create_sqlite(engines, spec, schema, parent, snapshot, list(hooks), options or {})
    return _create_postgresql(engines, spec, schema, parent, snapshot, list(hooks), options or {})


def _insert_registry_row(conn: sa.Connection, spec: TenantSpec, schema: str, parent: TenantRef | None) -> TenantRef:
    tenant_id = conn.execute(
        tenants_table.insert()
        .values(
            slug=spec.slug, name=spec.name.strip(), kind=spec.kind, region_code=spec.region_code,
            parent_id=parent.id if parent else None, schema_name=schema, path="", status=registry.ACTIVE,
        )
        .returning(tenants_table.c.id)
    ).scalar_one()
    path = (parent.path if parent else "/") + f"{tenant_id}/"
    conn.execute(tenants_table.update().where(tenants_table.c.id == tenant_id).values(path=path))
    return registry.get_by_id(conn, tenant_id)


def _create_postgresql(engines, spec, schema, parent, snapshot, hooks, options) -> TenantRef:
    quoted = quote_schema(schema)
    try:
        with engines.shared.connect() as conn, conn.begin():
            tenant = _insert_registry_row(conn, spec, schema, parent)
            conn.exec_driver_sql(f"CREATE SCHEMA {quoted}")
            conn.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")
            for statement in snapshot.statements:  # one top-level statement each (Citus-friendly)
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("SET LOCAL search_path TO ''")
            tenant_conn = conn.execution_options(schema_translate_map={None: schema})
            for hook in hooks:
                hook(tenant_conn, tenant, options)
    except sa.exc.IntegrityError as exc:
        raise ProvisioningError(f"无法创建 {spec.slug}：标识或数据库结构已存在") from exc
    except sa.exc.ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42P06":  # duplicate_schema
            raise ProvisioningError(f"数据库结构 {schema} 已存在") from exc
        raise
    log.info("created tenant %s (schema %s)", spec.slug, schema)
    return tenant


def _create_sqlite(engines, spec, schema, parent, snapshot, hooks, options) -> TenantRef:
    path = engines.tenant_file(schema)
    if path.exists():
        raise ProvisioningError(f"数据库文件 {path.name} 已存在")
    engine = engines.for_schema(schema)
    try:
        with engine.connect() as conn, conn.begin():
            tenant = _insert_registry_row(conn, spec, schema, parent)
            for statement in snapshot.statements:
                conn.exec_driver_sql(statement)
            for hook in hooks:
                hook(conn, tenant, options)
    except BaseException as exc:
        engines.forget(schema)
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, sa.exc.IntegrityError):
            raise ProvisioningError(f"无法创建 {spec.slug}：标识已存在") from exc
        raise
    log.info("created tenant %s (file %s)", spec.slug, path.name)
    return tenant


def set_status(engines: TenantEngines, slug: str, status: str) -> TenantRef:
    with engines.shared.connect() as conn, conn.begin():
        tenant = registry.find_by_slug(conn, slug)
        if tenant is None:
            raise ProvisioningError(f"{slug} 不存在")
        conn.execute(tenants_table.update().where(tenants_table.c.id == tenant.id).values(status=status))
        return registry.get_by_id(conn, tenant.id)


def drop_tenant(engines: TenantEngines, slug: str, hooks: Iterable[Callable] = ()) -> TenantRef:
    """Disable the tenant (so no request binds to it), then drop its schema or file and its row.
    Each ``hook(conn, tenant)`` runs in the dropping transaction, before the row goes (to take the
    tenant out of whatever the application keeps about it in the shared schema)."""
    with engines.shared.connect() as conn:
        tenant = registry.find_by_slug(conn, slug)
        if tenant is None:
            raise ProvisioningError(f"{slug} 不存在")
        if registry.children(conn, tenant):
            raise ProvisioningError(f"{slug} 还有下级，请先删除下级")
    set_status(engines, slug, registry.DISABLED)
    engines.forget(tenant.schema_name)
    with engines.shared.connect() as conn, conn.begin():
        for hook in hooks:
            hook(conn, tenant)
        if not engines.is_sqlite:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote_schema(tenant.schema_name)} CASCADE")
        conn.execute(tenants_table.delete().where(tenants_table.c.id == tenant.id))
    if engines.is_sqlite:
        path = engines.tenant_file(tenant.schema_name)
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
    log.info("dropped tenant %s", slug)
    return tenant
