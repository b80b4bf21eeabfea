"""One tenant's complete data in a single archive, and back into a new tenant.

The archive is a zip: manifest.json (the tenant's registry facts, its schema revision, every
table's row count and digest, every file's digest), data/<table>.jsonl (one JSON object a row;
dates, times, decimals and bytes tagged so they come back as they were) and files/... (whatever
the application's export hooks add). Import refuses an archive whose schema revision is not the
current one, and loads everything into a new tenant in one transaction: it is there whole or not at all.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa

from .binding import TenantEngines
from .provisioning import ProvisioningError, TenantSpec, create_tenant
from . import registry
from .registry import TenantRef
from .snapshot import VERSION_TABLE, Snapshot

FORMAT = "jiceng-tenant-archive/1"


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    return value


_DECODERS = {"$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat, "$time": dt.time.fromisoformat,
             "$decimal": Decimal, "$bytes": base64.b64decode}


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if tag in _DECODERS:
            return _DECODERS[tag](text)
    return value


def _line(row: dict) -> bytes:
    return (json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True) + "\n").encode()


@dataclasses.dataclass(frozen=True)
class ArchiveFile:
    name: str   # path inside files/
    data: bytes


def export_tenant(engines: TenantEngines, tenant: TenantRef, tables: list[sa.Table], destination: Path,
                  files: Iterable[ArchiveFile] = ()) -> dict:
    """Write the tenant's rows (all its tables) and the given files to one archive; returns the manifest."""
    manifest = {"format": FORMAT, "tenant": {"slug": tenant.slug, "name": tenant.name, "kind": tenant.kind,
                                              "region_code": tenant.region_code, "time_zone": tenant.time_zone},
                "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(), "tables": {}, "files": {}}
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        engine = engines.for_tenant(tenant).execution_options(read_only=True)
        with engine.connect() as conn:
            manifest["revision"] = conn.execute(sa.text(f"SELECT version_num FROM {_version_table(engines, tenant)}")).scalar()
            for table in tables:
                digest, count = hashlib.sha256(), 0
                with archive.open(f"data/{table.name}.jsonl", "w") as out:
                    for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings():
                        line = _line(dict(row))
                        digest.update(line)
                        out.write(line)
                        count += 1
                manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
        for item in files:
            archive.writestr(f"files/{item.name}", item.data)
            manifest["files"][item.name] = hashlib.sha256(item.data).hexdigest()
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _version_table(engines: TenantEngines, tenant: TenantRef) -> str:
    # Raw SQL is not translated: name the tenant's schema on PostgreSQL; on SQLite it is `main`.
    return VERSION_TABLE if engines.is_sqlite else f'"{tenant.schema_name}".{VERSION_TABLE}'


class ArchiveError(ProvisioningError):
    """The archive cannot be restored; the message says why, in Chinese."""


def read_manifest(source: Path) -> dict:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise ArchiveError(f"不是有效的备份文件：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError("备份文件格式不符")
    return manifest


def import_tenant(engines: TenantEngines, source: Path, spec: TenantSpec, snapshot: Snapshot, tables: list[sa.Table], *,
                  kinds: Iterable[str]) -> TenantRef:
    """Create a new tenant from an archive: its schema at the snapshot and every row as it was, in one
    transaction. The files are checked here; putting them back is the caller's (see archive_files)."""
    manifest = read_manifest(source)
    if manifest.get("revision") != snapshot.revision:
        raise ArchiveError(f"备份的数据库版本 {manifest.get('revision')} 与当前版本 {snapshot.revision} 不同，请先用同一版本导入后再升级")
    by_name = {t.name: t for t in tables}
    unknown = set(manifest["tables"]) - set(by_name)
    if unknown:
        raise ArchiveError(f"备份中有当前版本没有的表：{', '.join(sorted(unknown))}")
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(f"files/{name}") for name in manifest["files"]}
        for name, digest in manifest["files"].items():
            if hashlib.sha256(files[name]).hexdigest() != digest:
                raise ArchiveError(f"备份中的文件 {name} 已损坏")

        def load(conn: sa.Connection, tenant: TenantRef, _options: dict) -> None:
            for table in tables:  # dependency order: keys point backwards
                if table.name not in manifest["tables"]:
                    continue
                digest, rows = hashlib.sha256(), []
                for raw in archive.read(f"data/{table.name}.jsonl").splitlines(keepends=True):
                    digest.update(raw)
                    rows.append({k: _decode(v) for k, v in json.loads(raw).items()})
                if digest.hexdigest() != manifest["tables"][table.name]["sha256"] or len(rows) != manifest["tables"][table.name]["rows"]:
                    raise ArchiveError(f"备份中的表 {table.name} 已损坏")
                for start in range(0, len(rows), 1000):
                    conn.execute(table.insert(), rows[start:start + 1000])
                _continue_identity(conn, engines, tenant, table)
            registry.set_time_zone(conn, tenant.id, manifest["tenant"].get("time_zone"))

        return create_tenant(engines, spec, snapshot, kinds=kinds, hooks=[load])


def archive_files(source: Path) -> dict[str, bytes]:
    """The files of an archive, by their name inside files/."""
    manifest = read_manifest(source)
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(f"files/{name}") for name in manifest["files"]}


def _continue_identity(conn: sa.Connection, engines: TenantEngines, tenant: TenantRef, table: sa.Table) -> None:
    """Rows came with their ids: make the next generated id follow the largest (PostgreSQL).

    Only ever forward: the sequence ends at the larger of where it stands and the restored maximum.
    The maximum is read in its own statement and `setval` is called on its own, so on Citus the
    sequence statement runs where the sequence lives, not on the worker holding the tenant table."""
    identity = [c for c in table.primary_key.columns if c.identity is not None]
    if engines.is_sqlite or not identity:
        return
    column = identity[0].name
    qualified = f'"{tenant.schema_name}"."{table.name}"'
    restored = conn.exec_driver_sql(f"SELECT max({column}) FROM {qualified}").scalar()
    if restored is None:
        return
    sequence = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{qualified}', '{column}')").scalar()
    last_value, is_called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()
    current = last_value if is_called else last_value - 1
    if restored > current:
        conn.execute(sa.text("SELECT setval(CAST(:sequence AS regclass), :value, true)"),
                     {"sequence": sequence, "value": int(restored)})


def table_contents(engines: TenantEngines, tenant: TenantRef, tables: list[sa.Table]) -> dict[str, list[dict]]:
    """Every row of every table, ordered by key: for comparing two tenants (tests, checks)."""
    with engines.for_tenant(tenant).execution_options(read_only=True).connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns)).mappings()] for t in tables}


def spec_from_manifest(manifest: dict, slug: str, parent_slug: str | None, name: str | None = None) -> TenantSpec:
    facts = manifest["tenant"]
    return TenantSpec(slug=slug, name=name or facts["name"], kind=facts["kind"], parent_slug=parent_slug,
                      region_code=facts.get("region_code"))

