import io

import pytest
from openpyxl import Workbook, load_workbook

from app.stations.enterprise_import import (
    HEADERS,
    EnterpriseRow,
    enterprise_template,
    export_enterprises,
    parse_enterprises,
)
from app.stations.uscc import example_uscc

A, B, C = example_uscc(10), example_uscc(11), example_uscc(12)
GOOD = ["南通某某机械有限公司", A, "制造业", 120, 86, "张某某", "13812345678"]


def xlsx(*rows, headers=HEADERS) -> bytes:
    """An enterprise list as a user might fill it in."""
    book = Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_file_imports_every_row():
    result = parse_enterprises(
        xlsx(
            GOOD,
            ["  海门某某纺织厂  ", f" {B.lower()} ", None, 12.0, None, None, None],
            ["某某建筑公司", C, "建筑业", "35", 0, "李某", "0513-12345678-123"],
        )
    )
    assert result.ok and result.problems == []
    assert result.rows == [
        (2, EnterpriseRow("南通某某机械有限公司", A, "制造业", 120, 86, "张某某", "13812345678")),
        (3, EnterpriseRow("海门某某纺织厂", B, "", 12, None, "", "")),
        (4, EnterpriseRow("某某建筑公司", C, "建筑业", 35, 0, "李某", "0513-12345678-123")),
    ]


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_ok():
    result = parse_enterprises(
        xlsx(
            GOOD,
            [None, B, None, 10],
            ["某某公司", "91320614MA1234567", None, "12人"],
            [],
            ["某某商店", C, None, -3, 5, None, "12345"],
        )
    )
    assert not result.ok
    assert result.problems == [
        (3, "企业名称不能为空"),
        (4, "统一社会信用代码应为 18 位，当前 17 位"),
        (4, "职工人数应为不小于 0 的整数，当前为“12人”"),
        (6, "职工人数应为不小于 0 的整数，当前为“-3”"),
        (6, "联系电话“12345”格式不正确，应为 11 位手机号或带区号的座机号（如 0513-12345678）"),
    ]
    assert [number for number, _ in result.rows] == [2]


@pytest.mark.parametrize(
    "row, problem",
    [
        (["某某公司", None, None, 10], "统一社会信用代码不能为空"),
        (["某某公司", "91350100M000100Y44", None, 10], "校验码错误：第 18 位应为 3"),
        (["某某公司", 913201001234567890, None, 10], "统一社会信用代码被 Excel 存成了数字，末尾几位可能已丢失；请把该列设为文本格式后重新填写"),
        (["某某公司", A, None, None], "职工人数不能为空"),
        (["某某公司", A, None, 12.5], "职工人数应为不小于 0 的整数，当前为“12.5”"),
        (["某某公司", A, None, True], "职工人数应为不小于 0 的整数，当前为“True”"),
        (["某某公司", A, None, 10, "五"], "工会会员人数应为不小于 0 的整数，当前为“五”"),
        (["某某公司", A, None, 10, 11], "工会会员人数（11）不能多于职工人数（10）"),
        (["某" * 201, A, None, 10], "企业名称不能超过 200 个字符（当前 201 个）"),
    ],
)
def test_a_bad_value_is_reported_with_its_reason(row, problem):
    result = parse_enterprises(xlsx(row))
    assert (result.ok, result.rows, result.problems) == (False, [], [(2, problem)])


def test_a_repeated_code_is_reported_on_the_later_row_naming_the_earlier_one():
    repeat = ["另一家公司", " " + A.lower(), None, 5]
    result = parse_enterprises(xlsx(GOOD, ["其他公司", B, None, 5], repeat))
    assert result.problems == [(4, f"统一社会信用代码 {A} 与第 2 行重复")]
    assert not result.ok


def test_a_name_of_two_hundred_characters_is_accepted():
    assert parse_enterprises(xlsx(["某" * 200, A, None, 10])).ok


def test_members_may_equal_workers():
    assert parse_enterprises(xlsx(["某某公司", A, None, 10, 10])).ok


