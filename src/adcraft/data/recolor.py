"""Colour variants of a product image in OKLCH: the object takes a target colour's lightness, chroma and
hue while every pixel keeps its offset from the object's mean lightness and its share of the object's
chroma, so shading, highlights and outlines survive and a black bag still reads as a bag."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from adcraft.text.colors import ACHROMATIC_CHROMA
from adcraft.text.oklab import oklch_to_srgb, srgb_to_oklch


@dataclass(frozen=True)
class ColorTarget:
    """A colour a variant is made in: its family, OKLCH lightness / chroma / hue, and the shop words
    (zh, en) its captions use. Several targets share a family (charcoal and silver are both grey)."""

    name: str  # file tag: "black", "charcoal", "camel" ...
    family: str  # adcraft.text.colors family the variant must measure as
    lightness: float  # target mean lightness of the object (OKLab L)
    chroma: float  # target median chroma of the coloured pixels (0 = achromatic)
    hue: float  # target hue in degrees (ignored when chroma is 0)
    contrast: float  # how much of the original's lightness spread is kept (dark and light targets compress)
    zh: tuple[str, ...]  # caption words; each must read as `family` (tests/data/test_recolor.py)
    en: tuple[str, ...]


COLOR_TARGETS: list[ColorTarget] = [
    ColorTarget("red", "red", 0.56, 0.20, 27, 0.9, ("红色", "大红色"), ("red",)),
    ColorTarget("orange", "orange", 0.74, 0.17, 55, 0.9, ("橙色",), ("orange",)),
    ColorTarget("yellow", "yellow", 0.90, 0.17, 100, 0.6, ("黄色", "明黄色"), ("yellow",)),
    ColorTarget("gold", "gold", 0.76, 0.12, 88, 0.8, ("金色", "香槟金"), ("gold", "champagne gold")),
    ColorTarget("green", "green", 0.62, 0.16, 145, 0.9, ("绿色",), ("green",)),
    ColorTarget("blue", "blue", 0.58, 0.17, 255, 0.9, ("蓝色", "宝蓝色"), ("blue",)),
    ColorTarget("navy", "navy", 0.30, 0.09, 265, 0.6, ("藏青色", "藏蓝色"), ("navy", "navy blue")),
    ColorTarget("purple", "purple", 0.55, 0.17, 305, 0.9, ("紫色",), ("purple",)),
    ColorTarget("pink", "pink", 0.78, 0.12, 350, 0.7, ("粉色", "粉红色"), ("pink",)),
    ColorTarget("brown", "brown", 0.44, 0.08, 55, 0.8, ("棕色", "咖啡色"), ("brown",)),
    ColorTarget("camel", "brown", 0.68, 0.08, 72, 0.7, ("驼色", "卡其色"), ("camel", "khaki")),
    ColorTarget("beige", "brown", 0.86, 0.05, 80, 0.5, ("米色",), ("beige",)),
    ColorTarget("black", "black", 0.22, 0.0, 0, 0.6, ("黑色",), ("black",)),
    ColorTarget("charcoal", "grey", 0.42, 0.0, 0, 0.7, ("深灰色",), ("charcoal", "dark gray")),
    ColorTarget("grey", "grey", 0.62, 0.0, 0, 0.7, ("灰色", "银色"), ("gray", "silver")),
    ColorTarget("white", "white", 0.95, 0.0, 0, 0.35, ("白色", "米白色"), ("white", "off-white")),
]
TARGETS_BY_NAME = {t.name: t for t in COLOR_TARGETS}


def recolor(img: Image.Image, target: ColorTarget) -> Image.Image:
    """The image with its object moved to target's colour in OKLCH (alpha untouched)."""
    a = np.asarray(img.convert("RGBA"), dtype=np.float64) / 255.0
    lch = srgb_to_oklch(a[..., :3])  # (H, W, 3)
    obj = a[..., 3] > 0.5
    if obj.sum() < 4:
        return img.convert("RGBA")
    lightness, chroma, hue = lch[..., 0], lch[..., 1], lch[..., 2]
    mean_l = float(lightness[obj].mean())
    coloured = obj & (chroma >= ACHROMATIC_CHROMA)
    new_l = np.clip(target.lightness + (lightness - mean_l) * target.contrast, 0.03, 0.99)
    if target.chroma == 0:
        new_c = np.minimum(chroma, 0.01)  # keep only a trace of tint, so greys are not blue or brown
        new_h = hue
    elif coloured.sum() >= 4:
        ref_c = float(np.median(chroma[coloured]))
        weights = chroma[coloured]
        angles = np.deg2rad(hue[coloured])
        mean_h = np.rad2deg(np.arctan2((np.sin(angles) * weights).sum(), (np.cos(angles) * weights).sum()))
        new_c = np.clip(chroma * target.chroma / max(ref_c, 1e-3), 0, 0.32)
        new_h = (hue + target.hue - mean_h) % 360  # one rotation keeps a multi-colour design's relations
    else:  # a grey or white object: give every pixel the target chroma and hue, so it becomes that colour
        new_c = np.full_like(chroma, target.chroma)
        new_h = np.full_like(hue, target.hue)
    out = lch.copy()
    visible = a[..., 3] > 0  # edge pixels too, so no rim of the old colour is left
    out[visible] = np.stack([new_l, new_c, new_h], -1)[visible]
    rgb = oklch_to_srgb(out)
    rgba = np.concatenate([rgb, a[..., 3:4]], -1)
    return Image.fromarray((rgba * 255 + 0.5).astype(np.uint8), "RGBA")
