"""Colour families: zh/en colour words in text, and the dominant colour family of an RGBA image."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from adcraft.errors import InvalidInputError

# family -> (zh word, en word, other spellings that name the same family); the compound names made of a
# product word (樱桃红, "tomato red", 巧克力色) are here so that grounding never reads them as the product
COLOR_FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "red": ("红色", "red", ("大红", "酒红", "樱桃红", "番茄红", "玫瑰红", "红", "burgundy", "wine red", "crimson",
                            "scarlet", "cherry red", "tomato red")),
    "orange": ("橙色", "orange", ("橘色", "橘黄", "orange-coloured", "orange colored")),
    "yellow": ("黄色", "yellow", ("明黄", "柠檬黄", "黄", "mustard", "lemon yellow")),
    "green": ("绿色", "green", ("墨绿", "军绿", "草绿", "橄榄绿", "薄荷绿", "牛油果绿", "绿", "olive", "mint",
                                "avocado green")),
    "blue": ("蓝色", "blue", ("天蓝", "藏青", "宝蓝", "湖蓝", "雾霾蓝", "蓝", "navy", "sky blue", "teal", "cyan")),
    "purple": ("紫色", "purple", ("香芋紫", "茄紫", "紫", "violet", "lilac", "lavender", "plum", "eggplant purple")),
    "pink": ("粉色", "pink", ("粉红", "樱花粉", "玫红", "桃粉", "粉", "rose pink", "magenta", "peach pink",
                              "salmon pink")),
    "brown": ("棕色", "brown", ("咖啡色", "巧克力色", "焦糖色", "奶茶色", "驼色", "卡其", "褐色", "棕", "khaki",
                                "tan", "camel", "caramel", "chocolate brown", "coffee brown")),
    "black": ("黑色", "black", ("纯黑", "黑", "jet black")),
    "white": ("白色", "white", ("米白", "纯白", "奶白", "白", "ivory", "off-white", "cream")),
    "grey": ("灰色", "grey", ("浅灰", "深灰", "灰", "gray", "charcoal")),
}
CHROMATIC_HUES = {"red": 0.0, "orange": 28.0, "yellow": 52.0, "green": 125.0, "blue": 215.0,
                  "purple": 275.0, "pink": 325.0}  # target hue (degrees) of each chromatic family
# single-character zh colour words only count before a garment/product noun, not inside words like 红酒/白菜
SINGLE_ZH_COLORS = {"红", "黄", "绿", "蓝", "紫", "粉", "棕", "黑", "白", "灰"}
_EN_FOOD_AFTER_ORANGE = ("juice", "fruit", "slice", "peel")


def _lexicon() -> list[tuple[str, str]]:
    """(word, family) pairs, longest first."""
    pairs = []
    for family, (zh, en, others) in COLOR_FAMILIES.items():
        pairs += [(zh, family), (en, family)] + [(o, family) for o in others]
    return sorted(pairs, key=lambda p: -len(p[0]))


_LEXICON = _lexicon()


def color_words(family: str) -> tuple[str, str]:
    """The (zh, en) words of a colour family."""
    if family not in COLOR_FAMILIES:
        raise InvalidInputError(f"colour family {family!r} must be one of {sorted(COLOR_FAMILIES)}")
    zh, en, _ = COLOR_FAMILIES[family]
    return zh, en


def color_spans(text: str) -> list[tuple[int, int, str]]:
    """Every colour word in zh or en text as (start, end, family), in text order; where words overlap, the
    longest wins, then the leftmost (酒红色: 酒红, not 红色).

    Rules: a single Chinese character (红, 白 …) counts only when followed by 色 or when it is the
    first character of the text (红裙子), so 红酒 / 白菜 / 橙子 are not colours; English "orange"
    counts except before juice/fruit/slice/peel or as the whole text.
    """
    lowered = text.lower()
    found: list[tuple[int, int, str]] = []
    for word, family in _LEXICON:
        for match in re.finditer(re.escape(word.lower()), lowered):
            start, end = match.span()
            if word.isascii():
                if (start > 0 and lowered[start - 1].isalpha()) or (end < len(lowered) and lowered[end].isalpha()):
                    continue
                if word == "orange" and (lowered.strip() == "orange" or
                                         lowered[end:].strip().startswith(_EN_FOOD_AFTER_ORANGE)):
                    continue
            elif word in SINGLE_ZH_COLORS and not (text[end:end + 1] == "色" or (start == 0 and len(text) > 2)):
                continue
            found.append((start, end, family))
    spans: list[tuple[int, int, str]] = []
    for start, end, family in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest, then leftmost
        if not any(start < e and s < end for s, e, _ in spans):
            spans.append((start, end, family))
    return sorted(spans)


def find_color(text: str) -> str | None:
    """The first colour family named in zh or en text (see color_spans); None if there is none."""
    spans = color_spans(text)
    return spans[0][2] if spans else None


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] -> (..., 3) hue in degrees, saturation and value in [0, 1]."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(-1)
    c = v - rgb.min(-1)
    s = np.where(v > 0, c / np.maximum(v, 1e-9), 0.0)
    safe = np.maximum(c, 1e-9)
    h = np.where(v == r, ((g - b) / safe) % 6, np.where(v == g, (b - r) / safe + 2, (r - g) / safe + 4))
    return np.stack([np.where(c > 0, h * 60.0, 0.0), s, v], -1)


def hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    """Inverse of rgb_to_hsv."""
    h, s, v = hsv[..., 0] / 60.0, hsv[..., 1], hsv[..., 2]
    c = v * s
    x = c * (1 - np.abs(h % 2 - 1))
    zero = np.zeros_like(h)
    sector = np.floor(h).astype(int) % 6
    choices = [np.stack(t, -1) for t in [(c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c), (c, zero, x)]]
    rgb = np.select([sector[..., None] == i for i in range(6)], choices)
    return rgb + (v - c)[..., None]


def hue_family(hue: float, value: float) -> str:
    """The chromatic family of a hue in degrees (dark oranges/reds are brown)."""
    if hue >= 345 or hue < 15:
        family = "red"
    elif hue < 40:
        family = "orange"
    elif hue < 70:
        family = "yellow"
    elif hue < 165:
        family = "green"
    elif hue < 255:
        family = "blue"
    elif hue < 290:
        family = "purple"
    else:
        family = "pink"
    if family in ("orange", "red") and value < 0.5:
        return "brown"
    return family


def dominant_color_family(img: Image.Image) -> str | None:
    """The colour family of the alpha-weighted object pixels; None for an empty (transparent) image."""
    a = np.asarray(img.convert("RGBA"), dtype=np.float32) / 255.0
    mask = a[..., 3] > 0.5
    if mask.sum() < 4:
        return None
    hsv = rgb_to_hsv(a[..., :3][mask])
    chroma = (hsv[:, 1] > 0.3) & (hsv[:, 2] > 0.25)
    if chroma.mean() < 0.3:
        v = float(hsv[:, 2].mean())
        return "black" if v < 0.3 else "white" if v > 0.75 else "grey"
    hues, weights = hsv[chroma, 0], (hsv[chroma, 1] * hsv[chroma, 2])
    hist, edges = np.histogram(hues, bins=36, range=(0, 360), weights=weights)
    hist = hist + np.roll(hist, 1) + np.roll(hist, -1)  # smooth across neighbouring bins (and 0/360)
    peak = int(hist.argmax())
    hue = (edges[peak] + 5.0) % 360
    near = np.abs(((hues - hue) + 180) % 360 - 180) < 20
    value = float(hsv[chroma, 2][near].mean()) if near.any() else float(hsv[chroma, 2].mean())
    return hue_family(hue, value)
