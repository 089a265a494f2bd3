"""Fonts from the manimgx-fonts-cjk package (Noto Sans CJK SC, variable) and a glyph-coverage check."""

from __future__ import annotations

import functools
import logging
import unicodedata
from importlib import resources
from pathlib import Path

from PIL import ImageFont

from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

FONT_PACKAGE = "manimgx_fonts_cjk"
FONT_FILE = "NotoSansCJK-VF.otf.ttc"  # Noto Sans CJK variable collection (OFL)
SC_FACE_INDEX = 2  # face 2 of the collection is Simplified Chinese
WEIGHTS = ("Regular", "Medium", "Bold", "Black")  # named instances we use; the file's default is Thin
MIN_FONT_PX = 6
MAX_FONT_PX = 1000


@functools.lru_cache(maxsize=1)
def font_path() -> Path:
    """Path of the bundled Noto Sans CJK collection."""
    try:
        path = Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))
    except ModuleNotFoundError:
        path = Path("/nonexistent")
    if not path.is_file():
        raise InvalidInputError(f"font {FONT_FILE} not found; install the {FONT_PACKAGE!r} package")
    return path


@functools.lru_cache(maxsize=512)
def load_font(size: int, weight: str = "Regular") -> ImageFont.FreeTypeFont:
    """Noto Sans CJK SC at `size` px in a named weight; cached, treat as read-only."""
    if weight not in WEIGHTS:
        raise InvalidInputError(f"font weight {weight!r} must be one of {list(WEIGHTS)}")
    if not MIN_FONT_PX <= int(size) <= MAX_FONT_PX:
        raise InvalidInputError(f"font size {size} px must be within {MIN_FONT_PX}..{MAX_FONT_PX}")
    font = ImageFont.truetype(str(font_path()), int(size), index=SC_FACE_INDEX)
    font.set_variation_by_name(weight)
    return font


@functools.lru_cache(maxsize=1)
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(font_path()), lazy=True)
    return frozenset(collection.fonts[SC_FACE_INDEX].getBestCmap())


def _needs_glyph(ch: str) -> bool:
    # spaces collapse to one space in text fitting; format characters (zero-width joiners, soft
    # hyphens), combining marks and variation selectors are shaped away by raqm. Everything else,
    # control characters included (BEL, ESC, DEL), is drawn, as a tofu box when the font lacks it.
    return (
        not ch.isspace()
        and unicodedata.category(ch) not in ("Cf", "Mn")
        and not (0xFE00 <= ord(ch) <= 0xFE0F)
    )


def missing_glyphs(text: str) -> list[str]:
    """Characters of text the font has no glyph for (each once, in order): they would render as tofu."""
    cmap = _cmap()
    seen: list[str] = []
    for ch in text:
        if _needs_glyph(ch) and ord(ch) not in cmap and ch not in seen:
            seen.append(ch)
    return seen


def check_glyphs(text: str, field: str) -> None:
    """Refuse text with characters the font cannot draw, naming the field and the characters."""
    missing = missing_glyphs(text)
    if missing:
        shown = " ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:5])
        raise InvalidInputError(
            f"{field} has characters the font cannot draw: {shown}; use CJK, Latin, digits or common symbols"
        )
