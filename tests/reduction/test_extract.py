"""The text of an uploaded document, and the name it is shown under: no Flask, no database."""
import io
import zipfile

import pytest

from app.reduction.extract import ExtractionError, UNREADABLE_DOCX, display_name, extract_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(text: str, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def damaged(data: bytes, start: int, end: int) -> bytes:
    """The bytes of word/document.xml's data, from start to end past its name in the local header, flipped."""
    data = bytearray(data)
    at = data.find(b"word/document.xml") + len(b"word/document.xml")
    for i in range(at + start, at + end):
        data[i] ^= 0x5A
    return bytes(data)


def test_a_word_document_gives_its_text():
    assert extract_text("通知.docx", docx("各基层工会：减少发文。")) == "各基层工会：减少发文。"


@pytest.mark.parametrize("data", [
    damaged(docx("损坏的文档" * 200), 5, 40),                         # deflate data that does not inflate
    damaged(docx("校验和不符" * 20, zipfile.ZIP_STORED), 5, 10),       # stored data whose CRC no longer matches
], ids=["corrupt deflate", "bad crc"])
def test_a_damaged_word_document_is_refused_as_unreadable(data):
    with pytest.raises(ExtractionError, match=UNREADABLE_DOCX):
        extract_text("损坏.docx", data)


@pytest.mark.parametrize("filename, data, shown", [
    ("意见.docx", docx("全文"), "意见.docx"),
    ("../../etc/意见.docx", docx("全文"), "意见.docx"),
    ("草稿/\u202e通知.exe", docx("全文"), "通知.docx"),            # the content decides the extension
    ("通知\r\n.txt", "全文".encode(), "通知.txt"),
    ("x" * 500 + ".txt", "全文".encode(), "x" * 116 + ".txt"),
])
def test_the_name_shown_is_a_plain_file_name_ending_as_the_content_is(filename, data, shown):
    assert display_name(filename, data) == shown
