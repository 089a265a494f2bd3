"""Marketplace main images: the product alone on pure white, filling the frame (Amazon, JD)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from adcraft.creative.render import MASK_THRESHOLD
from adcraft.errors import InvalidInputError

WHITE = (255, 255, 255)
TARGET_FILL = 0.9  # the product's longer side spans this share of the frame (Amazon asks for >= 85 %)


def render_main_image(visual: Image.Image, size: tuple[int, int], fill: float = TARGET_FILL) -> Image.Image:
    """The RGBA visual trimmed, scaled so its longer side spans `fill` of the frame, centred on white.

    Alpha below the product mask threshold is dropped so the background stays exactly RGB 255.
    """
    if visual.mode != "RGBA":
        raise InvalidInputError(f"main image visual must be RGBA, got {visual.mode}")
    if not 0.5 <= fill <= 1.0:
        raise InvalidInputError(f"fill {fill} must be within 0.5..1.0")
    alpha = np.asarray(visual.getchannel("A"))
    alpha = np.where(alpha > MASK_THRESHOLD, alpha, 0).astype(np.uint8)
    visual = visual.copy()
    visual.putalpha(Image.fromarray(alpha))
    bbox = visual.getchannel("A").getbbox()
    if bbox is None:
        raise InvalidInputError("main image visual is fully transparent: there is no product to show")
    product = visual.crop(bbox)
    w, h = size
    scale = min(w * fill / product.width, h * fill / product.height)
    product = product.resize(
        (max(1, round(product.width * scale)), max(1, round(product.height * scale))), Image.LANCZOS
    )
    canvas = Image.new("RGB", size, WHITE)
    canvas.paste(
        product.convert("RGB"), ((w - product.width) // 2, (h - product.height) // 2), product.getchannel("A")
    )
    return canvas


def white_share(image: Image.Image, band: float = 0.02) -> float:
    """Share of the outer band (each side's `band` of the frame) that is pure white (JPEG noise: >= 250)."""
    pixels = np.asarray(image.convert("RGB"))
    h, w = pixels.shape[:2]
    by, bx = max(1, round(h * band)), max(1, round(w * band))
    border = np.ones((h, w), dtype=bool)
    border[by : h - by, bx : w - bx] = False
    return float(np.all(pixels[border] >= 250, axis=1).mean())


def product_fill(image: Image.Image) -> float:
    """The share of the frame the product spans on its longer relative side (non-white pixels' box)."""
    pixels = np.asarray(image.convert("RGB"))
    ys, xs = np.nonzero(np.any(pixels < 245, axis=2))
    if not len(ys):
        return 0.0
    h, w = pixels.shape[:2]
    return max((xs.max() - xs.min() + 1) / w, (ys.max() - ys.min() + 1) / h)
