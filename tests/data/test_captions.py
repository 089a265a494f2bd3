"""Captions: colour words only where true, uncoloured captions only on the original, style words."""

from __future__ import annotations

from adcraft.data.captions import Labels, image_captions
from adcraft.data.styles import styled_caption
from adcraft.text.colors import find_color

SHOE = Labels("跑鞋", "running shoe", ("运动鞋",), ("sneaker",))


def test_only_the_original_gets_captions_without_a_colour_word():
    original = image_captions(SHOE, "3d", ("紫色", "purple"), True, 0)
    variant = image_captions(SHOE, "3d", ("黑色", "black"), False, 0)
    assert "跑鞋" in original and "running shoe" in original and "紫色跑鞋" in original
    assert variant and all(find_color(c) == "black" for c in variant)  # every variant caption names it


def test_every_image_has_captions_with_and_without_its_style():
    for caps in (
        image_captions(SHOE, "flat", None, True, None),
        image_captions(SHOE, "flat", ("深灰色", "charcoal"), False, None),
    ):
        styled = [c for c in caps if "扁平插画" in c or "flat illustration" in c]
        assert styled and len(styled) < len(caps)
    one = image_captions(SHOE, "flat", ("黑色", "black"), False, 0)  # outside 3D: one language
    assert styled_caption("黑色跑鞋", "flat", "zh") in one
    assert styled_caption("black running shoe", "flat", "en") not in one


def test_captions_in_both_languages():
    caps = image_captions(SHOE, "3d", ("驼色", "camel"), False, None)
    assert any(c.startswith("驼色") for c in caps) and any(c.startswith("camel") for c in caps)
    assert "camel running shoe, 3D render style" in caps and "驼色跑鞋，3D渲染风格" in caps
