import numpy as np
import pytest

from adcraft.creative.compliance import check_compliance
from adcraft.creative.compose import CreativeComposer, texts_from_copy
from adcraft.creative.layout import Content, make_layout
from adcraft.creative.placements import Placement
from adcraft.creative.render import render_background
from adcraft.creative.themes import (
    apply_theme_copy,
    decoration_boxes,
    get_theme,
    load_decoration,
    load_themes,
    render_theme_background,
)
from adcraft.errors import NotFoundError

ISSUE_THEMES = {"618", "双11", "双12", "春节", "情人节", "中秋", "black-friday", "christmas"}


def test_every_campaign_the_issue_names_ships_with_decorations_and_copy_in_both_languages():
    themes = load_themes()
    assert ISSUE_THEMES <= set(themes)
    for theme in themes.values():
        assert {"zh", "en"} <= set(theme.copy)
        for name in theme.decorations:
            assert load_decoration(name).mode == "RGBA"


@pytest.mark.parametrize("name", sorted(ISSUE_THEMES))
def test_theme_copy_passes_the_advertising_law_checker(name):
    theme = get_theme(name)
    for lang, templates in theme.copy.items():
        for text in (templates.tagline, templates.badge, templates.cta):
            assert not check_compliance(text, lang=lang).blocking, (name, lang, text)


def test_aliases_resolve_and_unknown_theme_lists_known_ones():
    assert get_theme("双十一").name == "双11" and get_theme("XMAS").name == "christmas"
    with pytest.raises(NotFoundError, match="known themes"):
        get_theme("easter")


def test_theme_copy_adds_tagline_cta_and_prefixes_only_a_real_discount(zh_copy, en_copy):
    theme = get_theme("双11")
    themed = apply_theme_copy(zh_copy, theme)
    assert themed.subline.startswith("双11狂欢") and themed.cta == "立即抢购"
    assert themed.discount_text == "限时" + zh_copy.discount_text
    assert apply_theme_copy(en_copy, get_theme("black-friday")).discount_text == "Sale -25%"
    no_discount = apply_theme_copy(type(zh_copy)(**{**zh_copy.__dict__, "discount_text": None}), theme)
    assert no_discount.discount_text is None  # the badge slot is a discount claim: none is made up


@pytest.mark.parametrize("size", [(1080, 1080), (1200, 628), (300, 250), (160, 600)])
def test_decorations_stay_clear_of_every_layout_box(size):
    layout = make_layout(Placement("t", *size), "hero" if size[0] == size[1] else "split", Content())
    boxes = decoration_boxes(layout)
    assert boxes, "a decoration fits in the margins"
    for deco in boxes:
        for name, box in layout.boxes.items():
            if name != "product":
                assert deco.intersection(box) == 0, (deco, name, box)


def test_themed_background_differs_from_the_plain_one_only_at_decorations():
    theme = get_theme("christmas")
    layout = make_layout(Placement("t", 1080, 1080), "hero", Content())
    themed = np.asarray(render_theme_background(layout, theme))
    plain = np.asarray(render_background((1080, 1080), theme.palette, theme.background))
    changed = np.any(themed != plain, axis=2)
    inside = np.zeros_like(changed)
    for box in decoration_boxes(layout):
        inside[max(0, box.y) : box.bottom, max(0, box.x) : box.right] = True
    assert changed.any() and not (changed & ~inside).any()


def test_themed_creative_passes_qa(visual, zh_copy):
    theme = get_theme("春节")
    texts = texts_from_copy(apply_theme_copy(zh_copy, theme))
    creative = CreativeComposer().compose("300x250", visual, texts, theme.palette, theme=theme)
    assert creative.qa.passed, creative.qa.failures
    assert creative.provenance["theme"] == "春节"
