import pytest
from hypothesis import given
from hypothesis import strategies as st

from adcraft.creative.placements import MAX_SIDE, MIN_SIDE, PLACEMENTS, parse_placement, parse_placements
from adcraft.errors import InvalidInputError


def test_all_gives_the_eight_standard_placements():
    keys = [p.key for p in parse_placements("all")]
    assert keys == [
        "1080x1080",
        "1080x1350",
        "1080x1920",
        "1200x628",
        "800x800",
        "300x250",
        "728x90",
        "160x600",
    ]
    assert parse_placements(None) == parse_placements("all")


def test_names_sizes_and_duplicates():
    got = parse_placements("leaderboard, 728X90,160×600")
    assert [p.key for p in got] == ["728x90", "160x600"]
    assert got[0].name == "leaderboard"


@given(st.integers(MIN_SIDE, MAX_SIDE), st.integers(MIN_SIDE, MAX_SIDE))
def test_custom_sizes_in_range_parse(w, h):
    p = parse_placement(f"{w}x{h}")
    assert p.size == (w, h)
    assert p.name == (PLACEMENTS[p.key].name if p.key in PLACEMENTS else "custom")


@given(
    st.one_of(st.integers(0, MIN_SIDE - 1), st.integers(MAX_SIDE + 1, 99999)), st.integers(MIN_SIDE, MAX_SIDE)
)
def test_out_of_range_sizes_name_the_limits(bad, ok):
    for text in (f"{bad}x{ok}", f"{ok}x{bad}"):
        if text in PLACEMENTS:  # 728x90 is a standard slot
            continue
        with pytest.raises(InvalidInputError, match=f"{MIN_SIDE}..{MAX_SIDE}"):
            parse_placement(text)


@pytest.mark.parametrize("text", ["banner", "1080", "axb", "10x10x10", "-5x100", ""])
def test_unknown_placements_are_refused(text):
    with pytest.raises(InvalidInputError, match="placement"):
        parse_placements(text) if text else parse_placements([text])
