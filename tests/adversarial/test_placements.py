"""Placement specs from users: any string is placements within bounds or one line naming the problem."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.placements import MAX_SIDE, MIN_SIDE, PLACEMENTS, parse_placement, parse_placements
from adcraft.errors import InvalidInputError

NAMES = sorted({p.name for p in PLACEMENTS.values()})


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("0123456789xX×*, allfed-squaretop\t "), max_size=30)
    | st.text(max_size=30)
)
def test_any_spec_is_valid_placements_or_one_line_error(spec):
    try:
        placements = parse_placements(spec)
    except InvalidInputError as exc:
        assert "\n" not in str(exc) and "placement" in str(exc)
    else:
        assert placements and len(set(placements)) == len(placements)
        for p in placements:
            assert p.key in PLACEMENTS or (
                MIN_SIDE <= p.width <= MAX_SIDE and MIN_SIDE <= p.height <= MAX_SIDE
            )


@given(
    st.integers(MIN_SIDE, MAX_SIDE), st.integers(MIN_SIDE, MAX_SIDE), st.sampled_from(["x", "X", "×", "*"])
)
def test_sizes_in_range_read_back(width, height, sep):
    assert parse_placement(f" {width}{sep}{height} ").size == (width, height)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_sizes_out_of_range_are_refused_unless_standard(width, height):
    key = f"{width}x{height}"
    if key in PLACEMENTS or (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        assert parse_placement(key).size == (width, height)
        return
    try:
        parse_placement(key)
    except InvalidInputError as exc:
        assert "outside" in str(exc) or "is not a size" in str(exc)
    else:
        raise AssertionError(f"{key} accepted")


@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5))
def test_named_slots_in_any_order_keep_that_order_without_repeats(names):
    got = [p.name for p in parse_placements(",".join(names))]
    assert got == list(dict.fromkeys(names))
