"""Export: creative images (PNG, JPEG, WebP) and manifest.json, written atomically."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from adcraft.errors import InvalidInputError
from adcraft.fileio import write_bytes_atomic

logger = logging.getLogger(__name__)

FORMATS = {
    "png": ("PNG", ".png"),
    "jpeg": ("JPEG", ".jpg"),
    "jpg": ("JPEG", ".jpg"),
    "webp": ("WEBP", ".webp"),
}
DEFAULT_QUALITY = 90  # JPEG/WebP quality; ignored for PNG
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def check_formats(formats: Iterable[str]) -> list[str]:
    """Lower-cased, de-duplicated formats, each one of FORMATS."""
    out: list[str] = []
    for fmt in formats:
        key = str(fmt).strip().lower()
        if key not in FORMATS:
            raise InvalidInputError(f"format {fmt!r} must be one of {sorted(set(FORMATS) - {'jpg'})}")
        key = "jpeg" if key == "jpg" else key
        if key not in out:
            out.append(key)
    if not out:
        raise InvalidInputError("formats is empty; give png, jpeg or webp")
    return out


def check_quality(quality: int) -> int:
    """JPEG/WebP quality 1..100."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise InvalidInputError(f"quality {quality!r} must be an integer from 1 to 100")
    return quality


def check_output_dir(path: str | Path, name: str = "out") -> Path:
    """Refuse an output folder that is a file, lies under a file, or cannot be written; creates nothing."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InvalidInputError(f"{name} {str(path)!r} is a file; give a folder (it is created if missing)")
    parent = path
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise InvalidInputError(f"{name} {str(path)!r} lies under the file {str(parent)!r}; give a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InvalidInputError(
            f"{name} {str(path)!r} cannot be written: no write permission on {str(parent)!r}"
        )
    return path


def encode_image(image, fmt: str, quality: int = DEFAULT_QUALITY, label: Any = None) -> bytes:
    """Encode an RGB image in one of FORMATS; with a ContentLabel (creative.aigc), its XMP label too."""
    pil_format, _ = FORMATS[check_formats([fmt])[0]]
    buffer = io.BytesIO()
    options: dict[str, Any] = (
        {"optimize": True} if pil_format == "PNG" else {"quality": check_quality(quality)}
    )
    image.convert("RGB").save(buffer, pil_format, **options)
    if label is None:
        return buffer.getvalue()
    from adcraft.creative.aigc import embed_label

    return embed_label(buffer.getvalue(), label)


def save_image(image, path: Path, fmt: str, quality: int = DEFAULT_QUALITY, label: Any = None) -> Path:
    """Atomically write image to path in the given format (with label's XMP, if given); returns the path."""
    write_bytes_atomic(path, encode_image(image, fmt, quality, label))
    return path


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> Path:
    """Atomically write manifest.json (UTF-8, Chinese kept readable) into out_dir."""
    path = Path(out_dir) / MANIFEST_NAME
    data = {"manifest_version": MANIFEST_VERSION, **manifest}
    write_bytes_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    return path


def creative_filename(slug: str, placement_key: str, fmt: str, variant: str = "") -> str:
    """'<slug>_<WxH>[_<variant>].<ext>'."""
    ext = FORMATS[fmt][1]
    return f"{slug}_{placement_key}{'_' + variant if variant else ''}{ext}"
