"""`jiceng tenants ...`: create, list, migrate, disable, enable, drop, snapshot."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from . import migrate as migrations
from . import registry, snapshot
from .provisioning import ProvisioningError, TenantSpec, create_tenant, drop_tenant, set_status
from .web import config_path, tenancy, tenant_tables

tenants_cli = AppGroup("tenants", help="Manage tenants (one schema each).")


def ensure_shared_schema() -> bool:
    """Create or upgrade the shared schema; True if anything changed."""
    return migrations.upgrade_shared(tenancy().engines, config_path("SHARED_MIGRATIONS"))


def provision(spec: TenantSpec, options: dict):
    engines = tenancy().engines
    dialect = "sqlite" if engines.is_sqlite else "postgresql"
    snap = snapshot.load(config_path("TENANT_SNAPSHOT_DIR"), dialect)
    return create_tenant(
        engines, spec, snap, kinds=current_app.config["TENANT_KINDS"], hooks=tenancy().provision_hooks, options=options
    )


def _fail(message: str):
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Chinese name, e.g. 南通市总工会")
@click.option("--kind", required=True)
@click.option("--parent", "parent_slug", default=None)
@click.option("--region", "region_code", default=None, help="GB/T 2260 region code")
@click.option("--admin", required=True, help="username of the first administrator")
@click.option("--password", required=True)
def create_command(slug, name, kind, parent_slug, region_code, admin, password):
    """Create a tenant at the latest schema with its first administrator."""
    ensure_shared_schema()
    started = time.perf_counter()
    try:
        tenant = provision(
            TenantSpec(slug=slug, name=name, kind=kind, parent_slug=parent_slug, region_code=region_code),
            {"admin": admin, "password": password},
        )
    except ProvisioningError as exc:
        _fail(str(exc))
    click.echo(f"已创建 {tenant.slug}（{tenant.name}，{tenant.schema_name}）用时 {(time.perf_counter() - started) * 1000:.0f} ms")


@tenants_cli.command("list")
def list_command():
    """One line per tenant: slug, kind, status, schema, name."""
    with tenancy().engines.shared.connect() as conn:
        for t in registry.all_tenants(conn):
            click.echo("\t".join([t.slug, t.kind, t.status, t.schema_name, t.region_code or "-", t.name]))


@tenants_cli.command("migrate")
@click.option("--workers", default=2, show_default=True, help="parallel worker processes")
def migrate_command(workers):
    """Upgrade the shared schema, then every tenant that is behind."""
    engines = tenancy().engines
    shared_changed = ensure_shared_schema()
    with engines.shared.connect() as conn:
        tenants = registry.all_tenants(conn)
    location = config_path("TENANT_MIGRATIONS")
    head, behind = migrations.plan(engines, tenants, location)
    if not behind:
        note = "共享结构已升级；" if shared_changed else ""
        click.echo(f"{note}全部 {len(tenants)} 个租户已是最新版本 {head}，无需迁移。")
        return
    failures = []
    with click.progressbar(length=len(behind), label=f"迁移 {len(behind)} 个租户", file=sys.stderr) as bar:
        def on_done(tenant, error):
            if error:
                failures.append((tenant.slug, error))
            bar.update(1)

        report = migrations.migrate_tenants(engines, behind, location, workers=workers, on_done=on_done)
    click.echo(f"已迁移 {len(report.upgraded)} 个租户到 {head}，失败 {len(report.failed)} 个。")
    for slug, error in failures:
        click.echo(f"失败 {slug}: {error}", err=True)
    if failures:
        sys.exit(1)


@tenants_cli.command("disable")
@click.argument("slug")
def disable_command(slug):
    try:
        set_status(tenancy().engines, slug, registry.DISABLED)
    except ProvisioningError as exc:
        _fail(str(exc))
    click.echo(f"已停用 {slug}")


@tenants_cli.command("enable")
@click.argument("slug")
def enable_command(slug):
    try:
        set_status(tenancy().engines, slug, registry.ACTIVE)
    except ProvisioningError as exc:
        _fail(str(exc))
    click.echo(f"已启用 {slug}")


@tenants_cli.command("drop")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="confirm: the tenant's data is deleted for good")
def drop_command(slug, yes):
    """Disable a tenant, then delete its schema (or file) and its registry row."""
    if not yes:
        _fail("删除不可恢复，请加 --yes 确认")
    try:
        drop_tenant(tenancy().engines, slug, hooks=tenancy().drop_hooks)
    except ProvisioningError as exc:
        _fail(str(exc))
    click.echo(f"已删除 {slug}")


@tenants_cli.command("export")
@click.argument("slug")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
def export_command(slug, destination):
    """Write one tenant's complete data (files included) to a single archive."""
    from pathlib import Path

    from .backup import export_tenant

    with tenancy().engines.shared.connect() as conn:
        tenant = registry.find_by_slug(conn, slug)
    if tenant is None:
        _fail(f"{slug} 不存在")
    files = [item for hook in tenancy().export_hooks for item in hook(tenant)]
    manifest = export_tenant(tenancy().engines, tenant, tenant_tables(), Path(destination), files)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"已导出 {slug}：{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个文件 → {destination}")


@tenants_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("slug")
@click.option("--name", default=None, help="name of the new tenant (default: the exported one's)")
@click.option("--parent", "parent_slug", default=None)
def import_command(source, slug, name, parent_slug):
    """Restore an archive into a new tenant SLUG (the archive's schema revision must be the current one)."""
    from pathlib import Path

    from .backup import archive_files, import_tenant, read_manifest, spec_from_manifest

    ensure_shared_schema()
    engines = tenancy().engines
    dialect = "sqlite" if engines.is_sqlite else "postgresql"
    try:
        manifest = read_manifest(Path(source))
        spec = spec_from_manifest(manifest, slug, parent_slug, name)
        tenant = import_tenant(engines, Path(source), spec, snapshot.load(config_path("TENANT_SNAPSHOT_DIR"), dialect),
                               tenant_tables(), kinds=current_app.config["TENANT_KINDS"])
        files = archive_files(Path(source))
        for hook in tenancy().import_hooks:
            hook(tenant, files)
    except ProvisioningError as exc:
        _fail(str(exc))
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"已恢复到新租户 {tenant.slug}（{tenant.name}）：{rows} 行，{len(manifest['files'])} 个文件")


@tenants_cli.command("snapshot")
def snapshot_command():
    """Re-render the tenant schema snapshot from the models at the migrations' head."""
    head = migrations.head_revision(config_path("TENANT_MIGRATIONS"))
    for path in snapshot.write(config_path("TENANT_SNAPSHOT_DIR"), tenant_tables(), head):
        click.echo(f"wrote {path} at {head}")
