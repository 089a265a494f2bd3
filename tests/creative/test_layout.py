import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.layout import TEXT_ELEMENTS, Box, Content, make_layout, templates_for
from adcraft.creative.placements import PLACEMENTS, Placement
from adcraft.errors import NotFoundError

CONTENTS = [
    Content(),
    Content(logo=True),
    Content(subline=False, points=False, badge=False),
    Content(price=False, badge=False),
]


def _check(layout):
    canvas = Box(0, 0, layout.width, layout.height)
    boxes = layout.boxes
    assert "product" in boxes and "headline" in boxes and "cta" in boxes
    for name, box in boxes.items():
        assert box.w > 0 and box.h > 0, name
        assert box.intersection(canvas) == box.area, f"{name} out of bounds {box}"
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert boxes[a].intersection(boxes[b]) == 0, f"{a} overlaps {b}"


@pytest.mark.parametrize("key", list(PLACEMENTS))
@pytest.mark.parametrize("content", CONTENTS)
def test_every_template_for_every_placement_keeps_elements_apart_and_inside(key, content):
    for template in templates_for(PLACEMENTS[key]):
        for compact in (False, True):
            _check(make_layout(PLACEMENTS[key], template, content, compact))


@settings(max_examples=60, deadline=None)
@given(st.integers(100, 4096), st.integers(100, 4096))
def test_custom_sizes_get_a_valid_layout(w, h):
    placement = Placement("custom", w, h)
    for template in templates_for(placement):
        _check(make_layout(placement, template, Content(logo=True)))


def test_shape_picks_the_template_family():
    assert templates_for(PLACEMENTS["728x90"]) == ["banner"]
    assert templates_for(PLACEMENTS["160x600"]) == ["skyscraper"]
    assert templates_for(PLACEMENTS["1200x628"])[0] == "split"
    assert templates_for(PLACEMENTS["1080x1920"])[0] == "stack"
    assert templates_for(PLACEMENTS["1080x1080"], "lifestyle")[0] == "split"
    with pytest.raises(NotFoundError, match="known families"):
        templates_for(PLACEMENTS["800x800"], "nope")


def test_optional_elements_are_left_out():
    layout = make_layout(PLACEMENTS["1080x1920"], "stack", Content(price=False, badge=False))
    assert "price" not in layout.boxes and "badge" not in layout.boxes
    assert set(layout.boxes) - {"product", "logo"} <= set(TEXT_ELEMENTS)
    assert "points" not in make_layout(PLACEMENTS["1080x1920"], "stack", Content(), compact=True).boxes
