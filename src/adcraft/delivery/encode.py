"""Encode to a byte budget: the best-quality PNG, PNG-8, JPEG or WebP file under a network's limit."""

from __future__ import annotations

import io
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from adcraft.errors import BudgetError, InvalidInputError

logger = logging.getLogger(__name__)

JPEG_QUALITIES = (40, 95)  # quality range searched for JPEG and WebP (below 40 text visibly smears)
PNG8_COLORS = (256, 128, 64, 32)  # palette sizes tried for PNG-8, most colours first
OXIPNG_LEVEL = 2  # oxipng effort (0-6); 2 is its default: most of the gain at a fraction of the time
LOSSLESS_PSNR = 99.0  # dB reported for a lossless encode (PSNR is infinite)
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "gif": ".gif"}


@dataclass
class Encoded:
    """One encoded file: its bytes, the container format and the settings that made it."""

    data: bytes  # the file's bytes
    format: str  # "png", "jpeg", "webp" or "gif"
    settings: dict[str, Any]  # e.g. {"quality": 82} or {"colors": 128, "oxipng": 2}
    psnr: float  # dB against the source image (LOSSLESS_PSNR when lossless)
    seconds: float = 0.0  # time the whole search took
    tried: list[dict[str, Any]] = field(default_factory=list)  # every candidate: settings, bytes, psnr

    @property
    def bytes(self) -> int:
        """File size."""
        return len(self.data)

    @property
    def extension(self) -> str:
        """File name extension for the format."""
        return EXTENSIONS[self.format]

    def to_dict(self) -> dict[str, Any]:
        """Manifest entry: format, settings, bytes, PSNR, search time."""
        return {
            "format": self.format,
            "settings": self.settings,
            "bytes": self.bytes,
            "psnr_db": round(self.psnr, 2),
            "encode_seconds": round(self.seconds, 3),
            "candidates": len(self.tried),
        }


def psnr(reference: Image.Image, data: bytes) -> float:
    """Peak signal-to-noise ratio (dB) of an encoded file's pixels against the reference RGB image."""
    a = np.asarray(reference.convert("RGB"), dtype=np.float32)
    b = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float32)
    mse = float(np.mean((a - b) ** 2))
    return LOSSLESS_PSNR if mse == 0 else min(LOSSLESS_PSNR, 10 * math.log10(255.0**2 / mse))


def optimise_png(data: bytes) -> bytes:
    """Lossless PNG recompression with oxipng (pyoxipng); pixels are unchanged."""
    import oxipng

    return oxipng.optimize_from_memory(data, level=OXIPNG_LEVEL)


def encode_png(image: Image.Image, colors: int | None = None) -> bytes:
    """PNG: full colour (lossless) or quantised to a palette of `colors`, then oxipng."""
    buffer = io.BytesIO()
    if colors is None:
        image.save(buffer, "PNG")
    else:
        quantised = image.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        quantised.save(buffer, "PNG")
    return optimise_png(buffer.getvalue())


def encode_lossy(image: Image.Image, fmt: str, quality: int) -> bytes:
    """JPEG (progressive, optimised Huffman tables) or WebP at a quality."""
    buffer = io.BytesIO()
    rgb = image.convert("RGB")
    if fmt == "jpeg":
        rgb.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "webp":
        rgb.save(buffer, "WEBP", quality=quality, method=6)
    else:
        raise InvalidInputError(f"lossy format {fmt!r} must be jpeg or webp")
    return buffer.getvalue()


def encode_gif(image: Image.Image, colors: int = 256) -> bytes:
    """A static GIF with an adaptive palette."""
    buffer = io.BytesIO()
    image.convert("RGB").quantize(
        colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    ).save(buffer, "GIF", optimize=True)
    return buffer.getvalue()


def _best_quality(
    image: Image.Image, fmt: str, max_bytes: int, tried: list, finish: Callable
) -> tuple[bytes, int] | None:
    """Binary search for the highest quality whose file fits max_bytes."""
    lo, hi = JPEG_QUALITIES
    best = None
    while lo <= hi:
        q = (lo + hi) // 2
        data = finish(encode_lossy(image, fmt, q), fmt)
        tried.append({"format": fmt, "quality": q, "bytes": len(data)})
        if len(data) <= max_bytes:
            best, lo = (data, q), q + 1
        else:
            hi = q - 1
    return best


def _candidates(
    image: Image.Image, formats: Sequence[str], max_bytes: int, tried: list, finish: Callable
) -> list[tuple]:
    """Every format's best fitting encode as (data, format, settings)."""
    out = []
    for fmt in formats:
        if fmt in ("jpeg", "webp"):
            found = _best_quality(image, fmt, max_bytes, tried, finish)
            if found:
                out.append((found[0], fmt, {"quality": found[1]}))
        elif fmt in ("png", "gif"):
            for colors in PNG8_COLORS:
                data = finish(encode_png(image, colors) if fmt == "png" else encode_gif(image, colors), fmt)
                tried.append({"format": fmt, "colors": colors, "bytes": len(data)})
                if len(data) <= max_bytes:
                    settings = {"colors": colors} | ({"oxipng": OXIPNG_LEVEL} if fmt == "png" else {})
                    out.append((data, fmt, settings))
                    break
        else:
            raise InvalidInputError(f"format {fmt!r} must be one of {list(EXTENSIONS)}")
    return out


def encode_to_budget(
    image: Image.Image,
    max_bytes: int,
    formats: Sequence[str] = ("png", "jpeg"),
    label: str = "image",
    finish: Callable[[bytes, str], bytes] | None = None,
) -> Encoded:
    """The best-quality encode (highest PSNR) in an allowed format under max_bytes.

    A lossless PNG wins when it fits; otherwise JPEG/WebP qualities and PNG-8/GIF palettes are searched
    and the candidate closest to the source (PSNR) is kept. Raises BudgetError naming `label` and the
    smallest size reached when nothing fits. `finish(data, format)` (e.g. writing the XMP content
    label) runs on every candidate before its size is compared, so the budget holds for the final file.
    """
    if max_bytes <= 0:
        raise InvalidInputError(f"max_bytes {max_bytes} must be positive")
    started = time.perf_counter()
    tried: list[dict[str, Any]] = []
    finish = finish or (lambda data, fmt: data)
    if "png" in formats:
        data = finish(encode_png(image), "png")
        tried.append({"format": "png", "lossless": True, "bytes": len(data)})
        if len(data) <= max_bytes:
            return Encoded(
                data,
                "png",
                {"lossless": True, "oxipng": OXIPNG_LEVEL},
                LOSSLESS_PSNR,
                time.perf_counter() - started,
                tried,
            )
    candidates = _candidates(image, formats, max_bytes, tried, finish)
    if not candidates:
        smallest = min(tried, key=lambda t: t["bytes"])
        raise BudgetError(
            f"{label} cannot fit {max_bytes:,} bytes in {list(formats)}: the smallest file reached was "
            f"{smallest['bytes']:,} bytes ({smallest}); allow another format or a larger budget"
        )
    scored = [(psnr(image, data), data, fmt, settings) for data, fmt, settings in candidates]
    for score, data, fmt, settings in scored:
        logger.debug("%s %s %s: %d bytes, %.2f dB", label, fmt, settings, len(data), score)
    score, data, fmt, settings = max(scored, key=lambda s: s[0])
    return Encoded(data, fmt, settings, score, time.perf_counter() - started, tried)
