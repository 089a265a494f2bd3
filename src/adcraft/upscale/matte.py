"""Colour bleeding for RGBA images, so resamplers never mix in the colour of transparent pixels."""

from __future__ import annotations

import cv2
import numpy as np

BLEED_RADII = (1, 2, 4, 8, 16, 32, 64)  # box radii tried in turn; 64 covers a 256 px frame from any object
OPAQUE_EPS = 1e-3  # alpha below this counts as transparent when bleeding


def bleed_colors(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Fill transparent pixels with the alpha-weighted mean colour of nearby visible pixels.

    rgb: (H, W, 3) float32 in [0, 1]; alpha: (H, W) float32 in [0, 1]. Visible pixels keep their
    colour; a pixel with alpha 0 takes the colour of the nearest object pixels, so an upscaler
    that looks across the edge sees the object's own colour there instead of black or white (halos).
    """
    if rgb.shape[:2] != alpha.shape:
        raise ValueError(f"rgb {rgb.shape} and alpha {alpha.shape} must share height and width")
    out = rgb.astype(np.float32).copy()
    if alpha.max() <= OPAQUE_EPS:
        return out
    prem = rgb * alpha[..., None]
    filled = alpha > OPAQUE_EPS
    for r in BLEED_RADII:
        k = (2 * r + 1, 2 * r + 1)
        num = cv2.blur(prem, k, borderType=cv2.BORDER_REFLECT)  # (H, W, 3)
        den = cv2.blur(alpha.astype(np.float32), k, borderType=cv2.BORDER_REFLECT)  # (H, W)
        todo = ~filled & (den > OPAQUE_EPS)
        out[todo] = num[todo] / den[todo, None]
        filled |= todo
        if filled.all():
            break
    # semi-transparent edge pixels: keep their own colour (already un-premultiplied by the caller)
    return out.clip(0.0, 1.0)
