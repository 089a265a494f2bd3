"""Colour words in zh/en text and the dominant colour family of images."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adcraft.text.colors import (
    COLOR_FAMILIES,
    color_spans,
    color_words,
    dominant_color_family,
    find_color,
    hsv_to_rgb,
    rgb_to_hsv,
)
from helpers import draw_item


@pytest.mark.parametrize(
    "text, family",
    [
        ("红色连衣裙", "red"),
        ("酒红色毛衣", "red"),
        ("红裙子", "red"),
        ("红酒", None),
        ("白菜", None),
        ("米白色T恤", "white"),
        ("藏青色西装", "navy"),
        ("香芋紫卫衣", "purple"),
        ("橙色背包", "orange"),
        ("橙子", None),
        ("粉色口红", "pink"),
        ("咖啡色皮鞋", "brown"),
        ("黑色笔记本电脑", "black"),
        ("2026夏季新款法式碎花连衣裙女收腰显瘦", None),
        ("red dress", "red"),
        ("Navy Blazer", "navy"),
        ("orange juice", None),
        ("orange", None),
        ("orange dress", "orange"),
        ("Gray hoodie", "grey"),
        ("Men's Breathable Lightweight Running Shoes", None),
        ("bored", None),
        ("reddish", None),
        ("Women's Black Leather Handbag", "black"),
        ("樱桃红口红", "red"),
        ("巧克力色短靴", "brown"),
        ("牛油果绿水壶", "green"),
        ("Tomato Red Dress", "red"),
        ("Caramel Trench Coat", "brown"),
    ],
)
def test_find_color(text, family):
    assert find_color(text) == family


@pytest.mark.parametrize(
    "text, family",
    [
        ("西瓜红剪刀家用", "red"),
        ("抹茶绿袜子", "green"),
        ("智能手机 象牙白", "white"),
        ("深蓝牛仔裤", "blue"),
        ("柠檬红茶饮料", None),
        ("蜂蜜红茶", None),
        ("抹茶粉烘焙", None),
        ("冰红茶", None),
        ("核桃红枣", None),
        ("红酒礼盒装", None),
        ("口红哑光", None),
        ("网红同款", None),
        ("美白面膜", None),
        ("橙子新鲜", None),
    ],
)
def test_zh_colour_names_with_a_bare_colour_character(text, family):
    assert find_color(text) == family  # after a colour-name prefix yes; inside 红茶 / 口红 / 抹茶粉 no


@pytest.mark.parametrize(
    "text, family",
    [
        ("暮山紫 手机壳", "purple"),
        ("哑光黑 无线耳机", "black"),
        ("藏蓝卫衣", "navy"),
        ("远峰蓝 手机", "blue"),
        ("雅川青 手机", "green"),
        ("石墨色 平板", "grey"),
        ("银色手表", "grey"),
        ("豆沙色口红", "pink"),
        ("Sterling Silver Ring", "grey"),
        ("14k Gold Chain", "gold"),
        ("Graphite Tennis Racket", None),
        ("金黄酥脆 锅巴", None),
        ("香槟 750ml", None),
        ("杏仁饼干", None),
    ],
)
def test_shop_finishes_map_to_their_family_and_materials_are_no_colour(text, family):
    assert find_color(text) == family  # silver and gold are drawn in their colour; graphite is a material


@pytest.mark.parametrize(
    "text, family",
    [
        ("香槟金 耳机", "gold"),
        ("Champagne Gold earbuds", "gold"),
        ("米色风衣", "brown"),
        ("Beige Trench Coat", "brown"),
        ("驼色大衣", "brown"),
        ("深灰色卫衣", "grey"),
        ("Charcoal Hoodie", "grey"),
        ("海军蓝外套", "navy"),
        ("深蓝牛仔裤", "blue"),
    ],
)
def test_shop_words_for_gold_beige_camel_charcoal_and_navy(text, family):
    assert find_color(text) == family  # issue 20: the families shops sell in


@pytest.mark.parametrize(
    "text, span",
    [
        ("玫瑰金手表", (0, 3)),
        ("杏色连衣裙", (0, 2)),
        ("Rose Gold watch", (0, 9)),
    ],
)
def test_rose_gold_and_apricot_are_colour_names_of_no_family(text, span):
    assert color_spans(text) == [(*span, None)]  # masked from grounding, but no colour is drawn
    assert find_color(text) is None
    assert find_color(text + " 红色") == "red"  # a real family later in the text still counts


def test_color_spans_prefer_the_longest_word_in_text_order():
    assert color_spans("Tomato Red and navy") == [(0, 10, "red"), (15, 19, "navy")]
    assert color_spans("酒红色毛衣配白色裤子") == [
        (0, 2, "red"),
        (6, 8, "white"),
    ]  # 酒红, not 红; 白色, not 白
    assert color_spans("红酒") == []
    assert color_spans("西瓜红剪刀") == [(0, 3, "red")]  # the prefix is part of the colour name


def test_every_family_has_zh_and_en_words():
    for family in COLOR_FAMILIES:
        zh, en = color_words(family)
        assert find_color(zh + "连衣裙") == family and find_color(f"{en} dress") == family
    with pytest.raises(ValueError, match="must be one of"):
        color_words("apricot")


@pytest.mark.parametrize(
    "rgb, family",
    [
        ((220, 30, 30), "red"),
        ((240, 140, 20), "orange"),
        ((240, 220, 30), "yellow"),
        ((30, 170, 60), "green"),
        ((30, 60, 220), "blue"),
        ((140, 40, 200), "purple"),
        ((240, 100, 180), "pink"),
        ((110, 60, 20), "brown"),
        ((15, 15, 15), "black"),
        ((245, 245, 245), "white"),
        ((128, 128, 128), "grey"),
        ((192, 192, 192), "grey"),  # silver
        ((20, 30, 80), "navy"),
        ((212, 175, 55), "gold"),
        ((193, 154, 107), "brown"),  # camel
        ((225, 198, 153), "brown"),  # beige
        ((255, 192, 203), "pink"),
        ((128, 0, 32), "red"),  # burgundy
    ],
)
def test_dominant_color_family_of_flat_objects(rgb, family):
    assert dominant_color_family(draw_item("ellipse", rgb)) == family


def test_transparent_image_has_no_colour():
    from PIL import Image

    assert dominant_color_family(Image.new("RGBA", (16, 16))) is None


@given(st.tuples(*[st.floats(0, 1)] * 3))
def test_hsv_round_trip(rgb):
    import numpy as np

    x = np.array(rgb, dtype=np.float64)
    np.testing.assert_allclose(hsv_to_rgb(rgb_to_hsv(x)), x, atol=1e-6)
