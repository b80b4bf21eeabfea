"""The text of an uploaded document: .docx (checked by content, as evidence files are) or plain
text in UTF-8 or GB 18030. No Flask, no database."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
import xml.etree.ElementTree as ET

from app.checklist.evidence import DOCX, FileKind, safe_display_name, sniff

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 20 * 1024 * 1024  # a zip bomb stops here
REFUSED = "只能上传 Word 文档（.docx）或纯文本文件（.txt）"
UNREADABLE_DOCX = "无法读取该 Word 文档，文件可能已损坏"
TEXT = FileKind("txt", "text/plain", "txt", "纯文本文件")


class ExtractionError(ValueError):
    """The upload has no text we can read; the message is for the user."""


def extract_text(filename: str, data: bytes) -> str:
    if not data:
        raise ExtractionError("文件为空")
    kind = sniff(data)
    if kind is DOCX:
        return _docx_text(data)
    if kind is not None or not (filename or "").lower().endswith(".txt"):
        raise ExtractionError(REFUSED)
    return _plain_text(data)


def display_name(filename: str, data: bytes) -> str:
    """The uploader's name for a file extract_text read, fit to show: no path, no control or bidi characters,
    ending in .docx or .txt as its content is."""
    return safe_display_name(filename, DOCX if sniff(data) is DOCX else TEXT)


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise ExtractionError("Word 文档过大")
            with archive.open(info) as handle:
                xml = handle.read(MAX_XML_BYTES + 1)
    # A damaged file: its directory reads but its data does not inflate or fails its CRC (or is encrypted, or
    # compressed in a way zipfile does not know).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, RuntimeError, NotImplementedError) as exc:
        raise ExtractionError(UNREADABLE_DOCX) from exc
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ExtractionError(UNREADABLE_DOCX) from exc
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_W}tab":
                pieces.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                pieces.append("\n")
        paragraphs.append("".join(pieces))
    return "\n".join(paragraphs).strip()


def _plain_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or len(re.findall(r"[\x01-\x08\x0e-\x1f]", text)) > len(text) // 100:
            break  # a binary file with a .txt name
        return text.replace("\r\n", "\n").strip()
    raise ExtractionError("无法识别该文本文件的编码，请另存为 UTF-8 后再上传")
