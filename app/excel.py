"""Writing and reading simple .xlsx tables: one header row, one record per row."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app import clock

NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件"
HEADER_SEARCH_ROWS = 5
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WHITESPACE = re.compile(r"\s+")


@dataclasses.dataclass
class Sheet:
    """One worksheet to write; `text_columns` names headers whose empty cells are formatted as text."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] | None = None
    text_columns: Collection[str] = ()


@dataclasses.dataclass
class Table:
    """Rows read from a worksheet, with their Excel row numbers; problems on row 0 concern the whole file."""

    rows: list[tuple[int, dict[str, Any]]]
    problems: list[tuple[int, str]]


def display_width(text: str) -> int:
    """Width in Excel's character units: wide (CJK) characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file holding these sheets."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.title[:31]), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws, sheet: Sheet) -> None:
    ws.append(list(sheet.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    widths = [display_width(str(h)) for h in sheet.headers]
    for r, row in enumerate(sheet.rows, start=2):
        for c, value in enumerate(row, start=1):
            text = _put(ws.cell(row=r, column=c), value)
            if c <= len(widths):
                widths[c - 1] = max(widths[c - 1], display_width(text))
            else:
                widths.append(display_width(text))
    for c, width in enumerate(sheet.widths or [min(max(w + 2, 8), 60) for w in widths], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for c, header in enumerate(sheet.headers, start=1):
        if header in sheet.text_columns:
            # Keeps what users type there (leading zeros, 18-digit codes) from being turned into numbers.
            ws.column_dimensions[get_column_letter(c)].number_format = "@"


def _put(cell, value: Any) -> str:
    """Store `value` in `cell`; return the text it shows, for sizing the column."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        cell.value = value
        return str(value)
    if isinstance(value, dt.datetime):
        cell.value = clock.local(value)  # stored UTC; read where the users are
        cell.number_format = "yyyy-mm-dd hh:mm"
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return "yyyy-mm-dd"
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # a leading "=" is text from a user, never a formula
    return text


def normalise_header(text: Any) -> str:
    """Header text compared loosely: full-width as half-width, no whitespace, case-folded."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def read_table(data: bytes, columns: dict[str, str], required: set[str]) -> Table:
    """Records of the first worksheet; `columns` maps header text to field name, `required` holds header texts."""
    try:
        raw = _read_rows(data)
    except Exception:  # openpyxl raises many unrelated types (zip, XML, key, value) on a damaged file
        return Table(rows=[], problems=[(0, NOT_XLSX)])
    wanted = {normalise_header(h): field for h, field in columns.items()}
    needed = {normalise_header(h) for h in required}
    best: tuple[int, int, list[str]] | None = None  # (matches, row index, normalised headers)
    for index, row in enumerate(raw[:HEADER_SEARCH_ROWS]):
        found = [normalise_header(v) if v is not None else "" for v in row]
        matches = len(needed & set(found))
        if best is None or matches > best[0]:
            best = (matches, index, found)
        if matches == len(needed):
            break
    found_set = set(best[2]) if best else set()
    missing = [h for h in required if normalise_header(h) not in found_set]
    if missing:
        order = list(columns)
        missing.sort(key=lambda h: order.index(h) if h in order else len(order))
        return Table(rows=[], problems=[(0, "缺少列：" + "、".join(missing))])
    _, header_index, found = best
    positions: dict[str, int] = {}
    for position, key in enumerate(found):
        if key in wanted and wanted[key] not in positions:
            positions[wanted[key]] = position
    rows = []
    for index in range(header_index + 1, len(raw)):
        values = [_clean(v) for v in raw[index]]
        if all(v is None for v in values):
            continue
        record = {field: None for field in columns.values()}
        for field, position in positions.items():
            record[field] = values[position] if position < len(values) else None
        rows.append((index + 1, record))
    return Table(rows=rows, problems=[])


def _read_rows(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = book.worksheets[0]
        ws.reset_dimensions()  # some writers record a wrong size; read what is actually there
        return list(ws.iter_rows(values_only=True))
    finally:
        book.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value
