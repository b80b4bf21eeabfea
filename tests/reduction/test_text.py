"""Normalising Chinese text and measuring how much of a draft a source already says."""
import pytest

from app.reduction import text
from app.reduction.text import LEVEL, PLACE


@pytest.mark.parametrize(
    "names, places",
    [
        (["江苏省总工会"], ["江苏"]),
        (["南通市海门区总工会"], ["南通", "海门"]),
        (["海门区三星镇总工会", "六合区竹镇镇总工会"], ["三星", "六合", "海门", "竹镇"]),
        (["吴江区纺织行业工会联合会"], ["吴江"]),
        (["新疆维吾尔自治区总工会"], ["新疆维吾尔"]),
    ],
)
def test_place_names_come_from_the_federations_names(names, places):
    assert sorted(text.place_names(names)) == sorted(places)


def test_normalising_folds_forms_and_drops_punctuation_and_spaces():
    assert text.normalise("ＡＢＣ１２３，全面 推进。\n“工会”！").text == "abc123全面推进工会"


def test_place_names_and_levels_become_placeholders():
    province = text.normalise("全省各级工会要在江苏省总工会领导下，省总各部室", ["江苏"]).text
    district = text.normalise("全区各级工会要在海门区总工会领导下，区总各部室", ["海门", "南通", "江苏"]).text
    assert province == district == f"全{LEVEL}各级工会要在{PLACE}总工会领导下{LEVEL}总各部室"


def test_every_normalised_character_knows_where_it_came_from():
    source = "一、江苏省 总工会"
    normalised = text.normalise(source, ["江苏"])
    assert normalised.text == f"一{PLACE}总工会"
    assert [source[a:b] for a, b in normalised.origin] == ["一", "江苏省", "总", "工", "会"]


def test_fingerprints_are_stable_and_winnowed():
    body = "职工代表大会是企业实行民主管理的基本形式，是职工行使民主管理权力的机构。" * 5
    first, second = text.fingerprints(body), text.fingerprints(body)
    assert first == second and 0 < len(first) < len(body) // 4
    assert text.fingerprints("太短") == set()


def test_a_long_enough_common_run_always_shares_a_fingerprint():
    common = "各级工会要把为基层减负作为转变作风的重要内容抓紧抓实"  # 25 characters > K + WINDOW - 1
    a = text.fingerprints("甲乙丙丁戊己庚辛壬癸" + common + "子丑寅卯辰巳午未申酉")
    b = text.fingerprints("天地玄黄宇宙洪荒日月" + common + "盈昃辰宿列张寒来暑往")
    assert a & b


def test_coverage_is_not_symmetric():
    source = "全面推进工会工作站建设每个工作站每年经费三万元用于开展职工服务活动" * 2
    draft = source[:30]
    assert sum(text.covered(draft, source)) == len(draft)          # the draft is all copied
    assert sum(text.covered(source, draft)) < len(source)          # the source is not all in the draft


def test_spans_map_back_to_the_original_and_segments_highlight_them():
    source = "省总工会各部室发文应由办公室审核严禁各部室直接对各市州县市区总工会发文"
    draft = "我们的意见：省总工会各部室发文，应由办公室审核；严禁各部室直接对各市州县市区总工会发文。完"
    normalised = text.normalise(draft)
    mask = text.covered(normalised.text, text.normalise(source).text)
    spans = text.original_spans(normalised, mask)
    assert [draft[a:b] for a, b in spans] == ["省总工会各部室发文，应由办公室审核；严禁各部室直接对各市州县市区总工会发文"]
    assert text.segments(draft, spans) == [("我们的意见：", False), (draft[spans[0][0]:spans[0][1]], True), ("。完", False)]
