import pytest

from adcraft.creative.layout import Content, iter_layouts, safe_area
from adcraft.creative.placements import Placement
from adcraft.errors import InvalidInputError


@pytest.mark.parametrize("zone", [(0.14, 0.0, 0.14, 0.0), (0.10, 0.15, 0.22, 0.04)])
def test_every_layout_stays_inside_the_safe_area(zone):
    placement = Placement("story", 1080, 1920)
    area = safe_area(placement, zone)
    layouts = list(iter_layouts(placement, Content(), safe_zone=zone))
    assert layouts
    for layout in layouts:
        assert (layout.width, layout.height) == (1080, 1920)
        for name, box in layout.boxes.items():
            assert area.x <= box.x and box.right <= area.right, (layout.template, name)
            assert area.y <= box.y and box.bottom <= area.bottom, (layout.template, name)


def test_bad_safe_zone_is_refused():
    with pytest.raises(InvalidInputError, match="safe zone"):
        safe_area(Placement("s", 100, 100), (0.6, 0, 0, 0))


def test_a_320x50_banner_keeps_a_strip_for_the_ai_label_and_passes_qa(visual, zh_copy):
    from adcraft.creative.aigc import AILabel
    from adcraft.creative.compose import CreativeComposer, texts_from_copy

    creative = CreativeComposer().compose(
        Placement("mobile-banner", 320, 50), visual, texts_from_copy(zh_copy), label=AILabel(lang="zh")
    )
    assert creative.qa.passed, creative.qa.failures
    label = next(t for t in creative.texts if t.element == "ai_label")
    assert all(label.box.intersection(t.box) == 0 for t in creative.texts if t is not label)
    assert not any(t.element in ("badge", "original_price") for t in creative.texts)  # too small to read