@pytest.mark.parametrize(
    "phone, stored",
    [
        ("13812345678", "13812345678"),
        (19912345678, "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("0513-12345678", "0513-12345678"),
        ("051312345678", "051312345678"),
        ("010-1234567", "010-1234567"),
        ("0513-12345678-123", "0513-12345678-123"),
        ("０５１３－１２３４５６７８", "0513-12345678"),
    ],
)
def test_mobile_and_landline_numbers_are_accepted(phone, stored):
    result = parse_enterprises(xlsx(["某某公司", A, None, 10, None, None, phone]))
    assert result.ok and result.rows[0][1].contact_phone == stored


@pytest.mark.parametrize(
    "phone",
    [
        "12345678901",
        "1381234567",
        "138123456789",
        "513-12345678",
        "0513-123456",
        "0513-12345678-",
        "电话 13812345678",
        51312345678,  # a landline typed into a number cell loses its leading zero
    ],
)
def test_a_malformed_phone_number_is_refused(phone):
    result = parse_enterprises(xlsx(["某某公司", A, None, 10, None, None, phone]))
    assert result.problems == [
        (2, f"联系电话“{phone}”格式不正确，应为 11 位手机号或带区号的座机号（如 0513-12345678）")
    ]


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"garbage, not a workbook", "文件不是有效的 Excel（.xlsx）文件"),
        (xlsx(GOOD, headers=["企业名称", "所属行业", "职工人数"]), "缺少列：统一社会信用代码"),
        (xlsx(), "文件中没有企业数据"),
    ],
)
def test_an_unusable_file_is_one_problem_of_the_whole_file(data, problem):
    result = parse_enterprises(data)
    assert (result.ok, result.rows, result.problems) == (False, [], [(0, problem)])


def test_the_template_has_the_headers_in_order_and_instructions_for_each_column():
    book = load_workbook(io.BytesIO(enterprise_template()))
    assert book.sheetnames == ["企业名单", "填写说明"]
    assert [c.value for c in book["企业名单"][1]] == [
        "企业名称", "统一社会信用代码", "所属行业", "职工人数", "工会会员人数", "工会主席", "联系电话",
    ]
    explained = {row[0] for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(HEADERS) <= explained


def test_the_template_keeps_codes_and_phone_numbers_as_text():
    sheet = load_workbook(io.BytesIO(enterprise_template()))["企业名单"]
    assert (sheet.column_dimensions["B"].number_format, sheet.column_dimensions["G"].number_format) == ("@", "@")


def test_the_templates_example_row_is_refused_if_left_in_but_is_otherwise_valid():
    result = parse_enterprises(enterprise_template())
    assert result.problems == [(2, "这是模板中的示例行，请删除后再导入")]
    book = load_workbook(io.BytesIO(enterprise_template()))
    sheet = book["企业名单"]
    sheet["A2"] = sheet["A2"].value.removeprefix("示例：")
    renamed = io.BytesIO()
    book.save(renamed)
    assert parse_enterprises(renamed.getvalue()).ok


def test_an_export_parses_back_to_the_same_enterprises():
    enterprises = [
        {"name": "南通某某机械有限公司", "uscc": A, "industry": "制造业", "workers": 120, "members": 86,
         "union_chair": "张某某", "contact_phone": "0513-12345678"},
        {"name": "海门某某纺织厂", "uscc": B, "workers": 12},
    ]
    result = parse_enterprises(export_enterprises(enterprises))
    assert result.ok
    assert [row for _, row in result.rows] == [
        EnterpriseRow("南通某某机械有限公司", A, "制造业", 120, 86, "张某某", "0513-12345678"),
        EnterpriseRow("海门某某纺织厂", B, "", 12, None, "", ""),
    ]


def test_an_export_adds_the_extra_columns_after_the_template_ones():
    data = export_enterprises([{"name": "某某公司", "uscc": A, "workers": 3, "station": "海门站"}], {"所属站点": "station"})
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == [*HEADERS, "所属站点"]
    assert sheet["H2"].value == "海门站"
