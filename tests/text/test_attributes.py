"""Attribute extraction (zh/en), selling points and shortening that never cuts a Latin word or number."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.errors import InvalidInputError
from adcraft.text.attributes import (
    attribute_word,
    extract_attributes,
    extract_selling_points,
    shorten,
    split_clauses,
    tokenize_zh,
)


@pytest.mark.parametrize(
    ("text", "lang", "color", "materials", "styles", "audiences", "benefits"),
    [
        (
            "这是一款优雅的红色纯棉连衣裙，适合女士夏天穿着，透气舒适",
            "zh",
            "red",
            ["cotton"],
            ["elegant"],
            ["women"],
            ["breathable", "comfortable"],
        ),
        ("儿童防水羽绒服，宝宝冬季保暖", "zh", None, ["down"], [], ["kids", "baby"], ["waterproof", "warm"]),
        ("简约不锈钢保温杯", "zh", None, ["stainless_steel"], ["minimalist"], [], []),
        (
            "A navy blue wool coat for men, waterproof and warm",
            "en",
            "navy",  # issue 20: navy is its own family
            ["wool"],
            [],
            ["men"],
            ["waterproof", "warm"],
        ),
        (
            "Black leather handbag for women, minimalist design",
            "en",
            "black",
            ["leather"],
            ["minimalist"],
            ["women"],
            [],
        ),
        ("棉签一包", "zh", None, [], [], [], []),  # 棉 inside 棉签 is not cotton
        ("A bestowed curtain", "en", None, [], [], [], []),
    ],
)
def test_extract_attributes(text, lang, color, materials, styles, audiences, benefits):
    attrs = extract_attributes(text)
    assert attrs.lang == lang
    assert attrs.color_family == color
    assert (attrs.materials, attrs.styles, attrs.audiences, attrs.benefits) == (
        materials,
        styles,
        audiences,
        benefits,
    )


def test_surfaces_keep_the_input_words():
    attrs = extract_attributes("优雅纯棉连衣裙，适合女士")
    assert attrs.word("materials", "cotton") == "纯棉"
    assert attrs.word("audiences", "women") == "女士"
    assert attrs.word("materials", "cotton", lang="en") == "cotton"  # other language: the lexicon's word
    assert attribute_word("materials", "cotton", "zh") == "纯棉"


def test_english_words_in_chinese_text_are_read():
    attrs = extract_attributes("夏季 cotton 短袖", lang="zh")
    assert attrs.materials == ["cotton"]


def test_key_phrases_and_to_dict():
    attrs = extract_attributes("Organic cotton tee, soft cotton knit")
    assert attrs.key_phrases[0] == "cotton"
    assert attrs.to_dict()["materials"] == ["cotton"]


def test_concept_matcher_sets_category():
    attrs = extract_attributes("红色连衣裙", concept_matcher=lambda text: ("dress", 0.8))
    assert (attrs.category, attrs.category_score) == ("dress", 0.8)
    assert extract_attributes("").category is None


def test_bad_inputs():
    with pytest.raises(InvalidInputError, match="lang 'fr' must be one of"):
        extract_attributes("dress", lang="fr")
    with pytest.raises(InvalidInputError, match="must be a string"):
        extract_attributes(None)
    with pytest.raises(InvalidInputError, match="max_points -1 must be 0 or more"):
        extract_selling_points("dress", max_points=-1)
    with pytest.raises(InvalidInputError, match="is not in the lexicon"):
        attribute_word("materials", "unobtainium", "en")


def test_tokenize_zh_keeps_lexicon_words_whole():
    assert "纯棉" in tokenize_zh("纯棉连衣裙")
    assert "" not in tokenize_zh("纯棉 连衣裙")


@pytest.mark.parametrize(
    ("text", "lang", "points"),
    [
        (
            "这是一款优雅的红色纯棉连衣裙，适合女士夏天穿着，透气舒适",
            "zh",
            ["这是一款优雅的红色纯棉", "适合女士夏天穿着", "透气舒适"],
        ),
        (
            "A navy blue wool coat for men; waterproof and warm",
            "en",
            ["A navy blue wool coat for men", "waterproof and warm"],
        ),
        ("", "zh", []),
        ("好。", "zh", []),  # too short to carry information
    ],
)
def test_extract_selling_points(text, lang, points):
    assert extract_selling_points(text, lang=lang) == points


def test_selling_points_prefer_informative_clauses_in_input_order():
    text = "新品上市，纯棉面料透气舒适，欢迎选购，5000mAh大电池，包装精美"
    points = extract_selling_points(text, max_points=2)
    assert points == ["纯棉面料透气舒适", "5000mAh大电池"]
    assert extract_selling_points(text, max_points=0) == []


def test_selling_points_are_deduplicated_and_within_limit():
    text = (
        "Soft cotton. soft cotton. "
        + "Extremely lightweight breathable waterproof shell for long hikes in rain"
    )
    points = extract_selling_points(text, lang="en")
    assert [p.lower() for p in points].count("soft cotton") == 1
    assert all(len(p) <= 32 for p in points)


def test_split_clauses():
    assert split_clauses("纯棉，透气。舒适！", "zh") == ["纯棉", "透气", "舒适"]
    assert split_clauses("Soft. Warm, light - easy care", "en") == ["Soft", "Warm", "light", "easy care"]


@pytest.mark.parametrize(
    ("clause", "lang", "limit", "expected"),
    [
        ("这款手机搭载5000mAh大电池，续航持久", "zh", 10, "这款手机搭载"),
        ("Lightweight 5000mAh battery with fast charging", "en", 20, "Lightweight 5000mAh"),
        ("Soft cotton shirt for the summer", "en", 22, "Soft cotton shirt"),  # no dangling 'for'
        ("Supercalifragilisticexpialidocious", "en", 10, ""),  # the first word alone is too long
        ("纯棉", "zh", 10, "纯棉"),
        ("  短句  ", "zh", 10, "短句"),
    ],
)
def test_shorten_table(clause, lang, limit, expected):
    assert shorten(clause, lang, limit) == expected


LATIN_OR_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%+\-']*")
WORDS = st.sampled_from(
    ["纯棉", "透气", "连衣裙", "5000mAh", "iPhone", "3.5", "USB-C", "舒适", "的", "Pro", "100%"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10), st.integers(min_value=2, max_value=14))
def test_shorten_zh_never_cuts_a_latin_word_or_number(words, limit):
    clause = "".join(words)
    out = shorten(clause, "zh", limit)
    assert len(out) <= limit or out == clause.strip()
    assert clause.startswith(out)
    whole = {m.group() for m in LATIN_OR_NUMBER.finditer(clause)}
    for m in LATIN_OR_NUMBER.finditer(out):
        assert m.group() in whole  # every Latin word / number in the result is complete


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=9), min_size=1, max_size=8),
    st.integers(min_value=3, max_value=40),
)
def test_shorten_en_keeps_whole_words(words, limit):
    clause = " ".join(words)
    out = shorten(clause, "en", limit)
    assert len(out) <= limit or out == clause
    assert set(out.split()) <= set(words)
    assert clause.startswith(out)
