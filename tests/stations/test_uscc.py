import pytest

from app.stations.uscc import (
    CHARSET,
    WEIGHTS,
    example_uscc,
    make_uscc,
    normalise_uscc,
    uscc_check_character,
    uscc_problem,
)

# Codes printed on published business licences.
PUBLISHED = [
    "91350100M000100Y43",
    "91440300708461136T",
    "9144030071526726XG",
    "914403001922038216",
    "91330100799655058B",
    "91110000802100433B",
    "91110108551385082Q",
]


def test_the_charset_and_weights_are_those_of_gb_32100():
    assert len(CHARSET) == 31 and not set("IOSVZ") & set(CHARSET)
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code", PUBLISHED)
def test_the_check_character_of_a_published_code_is_its_18th(code):
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    "code, problem",
    [
        ("", "统一社会信用代码应为 18 位，当前 0 位"),
        ("91350100M000100Y4", "统一社会信用代码应为 18 位，当前 17 位"),
        ("91350100M000100Y433", "统一社会信用代码应为 18 位，当前 19 位"),
        ("91350100M0001O0Y43", "统一社会信用代码第 14 位的字符“O”无效（只能是数字和除 I、O、S、V、Z 以外的大写字母）"),
        ("91350100M000100y43", "统一社会信用代码第 16 位的字符“y”无效（只能是数字和除 I、O、S、V、Z 以外的大写字母）"),
        ("H1350100M000100Y43", "统一社会信用代码第 1 位（登记管理部门代码）不能是“H”"),
        ("0135010000000000Y4", "统一社会信用代码第 1 位（登记管理部门代码）不能是“0”"),
        ("9135A100M000100Y43", "统一社会信用代码第 3–8 位（行政区划码）应为 6 位数字，当前为“35A100”"),
        ("91350100M000100Y44", "校验码错误：第 18 位应为 3"),
        ("91440300708461136X", "校验码错误：第 18 位应为 T"),
    ],
)
def test_an_invalid_code_is_refused_with_its_reason(code, problem):
    assert uscc_problem(code) == problem


@pytest.mark.parametrize("prefix", ["1", "5", "9", "A", "G", "N", "Y"])
def test_every_registration_authority_code_is_accepted(prefix):
    assert uscc_problem(make_uscc(prefix + "1350100M000100Y4")) is None


@pytest.mark.parametrize(
    "text, normalised",
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43"),
        ("  91350100M000100Y43\t\n", "91350100M000100Y43"),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
        ("\u300091350100M000100Y43\u3000", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"),
    ],
)
def test_normalising_removes_spaces_full_width_and_lower_case(text, normalised):
    assert normalise_uscc(text) == normalised


@pytest.mark.parametrize("first17", ["91350100M000100Y", "91350100M000100Y4X", "91350100M000100YI"])
def test_a_check_character_needs_seventeen_charset_characters(first17):
    with pytest.raises(ValueError):
        uscc_check_character(first17)


@pytest.mark.parametrize("code", PUBLISHED)
def test_make_uscc_appends_the_check_character(code):
    assert make_uscc(code[:17]) == code


def test_example_codes_are_valid_and_distinct():
    codes = [example_uscc(n) for n in range(1000)]
    assert [c for c in codes if uscc_problem(c) is not None] == []
    assert len(set(codes)) == 1000


@pytest.mark.parametrize("n", [0, 1, 42, 999])
def test_an_example_code_is_a_nantong_business_registration_and_reproducible(n):
    code = example_uscc(n)
    assert code.startswith("91320614MA") and code == example_uscc(n)


def test_an_example_code_takes_its_region():
    code = example_uscc(7, region="110105")
    assert code[2:8] == "110105" and uscc_problem(code) is None


@pytest.mark.parametrize("n, region", [(-1, "320614"), (31**6, "320614"), (1, "32061"), (1, "3206A4")])
def test_an_example_code_refuses_bad_arguments(n, region):
    with pytest.raises(ValueError):
        example_uscc(n, region=region)
