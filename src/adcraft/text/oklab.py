"""OKLab / OKLCH (Björn Ottosson, 2020): a perceptual colour space where lightness, chroma and hue are
separate, so a product can be recoloured to black or camel and keep its shading, and a colour family can
be measured the way people name colours.

The two 3x3 matrices and the cube root are the whole transform (numpy; colour-science would add a large
dependency for these ten lines). The reference values in tests/text/test_oklab.py are Ottosson's.
"""

from __future__ import annotations

import numpy as np

_M1 = np.array(  # linear sRGB -> LMS
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_M2 = np.array(  # cube-rooted LMS -> Lab
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)
_M1_INV = np.linalg.inv(_M1)
_M2_INV = np.linalg.inv(_M2)


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB transfer function inverse, [0, 1] -> linear [0, 1]."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: np.ndarray) -> np.ndarray:
    """Linear [0, 1] -> sRGB [0, 1] (values outside are clipped first)."""
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in [0, 1] -> (..., 3) OKLab (L in [0, 1], a and b roughly in [-0.4, 0.4])."""
    lms = srgb_to_linear(np.asarray(rgb, dtype=np.float64)) @ _M1.T
    return np.cbrt(lms) @ _M2.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """Inverse of srgb_to_oklab; colours outside the sRGB gamut are clipped per channel."""
    lms = (np.asarray(lab, dtype=np.float64) @ _M2_INV.T) ** 3
    return linear_to_srgb(lms @ _M1_INV.T)


def oklab_to_oklch(lab: np.ndarray) -> np.ndarray:
    """(..., 3) OKLab -> (..., 3) lightness, chroma, hue in degrees [0, 360)."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = np.rad2deg(np.arctan2(lab[..., 2], lab[..., 1])) % 360
    return np.stack([lab[..., 0], chroma, hue], -1)


def oklch_to_oklab(lch: np.ndarray) -> np.ndarray:
    """Inverse of oklab_to_oklch."""
    h = np.deg2rad(lch[..., 2])
    return np.stack([lch[..., 0], lch[..., 1] * np.cos(h), lch[..., 1] * np.sin(h)], -1)


def srgb_to_oklch(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in [0, 1] -> (..., 3) OKLCH."""
    return oklab_to_oklch(srgb_to_oklab(rgb))


def oklch_to_srgb(lch: np.ndarray) -> np.ndarray:
    """(..., 3) OKLCH -> (..., 3) sRGB in [0, 1] (clipped to the gamut)."""
    return oklab_to_srgb(oklch_to_oklab(lch))
