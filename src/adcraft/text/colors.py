"""Colour families: zh/en colour words in text, and the dominant colour family of an RGBA image."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.text.oklab import srgb_to_oklch

# family -> (zh word, en word, other spellings that name the same family); the compound names made of a
# product word (樱桃红, "tomato red", 巧克力色) are here so that grounding never reads them as the
# product (SHADES_WITHOUT_FAMILY below does the same for 玫瑰金). Shops' achromatic, brown and metal words
# have their own families since issue 20: grey takes 银色/silver, brown takes beige and camel, navy and gold
# are families (a sterling silver ring and a 14k gold chain are drawn in that colour); "graphite" stays out
# (a graphite racket is the material)
COLOR_FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "red": (
        "红色",
        "red",
        (
            "大红",
            "酒红",
            "樱桃红",
            "番茄红",
            "玫瑰红",
            "红",
            "burgundy",
            "wine red",
            "crimson",
            "scarlet",
            "cherry red",
            "tomato red",
        ),
    ),
    "orange": ("橙色", "orange", ("橘色", "橘黄", "橙", "orange-coloured", "orange colored")),
    "yellow": ("黄色", "yellow", ("明黄", "柠檬黄", "黄", "mustard", "lemon yellow")),
    "green": (
        "绿色",
        "green",
        (
            "墨绿",
            "军绿",
            "草绿",
            "橄榄绿",
            "薄荷绿",
            "牛油果绿",
            "雅川青",
            "绿",
            "olive",
            "mint",
            "avocado green",
        ),
    ),
    "navy": (
        "藏青色",
        "navy",
        ("藏青", "藏蓝", "海军蓝", "navy blue", "midnight blue"),
    ),  # before blue: 海军蓝
    "blue": (
        "蓝色",
        "blue",
        ("天蓝", "宝蓝", "湖蓝", "雾霾蓝", "蓝", "sky blue", "teal", "cyan"),
    ),
    "purple": (
        "紫色",
        "purple",
        ("香芋紫", "茄紫", "紫", "violet", "lilac", "lavender", "plum", "eggplant purple"),
    ),
    "pink": (
        "粉色",
        "pink",
        (
            "粉红",
            "樱花粉",
            "玫红",
            "桃粉",
            "粉",
            "豆沙色",
            "rose pink",
            "magenta",
            "peach pink",
            "salmon pink",
        ),
    ),
    "brown": (
        "棕色",
        "brown",
        (
            "咖啡色",
            "巧克力色",
            "焦糖色",
            "奶茶色",
            "驼色",
            "卡其",
            "褐色",
            "棕",
            "咖色",
            "米色",
            "燕麦色",
            "khaki",
            "beige",
            "tan",
            "camel",
            "caramel",
            "chocolate brown",
            "coffee brown",
        ),
    ),
    "black": ("黑色", "black", ("纯黑", "黑", "午夜色", "jet black")),
    "white": ("白色", "white", ("米白", "纯白", "奶白", "白", "星光色", "ivory", "off-white", "cream")),
    "grey": (
        "灰色",
        "grey",
        ("浅灰", "深灰", "深空灰", "灰", "银色", "石墨色", "gray", "charcoal", "silver", "silver-tone"),
    ),
    "gold": ("金色", "gold", ("香槟金", "香槟色", "gold-tone", "champagne gold")),  # not "golden": food
}
# colour names that are none of the families (rose gold, apricot): read as colour names, so grounding never
# takes them for the product (玫瑰金 is no rose), but they give no family: no colour beats a wrong one
SHADES_WITHOUT_FAMILY = (
    "玫瑰金",
    "杏色",
    "rose gold",
)
CHROMATIC_HUES = {
    "red": 0.0,
    "orange": 28.0,
    "yellow": 52.0,
    "green": 125.0,
    "blue": 215.0,
    "purple": 275.0,
    "pink": 325.0,
}  # target hue (degrees) of each chromatic family
# single-character zh colour words count only after 色, as a title's first character, or after a
# colour-name prefix (西瓜红, 象牙白, 深蓝), not inside words like 红酒/白菜/口红/美白
SINGLE_ZH_COLORS = {"红", "橙", "黄", "绿", "蓝", "紫", "粉", "棕", "黑", "白", "灰"}
# shades and objects that make a colour name with a bare colour character (written from shop listings)
ZH_COLOR_PREFIXES = (
    "深",
    "浅",
    "淡",
    "暗",
    "纯",
    "嫩",
    "米",
    "墨",
    "雪",
    "砖",
    "炭",
    "碳",
    "钛",
    "铁锈",
    "西瓜",
    "芒果",
    "抹茶",
    "象牙",
    "珍珠",
    "石榴",
    "柿子",
    "香蕉",
    "草莓",
    "青柠",
    "柠檬",
    "乌木",
    "奶油",
    "水泥",
    "樱桃",
    "番茄",
    "牛油果",
    "薄荷",
    "橄榄",
    "玫瑰",
    "葡萄",
    "焦糖",
    "咖啡",
    "巧克力",
    "奶茶",
    "蜂蜜",
    "香槟",
    "燕麦",
    "宝石",
    "孔雀",
    "天空",
    "海军",
    "雾霾",
    "豆沙",
    "樱花",
    "薰衣草",
    "珊瑚",
    "琥珀",
    "月光",
    "牛仔",
    "苹果",
    "橘子",
    "丁香",
    "香芋",
    "芋泥",
    "藕",
    "黑曜石",
    "太空",
    "星空",
    "极光",
    "翡翠",
    "松石",
    "蓝莓",
    "桑葚",
    "荔枝",
    "蜜桃",
    "荧光",
    "克莱因",
    "勃艮第",
    "普鲁士",
    "午夜",
    "深海",
    "海洋",
    "森林",
    "松柏",
    "苔藓",
    "芥末",
    "蛋黄",
    "云朵",
    "烟雾",
    "曜石",
    "水晶",
    "枫叶",
    "哑光",
    "磨砂",
    "冰川",
    "远峰",
    "暮山",
    "极夜",
    "幻夜",
    "龙晶",
    "晴空",
    "霞光",
    "钛空",  # phone and gadget finishes
)
# words that start with a colour character but name no colour (柠檬红茶 is lemon black tea, not red)
ZH_NOT_COLORS = (
    "红酒",
    "白酒",
    "黄酒",
    "白菜",
    "黑米",
    "红薯",
    "黄瓜",
    "绿茶",
    "红茶",
    "白茶",
    "黑茶",
    "红包",
    "黑板",
    "白板",
    "红木",
    "黄金",
    "白金",
    "白银",
    "白领",
    "红枣",
    "红糖",
    "白糖",
    "黑糖",
    "绿豆",
    "红豆",
    "黑豆",
    "黄豆",
    "黄油",
    "红牛",
    "白兰地",
    "紫菜",
    "黑芝麻",
    "白芝麻",
    "红烧",
    "黑胡椒",
    "白胡椒",
    "黄桃",
    "红心",
    "黑巧",
    "白巧",
    "红参",
    "黑科技",
    "红外",
    "蓝牙",
    "蓝光",
    "白噪音",
    "黑胶",
    "红米",
    "橙子",
    "橙汁",
    "黄花",
    "白醋",
    "黑醋",
    "红油",
)
_EN_FOOD_AFTER_ORANGE = ("juice", "fruit", "slice", "peel")


def _lexicon() -> list[tuple[str, str | None]]:
    """(word, family) pairs (color_spans resolves overlaps, so their order does not matter)."""
    pairs: list[tuple[str, str | None]] = [(shade, None) for shade in SHADES_WITHOUT_FAMILY]
    for family, (zh, en, others) in COLOR_FAMILIES.items():
        pairs += [(zh, family), (en, family)] + [(o, family) for o in others]
    return pairs


_LEXICON = _lexicon()


def color_words(family: str) -> tuple[str, str]:
    """The (zh, en) words of a colour family."""
    if family not in COLOR_FAMILIES:
        raise InvalidInputError(f"colour family {family!r} must be one of {sorted(COLOR_FAMILIES)}")
    zh, en, _ = COLOR_FAMILIES[family]
    return zh, en


def color_spans(text: str) -> list[tuple[int, int, str | None]]:
    """Every colour word in zh or en text as (start, end, family), in text order; where words overlap, the
    longest wins, then the leftmost (酒红色: 酒红, not 红色). family is None for a shade of no family (金色).

    Rules: a single Chinese character (红, 白 …) counts when followed by 色, after a colour-name prefix
    (西瓜红, 象牙白, 深蓝: the span covers the prefix), or as the first character of the text (红裙子) unless
    it starts a word that names no colour (红酒, 白菜, 橙子); so 口红 / 美白 / 网红 are not colours. English
    "orange" counts except before juice/fruit/slice/peel or as the whole text.
    """
    lowered = text.lower()
    found: list[tuple[int, int, str | None]] = []
    for word, family in _LEXICON:
        for match in re.finditer(re.escape(word.lower()), lowered):
            start, end = match.span()
            if word.isascii():
                if (start > 0 and lowered[start - 1].isalpha()) or (
                    end < len(lowered) and lowered[end].isalpha()
                ):
                    continue
                if word == "orange" and (
                    lowered.strip() == "orange" or lowered[end:].strip().startswith(_EN_FOOD_AFTER_ORANGE)
                ):
                    continue
            elif word in SINGLE_ZH_COLORS:
                if text[end : end + 1] != "色" and text.startswith(ZH_NOT_COLORS, start):
                    continue
                prefix = (
                    ""
                    if word == "粉"
                    else max(  # 粉 after a food is a powder: 抹茶粉, 奶茶粉
                        (p for p in ZH_COLOR_PREFIXES if text[max(0, start - len(p)) : start] == p),
                        key=len,
                        default="",
                    )
                )
                if prefix:
                    start -= len(prefix)  # the span covers the whole name: 西瓜红, not 红
                elif not (text[end : end + 1] == "色" or (start == 0 and len(text) > 2)):
                    continue
            found.append((start, end, family))
    spans: list[tuple[int, int, str | None]] = []
    for start, end, family in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest, then leftmost
        if not any(start < e and s < end for s, e, _ in spans):
            spans.append((start, end, family))
    return sorted(spans)


def find_color(text: str) -> str | None:
    """The first colour family named in zh or en text (see color_spans); None if there is none."""
    return next((family for _, _, family in color_spans(text) if family is not None), None)


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
    choices = [
        np.stack(t, -1)
        for t in [(c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c), (c, zero, x)]
    ]
    rgb = np.select([sector[..., None] == i for i in range(6)], choices)
    return rgb + (v - c)[..., None]


def pixel_families(lch: np.ndarray) -> np.ndarray:
    """(N, 3) OKLCH -> (N,) family names, by hue band with lightness and chroma deciding the families
    that share a hue: brown is a dark or greyish orange, gold a darker yellow, navy a dark blue, pink a
    light red or magenta (thresholds set on named shop colours, tests/text/test_colors.py)."""
    lightness, chroma, hue = lch[:, 0], lch[:, 1], lch[:, 2]
    out = np.full(len(lch), "grey", dtype=object)
    bands = [  # (hue from, hue to, family when the rule holds, rule, family otherwise)
        (345, 360, "pink", (lightness > 0.62) & (chroma < 0.2), "red"),
        (0, 15, "pink", (lightness > 0.62) & (chroma < 0.2), "red"),
        (15, 45, "red", chroma >= 0.1, "brown"),
        (45, 80, "orange", (chroma >= 0.11) & (lightness >= 0.6), "brown"),
        (80, 102, "yellow", (lightness >= 0.86) & (chroma >= 0.1), "gold"),
        (102, 125, "yellow", lightness >= 0.8, "gold"),
        (125, 190, "green", np.ones_like(chroma, bool), "green"),
        (190, 250, "blue", np.ones_like(chroma, bool), "blue"),
        (250, 285, "blue", lightness >= 0.4, "navy"),
        (285, 325, "purple", np.ones_like(chroma, bool), "purple"),
        (325, 345, "pink", lightness >= 0.6, "purple"),
    ]
    for lo, hi, yes, rule, no in bands:
        band = (hue >= lo) & (hue < hi)
        out[band & rule] = yes
        out[band & ~rule] = no
    out[(out == "red") & (lightness > 0.75)] = "pink"  # salmon and light reds read pink
    yellowish = (out == "gold") | (out == "yellow")
    out[(out == "gold") & (lightness < 0.62) & (hue >= 102)] = "green"  # olive
    out[(out == "gold") & (lightness < 0.6)] = "brown"  # dark yellows are brown
    pale = yellowish & (chroma < 0.08)  # beige, wheat (brown family) and cream (white)
    out[pale] = np.where((lightness[pale] > 0.9) & (hue[pale] >= 100), "white", "brown")
    achromatic = chroma < ACHROMATIC_CHROMA
    out[achromatic] = np.where(
        lightness[achromatic] < 0.35, "black", np.where(lightness[achromatic] > 0.88, "white", "grey")
    )
    return out


ACHROMATIC_CHROMA = 0.045  # OKLCH chroma below which a pixel is black, white or grey
CHROMATIC_SHARE = 0.3  # an object with fewer coloured pixels than this is named by its lightness


def dominant_color_family(img: Image.Image) -> str | None:
    """The colour family of an RGBA image's object pixels (alpha > 0.5), measured in OKLCH: black, white or
    grey (by mean lightness) when under 30 % of them are coloured, else the family of most coloured
    pixels; None for an empty (transparent) image."""
    a = np.asarray(img.convert("RGBA"), dtype=np.float32) / 255.0
    mask = a[..., 3] > 0.5
    if mask.sum() < 4:
        return None
    lch = srgb_to_oklch(a[..., :3][mask])
    chromatic = lch[:, 1] >= ACHROMATIC_CHROMA
    if chromatic.mean() < CHROMATIC_SHARE:
        lightness = float(lch[:, 0].mean())
        return "black" if lightness < 0.38 else "white" if lightness > 0.85 else "grey"
    names, counts = np.unique(pixel_families(lch[chromatic]), return_counts=True)
    return str(names[counts.argmax()])
