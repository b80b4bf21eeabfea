"""Uploaded files of a federation: checked by content, stored under its own key, served only to it."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, send_file

from app.checklist.evidence import EvidenceStore, check_upload, safe_display_name
from app.web import attachment_name
from tenants import current_tenant


class UploadRefused(ValueError):
    pass


def store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["EVIDENCE_DIR"]))


def accept_upload(file_storage):
    """Check an upload and store it for the current federation: (stored, display name, kind)."""
    if file_storage is None or not file_storage.filename:
        raise UploadRefused("请选择文件")
    data = file_storage.read(current_app.config["MAX_EVIDENCE_BYTES"] + 1)
    kind, problem = check_upload(file_storage.filename, data, current_app.config["MAX_EVIDENCE_BYTES"])
    if problem:
        raise UploadRefused(problem)
    stored = store().save(current_tenant.schema_name, data)
    return stored, safe_display_name(file_storage.filename, kind), kind


def send_stored(sha256: str, download_name: str, mimetype: str, tenant=None):
    """Send one of the current federation's files (or, for a case passed up, the origin's)."""
    path = store().path((tenant or current_tenant).schema_name, sha256)
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=attachment_name(download_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
