import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from adcraft.creative.fonts import check_glyphs, load_font, missing_glyphs
from adcraft.creative.layout import Box
from adcraft.creative.render import draw_fit
from adcraft.creative.textfit import (
    CLOSING_PUNCT,
    ELLIPSIS,
    OPENING_PUNCT,
    break_lines,
    fit_text,
    split_atoms,
)
from adcraft.errors import InvalidInputError

PIECES = [
    "法",
    "式",
    "碎",
    "花",
    "连",
    "衣",
    "裙",
    "，",
    "。",
    "！",
    "、",
    "「",
    "」",
    "（",
    "）",
    "《",
    "》",
    " ",
    "T-shirt",
    "199",
    "¥1,299.00",
    "50%",
    "Summer",
    "dress",
    "cotton",
    "…",
    "：",
    "?",
]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join).filter(lambda t: t.strip())


def test_latin_words_numbers_and_punctuation_stay_together():
    atoms = split_atoms("价格¥1,299.00，T-shirt「棉」！")
    assert "¥1,299.00，" in atoms and "T-shirt「棉」！" not in atoms
    assert any(a.startswith("T-shirt") for a in atoms)
    assert "「棉」！" in atoms


@settings(max_examples=60, deadline=None)
@given(texts, st.integers(30, 300))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text, width):
    lines = break_lines(text, load_font(16), width)
    for line in lines[1:]:
        assert line[0] not in CLOSING_PUNCT, lines
    for line in lines[:-1]:
        assert line[-1] not in OPENING_PUNCT, lines
    # breaking only drops spaces, never characters, and never splits a Latin word or number
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    words = [a.strip() for a in split_atoms(" ".join(text.split())) if a.strip()]
    joined = [w for line in lines for w in split_atoms(line) if w.strip()]
    assert joined == words


@settings(max_examples=30, deadline=None)
@given(texts, st.integers(40, 400), st.integers(14, 120))
def test_fitted_text_ink_stays_inside_its_box(text, w, h):
    fit = fit_text(text, w, h, weight="Bold", min_size=10)
    box = Box(10, 10, w, h)
    image = Image.new("L", (w + 20, h + 20), 0)
    draw_fit(ImageDraw.Draw(image), fit, box, 255, "center")
    ink = np.asarray(image) > 0
    inside = np.zeros_like(ink)
    inside[box.y : box.bottom, box.x : box.right] = True
    assert not (ink & ~inside).any()
    if fit.truncated:
        assert fit.lines[-1].endswith(ELLIPSIS) and fit.size == 10


def test_largest_size_is_chosen_and_ellipsis_is_last_resort():
    short = fit_text("连衣裙", 300, 100, max_size=80)
    assert not short.truncated and short.size > fit_text("连衣裙", 300, 100, max_size=40).size
    assert fit_text("连衣裙", 300, 100, max_size=short.size + 1).size == short.size or short.size == 80
    long = fit_text("很长的描述" * 200, 200, 30)
    assert long.truncated and long.lines[-1].endswith(ELLIPSIS) and long.size == 10


def test_missing_glyphs_are_refused_before_rendering():
    assert missing_glyphs("法式 ¥199 Summer") == []
    assert missing_glyphs("好看😀😀") == ["😀"]
    with pytest.raises(InvalidInputError, match="headline.*U\\+1F600"):
        check_glyphs("好看😀", "headline")
