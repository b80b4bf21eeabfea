"""Evidence files: what an upload really is, whether it is acceptable, and where it is kept. No Flask, no database."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class FileKind:
    code: str
    mime: str
    extension: str  # without the dot
    label_zh: str


PDF = FileKind("pdf", "application/pdf", "pdf", "PDF 文件")
PNG = FileKind("png", "image/png", "png", "PNG 图片")
JPEG = FileKind("jpeg", "image/jpeg", "jpg", "JPEG 图片")
GIF = FileKind("gif", "image/gif", "gif", "GIF 图片")
WEBP = FileKind("webp", "image/webp", "webp", "WebP 图片")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word 文档")
DOC = FileKind("doc", "application/msword", "doc", "Word 文档（旧版）")
KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, DOC)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCX_REQUIRED = {"[Content_Types].xml", "word/document.xml"}


def sniff(data: bytes) -> FileKind | None:
    """The kind of a whole file judged by its bytes alone, or None when it is not an allowed kind."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(_OLE2_MAGIC):
        return DOC
    # zipfile finds the directory from the END of the data, so an exe with a zip appended would pass
    # without also requiring the local-file header at the start.
    if data.startswith(b"PK\x03\x04") and _is_word_zip(data):
        return DOCX
    return None


def _is_word_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False
    # A macro-enabled document (.docm) carries its VBA project here; it is not a plain Word file.
    return _DOCX_REQUIRED <= names and "word/vbaProject.bin" not in names


NOT_ALLOWED = "只能上传 PDF、图片（PNG/JPEG/GIF/WebP）或 Word 文件；该文件的实际内容不是这些类型"
_LABEL_BY_EXTENSION = {"jpeg": JPEG.label_zh, **{kind.extension: kind.label_zh for kind in KINDS}}


def check_upload(filename: str, data: bytes, max_bytes: int) -> tuple[FileKind | None, str | None]:
    """(kind, None) for an acceptable upload, else (None, why in Chinese)."""
    if not data:
        return None, "文件为空"
    if len(data) > max_bytes:
        return None, f"文件超过 {_megabytes(max_bytes)} MB 上限"
    kind = sniff(data)
    if kind is None:
        claimed = _LABEL_BY_EXTENSION.get(_extension(filename))
        if claimed:
            return None, f"{NOT_ALLOWED}（文件名是 .{_extension(filename)}，但内容并不是 {claimed}）"
        return None, NOT_ALLOWED
    return kind, None


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


_EXTENSION_RE = re.compile(r"\.([A-Za-z0-9]{1,8})\Z")
MAX_DISPLAY_NAME = 120


def _extension(filename: str) -> str:
    found = _EXTENSION_RE.search(_basename(filename or ""))
    return found.group(1).lower() if found else ""


def _basename(filename: str) -> str:
    # Browsers on Windows may send the full client path, with either separator.
    return re.split(r"[/\\]", filename)[-1]


def safe_display_name(filename: str, kind: FileKind) -> str:
    """The uploader's name, fit to show and to download under: no path, no control characters, ≤120 chars,
    ending in the extension of what the content really is."""
    name = unicodedata.normalize("NFC", _basename(filename or ""))
    # Cf covers the bidi overrides used to disguise "txt.exe" as "exe.txt".
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    name = " ".join(name.split())
    stem = _EXTENSION_RE.sub("", name).strip(" .")  # a leading dot would hide the file once downloaded
    suffix = "." + kind.extension
    stem = stem[: MAX_DISPLAY_NAME - len(suffix)].rstrip(" .") or "附件"
    return stem + suffix


_TENANT_KEY_RE = re.compile(r"t_[a-z0-9_]{1,60}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


@dataclasses.dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    relative_path: str  # from the store's root, with "/" separators


class EvidenceStore:
    """Files kept per federation under root/<tenant_key>/<sha256[:2]>/<sha256>, named by their content.

    The same content within one federation is kept once, so deleting it is for the caller to do only when
    nothing refers to that hash any more.
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def save(self, tenant_key: str, data: bytes) -> StoredFile:
        _check_tenant_key(tenant_key)
        sha256 = hashlib.sha256(data).hexdigest()
        target = self._location(tenant_key, sha256)
        stored = StoredFile(sha256, len(data), f"{tenant_key}/{sha256[:2]}/{sha256}")
        if target.is_file() and target.stat().st_size == len(data):
            return stored
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target then renamed, so a reader never sees half a file.
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        _fsync_directory(target.parent)
        return stored

    def path(self, tenant_key: str, sha256: str) -> Path:
        _check_tenant_key(tenant_key)
        _check_sha256(sha256)
        target = self._location(tenant_key, sha256)
        if not target.is_file():
            raise FileNotFoundError(f"{tenant_key}/{sha256}")
        return target

    def open(self, tenant_key: str, sha256: str) -> bytes:
        return self.path(tenant_key, sha256).read_bytes()

    def delete(self, tenant_key: str, sha256: str) -> None:
        """Remove the file; nothing happens when it is already gone."""
        _check_tenant_key(tenant_key)
        _check_sha256(sha256)
        self._location(tenant_key, sha256).unlink(missing_ok=True)

    def _location(self, tenant_key: str, sha256: str) -> Path:
        return self.root / tenant_key / sha256[:2] / sha256


def _check_tenant_key(tenant_key: str) -> None:
    if not isinstance(tenant_key, str) or not _TENANT_KEY_RE.fullmatch(tenant_key):
        raise ValueError(f"invalid tenant key: {tenant_key!r}")


def _check_sha256(sha256: str) -> None:
    if not isinstance(sha256, str) or not _SHA256_RE.fullmatch(sha256):
        raise ValueError(f"invalid sha256: {sha256!r}")


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, and harmless to skip there.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
