"""Checker v2: folding with real libraries, pinyin evasions, rules by article, named exemptions."""

from __future__ import annotations

import pytest

from adcraft.creative.compliance import CATEGORIES, check_compliance, fold, infer_category
from adcraft.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("頂級品質", "頂級"),  # traditional (OpenCC t2s)
        ("銷量冠軍", "銷量冠軍"),
        ("销量第１", "销量第１"),  # full-width digit (NFKC)
        ("行业第①", "第①"),  # circled digit
        ("品类第壹", "第壹"),  # financial numeral
        ("The b\u0435st price", "The b\u0435st"),  # Cyrillic е (confusables table)
        ("\u0412EST choice", "\u0412EST"),  # Cyrillic capital В
        ("N0.1 blender", "N0.1"),  # digit for letter
        ("b3st deal", "b3st"),
        ("最\u3164佳", "最\u3164佳"),  # Hangul filler
        ("全网最!低!价", "全网最!低"),  # punctuation inside a term
        ("全网最\n低价", "全网最\n低"),  # a line break inside a term
    ],
)
def test_evasions_are_folded_and_the_original_span_is_reported(text, matched):
    report = check_compliance(text)
    assert report.blocking, text
    hit = report.hits[0]
    assert hit.matched == matched and text[hit.start : hit.end] == matched


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("zui低价", "最低价"),
        ("醉佳口感", "最佳"),
        ("销量弟一", "销量第一"),
        ("国家ji工艺", "国家级"),
        ("wei一认证", "唯一"),
        ("jue对好用", "绝对"),  # every blocking Han term is matched by pinyin unless it says otherwise
    ],
)
def test_pinyin_and_homophone_spellings_hit_the_term(text, term):
    assert term in [h.term for h in check_compliance(text).hits if h.severity == "block"]


@pytest.mark.parametrize("text", ["兄弟一起去露营", "价格低一点的入门款", "嘴巴很甜", "特工风格背包"])
def test_homophones_inside_ordinary_words_do_not_hit(text):
    assert not check_compliance(text).blocking


def test_fold_keeps_the_map_to_original_indices():
    folded = fold("頂 級Ｂ\u200bＥ")
    assert folded.flat == "顶级be" and folded.origin == (0, 2, 3, 5)


@pytest.mark.parametrize(
    ("text", "article", "category"),
    [
        ("国家体育总局推荐", "9(2)", "general"),
        ("人民大会堂特供", "9(2)", "food"),
        ("治愈率高达98%", "16", "drug"),
        ("治愈失眠", "17", "general"),
        ("预防感冒", "17", "food"),
        ("保健品可替代药物治疗", "18", "health_food"),
        ("三甲医院医生推荐", "16, 18", "general"),
        ("保证考上重点中学", "24", "education"),
        ("稳赚不赔", "25", "finance"),
        ("经科学证明，效果提升300%", "28", "general"),
        ("7天美白祛斑", "28", "cosmetics"),
        ("月瘦20斤", "28", "food"),
        ("快让爸爸妈妈给你买", "40", "toy"),
        ("全球首款", "9(3)", "general"),
        ("second to none", "9(3)", "general"),
    ],
)
def test_each_rule_names_its_article(text, article, category):
    report = check_compliance(text, category=category)
    assert report.blocking and article in [h.article for h in report.hits], report.hits


def test_treatment_wording_is_allowed_for_drugs_but_cure_rates_are_not():
    assert check_compliance("用于治疗感冒引起的头痛", category="general").blocking
    assert not check_compliance("用于治疗感冒引起的头痛", category="drug").blocking
    assert check_compliance("治愈率98%", category="drug").blocking


@pytest.mark.parametrize(
    ("text", "exemption"),
    [
        ("第一次购买享9折", "time_order"),
        ("第一批预售已开启", "time_order"),
        ("最后一天", "time_order"),
        ("最好冷藏保存", "usage_instruction"),
        ("最好在开封后30天内用完", "usage_instruction"),
        ("冷藏后口感最佳", "usage_instruction"),
        ("Best served chilled", "usage_instruction"),
        ("最大承重150公斤", "objective_spec"),
        ("最高时速25km/h", "objective_spec"),
        ("最小起订量10件", "objective_spec"),
        ("比上一代续航最长", "self_comparison"),
        ("Our lightest bottle yet", "self_comparison"),
        ("治愈系毛绒玩具", "other_sense"),
        ("每件都有唯一编码", "other_sense"),
        ("Dry-cured ham", "other_sense"),
        ("Gel polish cures under a UV lamp", "other_sense"),
        ("Best Friends Forever T-shirt", "other_sense"),
        ("Product number 1", "other_sense"),
        ("本品不能代替药物", "required_notice"),
    ],
)
def test_named_exemptions_lift_the_hit_and_say_which_rule(text, exemption):
    report = check_compliance(text)
    assert not report.hits, report.hits
    assert any(f": {exemption}:" in e for e in report.exempted), report.exempted


@pytest.mark.parametrize(
    "text", ["一级能效空调", "能效等级：一级", "特级初榨橄榄油", "IP68级防水", "首单立减10元"]
)
def test_standard_grades_and_a_customers_first_order_are_clean(text):
    assert check_compliance(text).ok


@pytest.mark.parametrize(
    "text",
    ["最好的面料，冷藏保存", "最大的优势", "比上一代更轻，全网最低价", "治愈失眠系列", "cures insomnia"],
)
def test_exemptions_do_not_reach_past_their_phrase(text):
    assert check_compliance(text).blocking


def test_brand_names_are_exempt_only_where_they_are_written():
    assert check_compliance("第一坊手工月饼", allow_terms=["第一坊"]).ok
    assert check_compliance("第一坊，行业第一", allow_terms=["第一坊"]).blocking


def test_a_ranking_with_a_period_and_a_named_source_is_a_warning_to_confirm():
    (hit,) = check_compliance("2023年天猫平台保温杯品类销量第一").hits
    assert hit.severity == "warn" and "confirm" in hit.note
    assert check_compliance("2023年线上销量第一").blocking  # a period, no named source
    assert check_compliance("天猫销量第一").blocking  # a source, no period
    assert check_compliance("No. 1 on Amazon in 2023").hits[0].severity == "warn"
    assert check_compliance("据奥维云网2023年数据，线下销量第一").hits[0].severity == "warn"
    # a later phrase's source and period do not qualify an earlier claim
    assert [h.severity for h in check_compliance("NO.1人气单品，2023年天猫销量第一").hits] == [
        "block",
        "warn",
    ]


def test_the_category_is_inferred_from_product_words_and_checked():
    assert infer_category("维生素C片 保健食品 蓝帽认证") == "health_food"
    assert infer_category("保湿面霜 50ml") == "cosmetics"
    assert infer_category("纯棉T恤") == "general"
    assert set(CATEGORIES) >= {"drug", "device", "health_food", "cosmetics", "finance", "education"}
    with pytest.raises(InvalidInputError, match=r"category 'medicine' must be one of"):
        check_compliance("x", category="medicine")


def test_hits_carry_article_and_a_rewrite_that_no_longer_blocks():
    report = check_compliance("全网最低价，顶级品质")
    assert [h.article for h in report.hits] == ["9(3)", "9(3)"]
    assert not check_compliance(report.suggest_rewrite()).blocking
