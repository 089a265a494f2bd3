"""Advertising-law checker: a table of hits, evasions, exemptions and clean copy, plus evasion properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.compliance import (
    ComplianceReport,
    check_compliance,
    compact,
    parse_lexicon,
    suggest_rewrite,
)
from adcraft.errors import InvalidInputError

ABS = "9(3)"  # marker of the absolute-terms rule (art. 9(3)) in both lexicons
MED = "17"  # art. 17: medical claims
FALSE = "28"  # arts. 4, 28: false claims / efficacy guarantees
INVEST = "25"  # art. 25: return and zero-risk promises
MARK = "trademark"  # well-known-trademark wording

# (text, allow_terms, expected hits as (term, matched, severity, rule marker), suggested rewrite or None)
CASES = [
    # --- plain zh hits ---
    ("这是最佳选择", (), [("最佳", "最佳", "block", ABS)], "这是优质选择"),
    ("最好的面料", (), [("最好", "最好", "block", ABS)], "优质的面料"),
    ("全网最低价", (), [("全网最低", "全网最低", "block", ABS)], "优惠价"),
    ("史上最低价格", (), [("史上最低", "史上最低", "block", ABS)], "优惠价格"),
    ("销量第一！", (), [("销量第一", "销量第一", "block", ABS)], "热销！"),
    ("行业唯一认证", (), [("唯一", "唯一", "block", ABS)], "行业认证"),
    ("送礼首选", (), [("首选", "首选", "block", ABS)], "送礼优选"),
    ("顶级工艺", (), [("顶级", "顶级", "block", ABS)], "高品质工艺"),
    ("国家级产品", (), [("国家级", "国家级", "block", ABS)], "产品"),
    ("茶中极品", (), [("极品", "极品", "block", ABS)], "茶中精品"),
    ("100%有效", (), [("100%有效", "100%有效", "block", FALSE)], "有效"),
    (
        "零风险无副作用",
        (),
        [("零风险", "零风险", "block", INVEST), ("无副作用", "无副作用", "block", FALSE)],
        "",
    ),
    ("祖传秘方", (), [("祖传", "祖传", "block", FALSE), ("秘方", "秘方", "block", FALSE)], "传统配方"),
    ("可治疗失眠", (), [("治疗失眠", "治疗失眠", "block", MED)], "可"),
    ("抗癌降血压", (), [("抗癌", "抗癌", "block", MED), ("降血压", "降血压", "block", MED)], ""),
    ("驰名商标", (), [("驰名商标", "驰名商标", "block", MARK)], ""),
    ("最新款连衣裙", (), [("最新款", "最新款", "warn", ABS)], "新款连衣裙"),
    ("一流品质", (), [("一流", "一流", "warn", ABS)], "优质品质"),
    ("保证正品", (), [("保证", "保证", "warn", FALSE)], "正品"),
    ("杀菌洗衣液", (), [("杀菌", "杀菌", "warn", MED)], "清洁洗衣液"),
    ("最舒适的鞋", (), [("最", "最", "block", ABS)], "很舒适的鞋"),
    (
        "最佳之选，全网最低",
        (),
        [("最佳", "最佳", "block", ABS), ("全网最低", "全网最低", "block", ABS)],
        None,
    ),
    # --- zh evasions ---
    ("最-佳品质", (), [("最佳", "最-佳", "block", ABS)], "优质品质"),
    ("最 佳品质", (), [("最佳", "最 佳", "block", ABS)], "优质品质"),
    ("最🔥佳品质", (), [("最佳", "最🔥佳", "block", ABS)], "优质品质"),
    ("最\u200b佳品质", (), [("最佳", "最\u200b佳", "block", ABS)], "优质品质"),
    ("最\u200d佳品质", (), [("最佳", "最\u200d佳", "block", ABS)], "优质品质"),
    ("最\ufeff佳品质", (), [("最佳", "最\ufeff佳", "block", ABS)], "优质品质"),
    ("顶　级工艺", (), [("顶级", "顶　级", "block", ABS)], "高品质工艺"),  # ideographic space
    ("第·一品牌", (), [("第一品牌", "第·一品牌", "block", ABS)], "品牌"),
    ("１００％有效", (), [("100%有效", "１００％有效", "block", FALSE)], "有效"),
    ("全★网★最★低", (), [("全网最低", "全★网★最★低", "block", ABS)], "优惠"),
    ("唯/一", (), [("唯一", "唯/一", "block", ABS)], ""),
    ("国 家 级", (), [("国家级", "国 家 级", "block", ABS)], ""),
    # --- en hits ---
    ("The best dress", (), [("the best", "The best", "block", ABS)], "A great dress"),
    ("Best quality", (), [("best", "Best", "block", ABS)], "Great quality"),
    ("No.1 seller", (), [("No.1", "No.1", "block", ABS)], "seller"),
    ("our #1 pick", (), [("#1", "#1", "block", ABS)], "our pick"),
    ("world-class design", (), [("world-class", "world-class", "block", ABS)], "quality design"),
    ("lowest price ever", (), [("lowest price ever", "lowest price ever", "block", ABS)], "special price"),
    ("Guaranteed results", (), [("guaranteed", "Guaranteed", "warn", FALSE)], "results"),
    ("cures acne", (), [("cure", "cures", "block", MED)], "acne"),
    ("100% safe for kids", (), [("100% safe", "100% safe", "block", FALSE)], "for kids"),
    ("Best-selling shoes", (), [("best-selling", "Best-selling", "block", ABS)], "Popular shoes"),
    ("a miracle cream", (), [("miracle", "miracle", "block", FALSE)], "a cream"),
    # --- en evasions ---
    ("Ｎｏ．１ choice", (), [("No.1", "Ｎｏ．１", "block", ABS)], "choice"),
    ("b.e.s.t quality", (), [("best", "b.e.s.t", "block", ABS)], "great quality"),
    ("B E S T price", (), [("best", "B E S T", "block", ABS)], "Great price"),
    ("ＢＥＳＴ deal", (), [("best", "ＢＥＳＴ", "block", ABS)], None),
    ("be\u200bst bag", (), [("best", "be\u200bst", "block", ABS)], "great bag"),
    ("n o . 1 brand", (), [("No.1", "n o . 1", "block", ABS)], "brand"),
    ("cheap-est ever", (), [("cheapest", "cheap-est", "block", ABS)], "affordable ever"),
    # --- exemptions (SAMR 2023 guideline) ---
    ("第一次使用就爱上", (), [], None),
    ("第一天上新", (), [], None),
    ("最佳使用时间为三个月", (), [], None),
    ("最佳赏味期7天", (), [], None),
    ("最后一件", (), [], None),
    ("最近上新", (), [], None),
    ("最多可装3件", (), [], None),
    ("比上一代续航最长", (), [], None),
    ("比上一代更轻，全网最低价", (), [("全网最低", "全网最低", "block", ABS)], "比上一代更轻，优惠价"),
    ("lighter than our previous model, the best", (), [("the best", "the best", "block", ABS)], None),
    ("本系列最轻的一款", (), [], None),
    ("best before 2025", (), [], None),
    ("best served chilled", (), [], None),
    ("Our best yet", (), [], None),
    ("money-back guarantee", (), [], None),
    ("最佳牌保温杯", ("最佳牌",), [], None),
    ("No.1 Coffee 拿铁", ("No.1 Coffee",), [], None),
    # --- downgraded, not exempted: need evidence ---
    ("国家级非遗", (), [("国家级", "国家级", "warn", ABS)], None),
    ("2023年天猫销量第一", (), [("销量第一", "销量第一", "warn", ABS)], None),
    ("2023年销量第一", (), [("销量第一", "销量第一", "block", ABS)], None),  # a period but no source
    # --- exemptions do not reach too far ---
    ("最佳。使用时间", (), [("最佳", "最佳", "block", ABS)], None),
    ("最先进的工艺", (), [("最先进", "最先进", "block", ABS)], "先进的工艺"),
    # --- clean copy ---
    ("这款连衣裙优雅舒适，纯棉面料", (), [], None),
    ("A soft cotton dress for summer", (), [], None),
    ("bestow a gift", (), [], None),
    ("secure curtain", (), [], None),
    ("#12 in stock", (), [], None),
    ("job estimate", (), [], None),
    ("限时优惠，立即购买", (), [], None),
    ("", (), [], ""),
    ("🔥🔥🔥", (), [], None),
]


def test_table_has_at_least_60_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("text", "allow", "expected", "rewrite"), CASES, ids=[c[0] or "<empty>" for c in CASES]
)
def test_compliance_table(text, allow, expected, rewrite):
    report = check_compliance(text, allow_terms=allow)
    got = [(h.term, h.matched, h.severity) for h in report.hits]
    assert got == [(t, m, s) for t, m, s, _ in expected]
    cursor = 0
    for hit, (_, matched, _, rule) in zip(report.hits, expected, strict=True):
        assert text[hit.start : hit.end] == matched  # the position maps back into the original string
        assert hit.start == text.index(matched, cursor)
        cursor = hit.end
        assert rule in hit.rule
    assert report.blocking == any(s == "block" for _, _, s, _ in expected)
    assert report.ok == (not expected)
    if rewrite is not None:
        assert report.suggest_rewrite() == rewrite
        assert check_compliance(rewrite).blocking is False


def test_exemptions_are_reported_with_reason():
    report = check_compliance("第一次使用，最佳使用时间")
    assert report.ok
    assert any(e.startswith("第一@0") and "sequence" in e for e in report.exempted)
    assert any(e.startswith("最佳@6") for e in report.exempted)


def test_allowed_term_is_reported_as_exempt():
    report = check_compliance("最佳牌保温杯", allow_terms=["最佳牌"])
    assert report.exempted == ["最佳@0: allowed term (brand, product name or trademark)"]


def test_allowed_term_covers_only_its_own_occurrences():
    (hit,) = check_compliance("最佳牌，最佳品质", allow_terms=["最佳牌"]).hits
    assert (hit.term, hit.start, hit.end) == ("最佳", 4, 6)


def test_every_language_is_checked_whatever_the_copy_is_written_in():
    for lang in ("zh", "en", None):
        assert [h.term for h in check_compliance("best 最佳", lang=lang).hits] == ["best", "最佳"]


def test_downgraded_hit_carries_the_reason():
    (hit,) = check_compliance("国家级非物质文化遗产").hits
    assert hit.severity == "warn" and "certificate" in hit.note


def test_report_to_dict_is_json_ready():
    import json

    data = check_compliance("最佳品质").to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False))["blocking"] is True
    assert data["hits"][0]["term"] == "最佳"


def test_module_suggest_rewrite_keeps_case():
    assert suggest_rewrite("Best shoes, best price") == "Great shoes, great price"


@pytest.mark.parametrize("bad", [None, 3, b"best"])
def test_non_string_text_raises(bad):
    with pytest.raises(InvalidInputError, match="must be a string"):
        check_compliance(bad)


def test_unknown_lang_names_allowed():
    with pytest.raises(InvalidInputError, match=r"lang 'fr' must be one of"):
        check_compliance("best", lang="fr")


def test_parse_lexicon_rejects_bad_entries():
    with pytest.raises(InvalidInputError, match="rule 'nope' must be one of"):
        parse_lexicon({"rules": {"abs": "x"}, "terms": [{"term": "a", "severity": "block", "rule": "nope"}]})
    with pytest.raises(InvalidInputError, match="severity 'fatal'"):
        parse_lexicon({"rules": {"abs": "x"}, "terms": [{"term": "a", "severity": "fatal", "rule": "abs"}]})
    terms, exemptions = parse_lexicon(
        {"rules": {"abs": "x"}, "terms": [{"term": "超值", "severity": "warn", "rule": "abs"}]}
    )
    assert terms[0].regex.pattern == "超值" and exemptions == []


def test_compact_maps_back_to_original_indices():
    flat, origin = compact("Ｎｏ．１ 最\u200b佳")
    assert flat == "no1最佳"
    assert origin == [0, 1, 3, 5, 7]


# --- properties: inserting evasion characters into a hit still hits ---
FILLERS = st.sampled_from(
    ["\u200b", "\u200d", "\ufeff", " ", "　", "-", "·", "*", "🔥", "★", ".", "_", "~", "、"]
)
HIT_WORDS = [
    "最佳",
    "全网最低",
    "顶级",
    "唯一",
    "国家级",
    "首选",
    "极品",
    "100%有效",
    "best",
    "cheapest",
    "guaranteed",
    "No.1",
]


@settings(max_examples=150, deadline=None)
@given(word=st.sampled_from(HIT_WORDS), data=st.data())
def test_fillers_between_characters_still_hit(word, data):
    pieces = [word[0]]
    for ch in word[1:]:
        pieces.append("".join(data.draw(st.lists(FILLERS, max_size=3))))
        pieces.append(ch)
    evaded = "".join(pieces)
    text = f"新品 {evaded} 上市" if word[0] > "\u2e80" or word[0].isdigit() else f"our {evaded} deal"
    report = check_compliance(text)
    assert report.hits, text
    hit = report.hits[0]
    assert text[hit.start : hit.end] == evaded
    assert compact(hit.matched)[0] == compact(word)[0]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz 你好棉麻裙，。!🔥\u200b"), max_size=40))
def test_positions_always_map_into_the_text(text):
    report = check_compliance(text)
    assert isinstance(report, ComplianceReport)
    for hit in report.hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.matched
        assert compact(hit.matched)[0]  # never an empty (all-filler) span


def test_merchant_banned_terms_block_through_evasion_and_only_as_whole_words():
    report = check_compliance("比 N-i-k-e 更轻，CopyCat 同款", lang="zh", banned_terms=("Nike", "copycat"))
    assert [(h.term, h.matched, h.severity) for h in report.hits] == [
        ("Nike", "N-i-k-e", "block"),
        ("copycat", "CopyCat", "block"),
    ]
    assert all("banned_terms" in h.rule for h in report.hits)
    assert report.suggest_rewrite() == "比 更轻， 同款"
    assert (
        check_compliance("Nikes and Nikel alloy", lang="en", banned_terms=("Nike",)).hits[0].matched
        == "Nikes"
    )
    assert len(check_compliance("Nikel alloy", lang="en", banned_terms=("Nike",)).hits) == 0
    assert check_compliance("拒绝某宝同款", lang="zh", banned_terms=("某宝",)).blocking


def test_a_banned_term_is_not_lifted_by_an_allowed_brand_name():
    text = "Apex Running shoes"
    assert check_compliance(text, lang="en", allow_terms=("Apex Running",)).ok
    report = check_compliance(text, lang="en", allow_terms=("Apex Running",), banned_terms=("Apex",))
    assert [h.term for h in report.hits] == ["Apex"] and report.blocking


def test_a_banned_term_without_letters_or_digits_is_refused():
    with pytest.raises(InvalidInputError, match="banned term '--' has no letters or digits"):
        check_compliance("text", banned_terms=("--",))
