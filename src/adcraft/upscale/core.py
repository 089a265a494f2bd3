"""upscale(): RGBA product visuals to a larger size with Real-ESRGAN (ncnn) or a resampling fallback."""

from __future__ import annotations

import logging

import numpy as np
from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.upscale.esrgan import ESRGAN_MODELS, model_file, ncnn_available, run_esrgan
from adcraft.upscale.matte import bleed_colors

logger = logging.getLogger(__name__)

RESAMPLERS = {"lanczos": Image.Resampling.LANCZOS, "bicubic": Image.Resampling.BICUBIC}
METHODS = ("auto", *ESRGAN_MODELS, *RESAMPLERS)
ALPHA_METHODS = ("lanczos", "net")  # how the alpha channel is upscaled next to a Real-ESRGAN colour pass
AUTO_MODEL = "x4plus"  # what method="auto" runs when ncnn is present (sharpest in bench/upscale.py)
DEFAULT_ALPHA = "lanczos"  # cleaner mask edges than the net in bench/upscale.py (docs/benchmarks.md)
MAX_INPUT_SIDE = 1024  # refuse larger inputs: Real-ESRGAN on the CPU would take minutes
SCALES = (2, 3, 4)


def resolve_method(method: str, scale: int) -> str:
    """The concrete method for a request: 'auto' becomes a Real-ESRGAN model or 'lanczos'."""
    if method not in METHODS:
        raise InvalidInputError(f"upscale method {method!r} must be one of {list(METHODS)}")
    if scale not in SCALES:
        raise InvalidInputError(f"upscale scale {scale!r} must be one of {list(SCALES)}")
    if method != "auto":
        return method
    if not ncnn_available():
        logger.warning("ncnn is not available; upscaling with Lanczos")
        return "lanczos"
    return AUTO_MODEL if scale in ESRGAN_MODELS[AUTO_MODEL].files else "animevideov3"


def upscale(
    img: Image.Image, scale: int = 4, method: str = "auto", alpha: str = DEFAULT_ALPHA
) -> Image.Image:
    """Return an RGBA image `scale` times larger; alpha is upscaled too and colours do not halo."""
    if not isinstance(img, Image.Image):
        raise InvalidInputError(f"upscale needs a PIL image, got {type(img).__name__}")
    if max(img.size) > MAX_INPUT_SIDE or min(img.size) < 1:
        raise InvalidInputError(f"image size {img.size} must be between 1 and {MAX_INPUT_SIDE} px per side")
    if alpha not in ALPHA_METHODS:
        raise InvalidInputError(f"alpha method {alpha!r} must be one of {list(ALPHA_METHODS)}")
    method = resolve_method(method, scale)
    rgba = img.convert("RGBA")
    size = (rgba.width * scale, rgba.height * scale)
    if method in RESAMPLERS:
        return resample_rgba(rgba, size, RESAMPLERS[method])
    model_file(method, scale)  # refuse an unsupported scale before any work
    arr = np.asarray(rgba, dtype=np.float32) / 255.0  # (H, W, 4)
    a = arr[..., 3]
    rgb = bleed_colors(arr[..., :3], a)
    rgb_up = run_esrgan(_to_uint8(rgb), method, scale)  # (H*s, W*s, 3)
    if alpha == "net":
        a_up = run_esrgan(_to_uint8(np.repeat(a[..., None], 3, axis=2)), method, scale).mean(axis=2)
    else:
        a_img = Image.fromarray(_to_uint8(a), "L").resize(size, Image.Resampling.LANCZOS)
        a_up = np.asarray(a_img, dtype=np.float32) / 255.0
    out = np.concatenate([rgb_up, a_up[..., None]], axis=2)
    return Image.fromarray(_to_uint8(out), "RGBA")


def resample_rgba(rgba: Image.Image, size: tuple[int, int], resample: Image.Resampling) -> Image.Image:
    """Resize RGBA with a classic filter; Pillow premultiplies RGBA internally, so edges do not fringe."""
    return rgba.resize(size, resample)


def _to_uint8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
