import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from app.excel import Sheet, display_width, read_table, write_workbook

COLUMNS = {"姓名": "name", "人数": "count", "成立日期": "founded", "备注": "note"}
REQUIRED = {"姓名", "人数"}


def xlsx(*rows) -> bytes:
    """A workbook written by hand, the way a user's file might look."""
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_written_table_reads_back_with_its_types():
    rows = [
        ["张三", 12, dt.date(2020, 5, 1), "  有空格  "],
        ["李四", 3.5, None, None],
        ["=SUM(1,2)", 0, dt.date(1999, 12, 31), "第二行"],
    ]
    data = write_workbook([Sheet("名单", list(COLUMNS), rows)])
    table = read_table(data, COLUMNS, REQUIRED)
    assert table.problems == []
    assert table.rows == [
        (2, {"name": "张三", "count": 12, "founded": dt.date(2020, 5, 1), "note": "有空格"}),
        (3, {"name": "李四", "count": 3.5, "founded": None, "note": None}),
        (4, {"name": "=SUM(1,2)", "count": 0, "founded": dt.date(1999, 12, 31), "note": "第二行"}),
    ]


def test_the_header_row_is_bold_filled_and_frozen_and_dates_show_as_dates():
    data = write_workbook([Sheet("名单", ["姓名", "成立日期"], [["张三", dt.date(2020, 5, 1)]])])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "名单" and ws.freeze_panes == "A2"
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in ws[1])
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["A2"].data_type == "s"


def test_columns_are_as_wide_as_their_content_with_chinese_counting_double():
    rows = [["南通市海门区某某机械制造有限公司", "ab"]]
    ws = load_workbook(io.BytesIO(write_workbook([Sheet("s", ["企业名称", "x"], rows)]))).active
    assert ws.column_dimensions["A"].width == display_width("南通市海门区某某机械制造有限公司") + 2 == 34
    assert ws.column_dimensions["B"].width == 8  # the narrowest column is still readable


def test_given_widths_and_text_columns_are_applied():
    data = write_workbook([Sheet("s", ["代码", "数量"], [], widths=[30, 10], text_columns={"代码"})])
    ws = load_workbook(io.BytesIO(data)).active
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (30, 10)
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws.column_dimensions["B"].number_format == "General"


def test_several_sheets_are_written_in_order():
    data = write_workbook([Sheet("名单", ["a"], [[1]]), Sheet("填写说明", ["b"], [["x"]])])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["名单", "填写说明"]


def test_the_header_row_is_found_below_a_title_row():
    data = xlsx(["南通市某某站企业名单"], [], ["姓名", "人数"], ["张三", 12])
    assert read_table(data, COLUMNS, REQUIRED).rows == [
        (4, {"name": "张三", "count": 12, "founded": None, "note": None})
    ]


def test_a_header_row_below_the_fifth_row_is_not_looked_for():
    data = xlsx(*[["标题"]] * 5, ["姓名", "人数"], ["张三", 12])
    assert read_table(data, COLUMNS, REQUIRED).problems == [(0, "缺少列：姓名、人数")]


@pytest.mark.parametrize(
    "headers, values",
    [
        (["姓名", "人数"], ["张三", 12]),
        ([" 姓 名 ", "人数\n"], ["张三", 12]),
        (["姓名", "\u3000人数"], ["张三", 12]),
        (["人数", "姓名"], [12, "张三"]),
    ],
)
def test_headers_match_despite_whitespace_and_order(headers, values):
    assert read_table(xlsx(headers, values), COLUMNS, REQUIRED).rows == [
        (2, {"name": "张三", "count": 12, "founded": None, "note": None})
    ]


def test_full_width_headers_match_half_width_ones():
    columns = {"电话(办公)": "phone", "Email": "email"}
    data = xlsx(["电话（办公）", "ＥＭＡＩＬ"], ["0513-1234567", "a@b.cn"])
    assert read_table(data, columns, set(columns)).rows == [(2, {"phone": "0513-1234567", "email": "a@b.cn"})]


def test_extra_columns_are_ignored():
    data = xlsx(["序号", "姓名", "籍贯", "人数"], [1, "张三", "南通", 12])
    assert read_table(data, COLUMNS, REQUIRED).rows == [
        (2, {"name": "张三", "count": 12, "founded": None, "note": None})
    ]


@pytest.mark.parametrize(
    "headers, problem",
    [
        (["姓名", "备注"], "缺少列：人数"),
        (["备注"], "缺少列：姓名、人数"),
        ([], "缺少列：姓名、人数"),
    ],
)
def test_a_missing_required_header_is_a_problem_of_the_whole_file(headers, problem):
    table = read_table(xlsx(headers, ["张三", 12]), COLUMNS, REQUIRED)
    assert (table.rows, table.problems) == ([], [(0, problem)])


def test_blank_rows_are_skipped_and_later_rows_keep_their_numbers():
    data = xlsx(["姓名", "人数"], ["张三", 1], [], [None, "  "], ["李四", 2])
    table = read_table(data, COLUMNS, REQUIRED)
    assert [(number, record["name"]) for number, record in table.rows] == [(2, "张三"), (5, "李四")]


def test_integral_numbers_read_as_ints_and_date_times_at_midnight_as_dates():
    data = xlsx(["姓名", "人数", "成立日期"], ["张三", 12.0, dt.datetime(2020, 5, 1)])
    [(_, record)] = read_table(data, COLUMNS, REQUIRED).rows
    assert (type(record["count"]), record["founded"]) == (int, dt.date(2020, 5, 1))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a spreadsheet at all",
        "姓名,人数\n张三,12\n".encode("utf-8"),
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,  # an old .xls
    ],
)
def test_a_file_that_is_not_an_xlsx_is_reported_not_raised(data):
    table = read_table(data, COLUMNS, REQUIRED)
    assert (table.rows, table.problems) == ([], [(0, "文件不是有效的 Excel（.xlsx）文件")])


def test_a_zip_that_is_not_a_workbook_is_reported_not_raised():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    table = read_table(out.getvalue(), COLUMNS, REQUIRED)
    assert (table.rows, table.problems) == ([], [(0, "文件不是有效的 Excel（.xlsx）文件")])


def test_control_characters_that_excel_forbids_are_dropped_instead_of_failing():
    data = write_workbook([Sheet("s", ["姓名", "人数"], [["张\x07三\x00", 1]])])
    assert read_table(data, COLUMNS, REQUIRED).rows[0][1]["name"] == "张三"
