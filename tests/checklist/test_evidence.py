"""Evidence uploads are judged by their content, named safely, and kept apart per federation."""
import hashlib
import io
import struct
import zipfile
import zlib

import pytest

from app.checklist import evidence
from app.checklist.evidence import EvidenceStore, check_upload, safe_display_name, sniff


def png_bytes():
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF87 = b"GIF87a\x01\x00\x01\x00\x00\x00\x00;"
GIF89 = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
DOCX = zip_bytes("[Content_Types].xml", "_rels/.rels", "word/document.xml")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482
XLSX = zip_bytes("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = "<!DOCTYPE html><html><body><script>alert(1)</script>通知</body></html>".encode()
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
MB = 2**20


@pytest.mark.parametrize("data, code", [
    (PDF, "pdf"),
    (png_bytes(), "png"),
    (JPEG, "jpeg"),
    (GIF87, "gif"),
    (GIF89, "gif"),
    (WEBP, "webp"),
    (DOCX, "docx"),
    (OLE, "doc"),
])
def test_an_allowed_file_is_recognised_by_its_content(data, code):
    assert sniff(data).code == code


@pytest.mark.parametrize("data", [
    pytest.param(EXE, id="exe"),
    pytest.param(HTML, id="html"),
    pytest.param(SVG, id="svg"),
    pytest.param("会议纪要：已完成".encode(), id="plain-text"),
    pytest.param(XLSX, id="xlsx"),
    pytest.param(zip_bytes("readme.txt"), id="arbitrary-zip"),
    pytest.param(zip_bytes("word/document.xml"), id="zip-without-content-types"),
    pytest.param(zip_bytes("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), id="docm-with-macros"),
    pytest.param(EXE + DOCX, id="exe-with-a-docx-appended"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 100, id="broken-zip"),
    pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt ", id="wav"),
    pytest.param(b"GIF90a", id="unknown-gif-version"),
    pytest.param(b" %PDF-1.7", id="pdf-magic-not-at-start"),
    pytest.param(b"", id="empty"),
])
def test_anything_else_is_not_recognised(data):
    assert sniff(data) is None


@pytest.mark.parametrize("filename, data, code", [
    ("报告.pdf", PDF, "pdf"),
    ("照片.jpg", png_bytes(), "png"),  # a misnamed but harmless image is taken for what it is
    ("台账", DOCX, "docx"),
    ("旧台账.doc", OLE, "doc"),
])
def test_an_allowed_upload_passes_with_its_real_kind(filename, data, code):
    kind, problem = check_upload(filename, data, max_bytes=MB)
    assert problem is None and kind.code == code


def test_an_empty_file_is_refused():
    assert check_upload("空.pdf", b"", max_bytes=MB) == (None, "文件为空")


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_not():
    at_limit = PDF + b" " * (2 * MB - len(PDF))
    assert check_upload("大.pdf", at_limit + b" ", max_bytes=2 * MB) == (None, "文件超过 2 MB 上限")
    assert check_upload("大.pdf", at_limit, max_bytes=2 * MB) == (evidence.PDF, None)


@pytest.mark.parametrize("filename, data, mismatch", [
    ("发票.pdf", EXE, "（文件名是 .pdf，但内容并不是 PDF 文件）"),
    ("照片.PNG", HTML, "（文件名是 .png，但内容并不是 PNG 图片）"),
    ("台账.docx", XLSX, "（文件名是 .docx，但内容并不是 Word 文档）"),
    ("图标.svg", SVG, ""),
    ("setup.exe", EXE, ""),
    ("说明", b"plain text", ""),
])
def test_a_file_of_another_type_is_refused_saying_when_its_name_claims_otherwise(filename, data, mismatch):
    kind, problem = check_upload(filename, data, max_bytes=MB)
    assert kind is None
    assert problem == evidence.NOT_ALLOWED + mismatch
    assert problem.startswith("只能上传 PDF、图片（PNG/JPEG/GIF/WebP）或 Word 文件；该文件的实际内容不是这些类型")


@pytest.mark.parametrize("filename, kind, shown", [
    ("2024年第三季度职工代表大会决议.pdf", evidence.PDF, "2024年第三季度职工代表大会决议.pdf"),
    ("C:\\Users\\王芳\\Desktop\\合同.docx", evidence.DOCX, "合同.docx"),
    ("../../etc/passwd", evidence.PDF, "passwd.pdf"),
    ("照片.jpeg", evidence.PNG, "照片.png"),
    ("invoice.pdf.exe", evidence.PDF, "invoice.pdf.pdf"),
    ("会议\x00纪要\r\n.doc", evidence.DOC, "会议纪要.doc"),
    ("简历\u202egpj.exe", evidence.JPEG, "简历gpj.jpg"),
    ("v1.2 方案", evidence.DOCX, "v1.2 方案.docx"),
    ("  多   空格  .pdf", evidence.PDF, "多 空格.pdf"),
    ("...隐藏文件.pdf", evidence.PDF, "隐藏文件.pdf"),
    ("", evidence.PDF, "附件.pdf"),
    ("..", evidence.GIF, "附件.gif"),
    (".pdf", evidence.PDF, "附件.pdf"),
    ("dir/", evidence.WEBP, "附件.webp"),
    ("\x07\x1b", evidence.PDF, "附件.pdf"),
])
def test_the_display_name_is_the_original_made_safe_with_the_real_extension(filename, kind, shown):
    assert safe_display_name(filename, kind) == shown


def test_a_long_display_name_is_cut_to_120_characters_keeping_the_extension():
    shown = safe_display_name("工" * 300 + ".pdf", evidence.DOCX)
    assert len(shown) == 120 and shown == "工" * 115 + ".docx"


def test_a_saved_file_is_kept_under_its_tenant_and_hash(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = hashlib.sha256(PDF).hexdigest()
    saved = store.save("t_jiangsu", PDF)
    assert saved == evidence.StoredFile(sha, len(PDF), f"t_jiangsu/{sha[:2]}/{sha}")
    assert (tmp_path / "t_jiangsu" / sha[:2] / sha).read_bytes() == PDF
    assert store.path("t_jiangsu", sha) == tmp_path / saved.relative_path
    assert store.open("t_jiangsu", sha) == PDF


def test_saving_the_same_content_twice_keeps_one_file_and_no_temporaries(tmp_path):
    store = EvidenceStore(tmp_path)
    first, second = store.save("t_jiangsu", PDF), store.save("t_jiangsu", PDF)
    assert first == second
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first.sha256]


def test_a_write_that_fails_leaves_neither_the_file_nor_a_temporary(tmp_path, monkeypatch):
    def disk_failure(fd):
        raise OSError("disk full")
    monkeypatch.setattr(evidence.os, "fsync", disk_failure)
    with pytest.raises(OSError, match="disk full"):
        EvidenceStore(tmp_path).save("t_jiangsu", PDF)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_file_saved_for_one_federation_is_not_found_under_another(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = store.save("t_nantong", PDF).sha256
    with pytest.raises(FileNotFoundError):
        store.open("t_suzhou", sha)
    with pytest.raises(FileNotFoundError):
        store.path("t_suzhou", sha)


def test_a_deleted_file_is_gone_and_deleting_it_again_is_harmless(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = store.save("t_jiangsu", PDF).sha256
    store.delete("t_jiangsu", sha)
    with pytest.raises(FileNotFoundError):
        store.open("t_jiangsu", sha)
    store.delete("t_jiangsu", sha)


@pytest.mark.parametrize("tenant_key", [
    "../t_jiangsu", "t_jiangsu/../t_nantong", "T_jiangsu", "t_Jiangsu", "t_", "jiangsu", "t_jiang-su",
    "t_jiangsu\n", "t_" + "a" * 61, "t_ｊｉａｎｇｓｕ", "",
])
def test_a_malformed_tenant_key_is_refused_everywhere(tmp_path, tenant_key):
    store, sha = EvidenceStore(tmp_path), hashlib.sha256(PDF).hexdigest()
    for call in (lambda: store.save(tenant_key, PDF), lambda: store.open(tenant_key, sha),
                 lambda: store.path(tenant_key, sha), lambda: store.delete(tenant_key, sha)):
        with pytest.raises(ValueError):
            call()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("sha256", [
    hashlib.sha256(PDF).hexdigest().upper(),
    hashlib.sha256(PDF).hexdigest()[:63],
    hashlib.sha256(PDF).hexdigest() + "0",
    hashlib.sha256(PDF).hexdigest() + "\n",
    "../" * 21 + "a",
    "..",
    "",
])
def test_a_malformed_hash_is_refused(tmp_path, sha256):
    store = EvidenceStore(tmp_path)
    store.save("t_jiangsu", PDF)
    for call in (store.open, store.path, store.delete):
        with pytest.raises(ValueError):
            call("t_jiangsu", sha256)
    assert store.open("t_jiangsu", hashlib.sha256(PDF).hexdigest()) == PDF


def test_the_longest_allowed_tenant_key_is_accepted(tmp_path):
    key = "t_" + "a1_" * 20
    assert EvidenceStore(tmp_path).save(key, PDF).relative_path.startswith(key + "/")
