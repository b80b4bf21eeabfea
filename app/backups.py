"""What the application adds to a federation's backup: its uploaded files; and what it redoes after
a restore: cases passed up go to the new federation's parent, and the shared summaries and shared
document texts are recounted for it."""
from __future__ import annotations

from tenants.backup import ArchiveFile
from tenants.binding import bind_session
from tenants import registry
from tenants.registry import TenantRef

from . import files
from .delegation import services as delegation
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
    with tenancy.engines.shared.connect() as conn:
        parent = registry.get_by_id(conn, tenant.parent_id) if tenant.parent_id else None
    bind_session(db.session(), tenancy.engines, tenant)
    try:
        delegation.follow_the_parent_after_a_restore(tenant, parent)
        counts.rebuild()
        for rebuild in counts.REBUILDERS:
            rebuild(tenant)
        db.session.commit()
    finally:
        db.session.remove()
