"""What the application adds to a federation's backup: its uploaded files; and what it redoes after
a restore: the shared summaries and shared document texts, recounted for the new federation."""
from __future__ import annotations

from tenants.backup import ArchiveFile
from tenants.binding import bind_session
from tenants.registry import TenantRef

from . import files
from .extensions import db, tenancy
from .summaries import counts


def export_files(tenant: TenantRef) -> list[ArchiveFile]:
    root = files.store().root / tenant.schema_name
    if not root.is_dir():
        return []
    return [ArchiveFile(path.relative_to(root).as_posix(), path.read_bytes()) for path in sorted(root.rglob("*")) if path.is_file()]


def after_import(tenant: TenantRef, archived: dict[str, bytes]) -> None:
    store = files.store()
    for name, data in archived.items():
        stored = store.save(tenant.schema_name, data)  # content-addressed: the name follows the bytes
        if not name.endswith(stored.sha256):
            raise ValueError(f"archived file {name} does not match its content")
    bind_session(db.session(), tenancy.engines, tenant)
    try:
        counts.rebuild()
        for rebuild in counts.REBUILDERS:
            rebuild(tenant)
        db.session.commit()
    finally:
        db.session.remove()
