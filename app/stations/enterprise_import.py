"""A station's enterprise list (基层工会) as .xlsx: the template, parsing an upload, exporting."""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

from app.excel import Sheet, read_table, write_workbook

from .uscc import example_uscc, normalise_uscc, uscc_problem

COLUMNS = {
    "企业名称": "name",
    "统一社会信用代码": "uscc",
    "所属行业": "industry",
    "职工人数": "workers",
    "工会会员人数": "members",
    "工会主席": "union_chair",
    "联系电话": "contact_phone",
}
HEADERS = list(COLUMNS)
REQUIRED = {"企业名称", "统一社会信用代码", "职工人数"}
TEXT_COLUMNS = ("统一社会信用代码", "联系电话")
NAME_MAX = 200
SHEET_TITLE = "企业名单"
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
_COUNT = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class EnterpriseRow:
    name: str
    uscc: str
    industry: str
    workers: int
    members: int | None
    union_chair: str
    contact_phone: str


@dataclasses.dataclass
class ImportResult:
    """Valid rows with their Excel row numbers, and every problem found (row 0: the file as a whole)."""

    rows: list[tuple[int, EnterpriseRow]]
    problems: list[tuple[int, str]]

    @property
    def ok(self) -> bool:
        return not self.problems


EXAMPLE_PREFIX = "示例"


def parse_enterprises(data: bytes) -> ImportResult:
    """Read and check an uploaded enterprise list; the caller imports nothing unless `ok`."""
    table = read_table(data, COLUMNS, REQUIRED)
    if table.problems:
        return ImportResult(rows=[], problems=list(table.problems))
    if not table.rows:
        return ImportResult(rows=[], problems=[(0, "文件中没有企业数据")])
    rows: list[tuple[int, EnterpriseRow]] = []
    problems: list[tuple[int, str]] = []
    first_seen: dict[str, int] = {}
    for number, record in table.rows:
        row_problems: list[str] = []
        name = _text(record["name"])
        if not name:
            row_problems.append("企业名称不能为空")
        elif name.startswith(EXAMPLE_PREFIX):
            row_problems.append("这是模板中的示例行，请删除后再导入")
        elif len(name) > NAME_MAX:
            row_problems.append(f"企业名称不能超过 {NAME_MAX} 个字符（当前 {len(name)} 个）")
        uscc, problem = _uscc(record["uscc"])
        if problem:
            row_problems.append(problem)
        elif uscc in first_seen:
            row_problems.append(f"统一社会信用代码 {uscc} 与第 {first_seen[uscc]} 行重复")
        else:
            first_seen[uscc] = number
        workers, problem = _count(record["workers"], "职工人数", required=True)
        if problem:
            row_problems.append(problem)
        members, problem = _count(record["members"], "工会会员人数", required=False)
        if problem:
            row_problems.append(problem)
        elif members is not None and workers is not None and members > workers:
            row_problems.append(f"工会会员人数（{members}）不能多于职工人数（{workers}）")
        phone, problem = _phone(record["contact_phone"])
        if problem:
            row_problems.append(problem)
        if row_problems:
            problems.extend((number, p) for p in row_problems)
            continue
        enterprise = EnterpriseRow(
            name=name,
            uscc=uscc,
            industry=_text(record["industry"]),
            workers=workers,
            members=members,
            union_chair=_text(record["union_chair"]),
            contact_phone=phone,
        )
        rows.append((number, enterprise))
    return ImportResult(rows=rows, problems=problems)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _shown(value: Any) -> str:
    return str(value).strip()


def _uscc(value: Any) -> tuple[str, str | None]:
    if value is None:
        return "", "统一社会信用代码不能为空"
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 significant digits, so an all-digit code typed into a number cell is already damaged.
        return "", "统一社会信用代码被 Excel 存成了数字，末尾几位可能已丢失；请把该列设为文本格式后重新填写"
    code = normalise_uscc(str(value))
    return code, uscc_problem(code)


def _count(value: Any, label: str, *, required: bool) -> tuple[int | None, str | None]:
    if value is None:
        return None, f"{label}不能为空" if required else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, None
    if isinstance(value, str):
        digits = unicodedata.normalize("NFKC", value).strip()
        if _COUNT.fullmatch(digits):
            return int(digits), None
    return None, f"{label}应为不小于 0 的整数，当前为“{_shown(value)}”"


def _phone(value: Any) -> tuple[str, str | None]:
    if value is None:
        return "", None
    phone = _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(value)))
    if _PHONE.fullmatch(phone):
        return phone, None
    return "", f"联系电话“{_shown(value)}”格式不正确，应为 11 位手机号或带区号的座机号（如 0513-12345678）"


EXAMPLE_ROW = ["示例：南通某某机械有限公司", example_uscc(1), "制造业", 120, 86, "张某某", "0513-12345678"]

GUIDE = [
    ["企业名称", "必填", "填写营业执照上的全称，不超过 200 个字符。"],
    ["统一社会信用代码", "必填", "18 位，见营业执照；同一文件中不能重复。本列已设为文本格式，请勿改为数字格式。"],
    ["所属行业", "选填", "如：制造业、建筑业、批发和零售业。"],
    ["职工人数", "必填", "不小于 0 的整数，不要带“人”字。"],
    ["工会会员人数", "选填", "不小于 0 的整数，不能多于职工人数。"],
    ["工会主席", "选填", "工会主席姓名。"],
    ["联系电话", "选填", "11 位手机号，或带区号的座机号，如 0513-12345678，分机可写作 0513-12345678-123。"],
    ["说明", "", "第一行为表头，请勿修改；每个企业占一行。第 2 行是示例，导入前请删除或改成实际企业。"],
    ["说明", "", "有任何一行填写有误时整个文件都不会导入，系统会列出出错的行号和原因，改正后重新上传即可。"],
]


def enterprise_template() -> bytes:
    """The blank enterprise list to download: headers, one example row, and a sheet of instructions."""
    return write_workbook(
        [
            Sheet(SHEET_TITLE, HEADERS, [EXAMPLE_ROW], text_columns=TEXT_COLUMNS),
            Sheet("填写说明", ["列名", "是否必填", "填写要求"], GUIDE),
        ]
    )


def export_enterprises(enterprises: list[dict], extra_columns: dict[str, str] | None = None) -> bytes:
    """The enterprises (dicts keyed by field name) in the template's columns, plus header -> key extras."""
    columns = {**COLUMNS, **(extra_columns or {})}
    rows = [[e.get(key) for key in columns.values()] for e in enterprises]
    return write_workbook([Sheet(SHEET_TITLE, list(columns), rows, text_columns=TEXT_COLUMNS)])
