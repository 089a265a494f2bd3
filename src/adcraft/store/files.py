"""Files under the data directory: atomic writes (adcraft.fileio) and paths kept inside the root."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from adcraft.errors import InvalidInputError
from adcraft.fileio import write_bytes_atomic, write_json_atomic

__all__ = [
    "relative_to_root",
    "resolve_inside",
    "save_image_atomic",
    "write_bytes_atomic",
    "write_json_atomic",
]


def save_image_atomic(image: Image.Image, path: str | Path) -> Path:
    """Save a PIL image in the format named by the suffix (png, jpg, webp), atomically."""
    import io

    path = Path(path)
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(f"image suffix {path.suffix!r} must be one of .png, .jpg, .jpeg, .webp")
    if fmt == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return write_bytes_atomic(path, buf.getvalue())


def resolve_inside(root: str | Path, relative: str | Path) -> Path:
    """Join a stored relative path onto root and refuse anything that escapes it (.., absolute, links)."""
    root = Path(root).resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        raise InvalidInputError(f"path {str(relative)!r} is outside the data directory")
    return target


def relative_to_root(root: str | Path, path: str | Path) -> str:
    """The POSIX path of `path` relative to root, as stored in the database; refuses outside paths."""
    root = Path(root).resolve()
    path = Path(path).resolve()
    if root not in path.parents:
        raise InvalidInputError(f"path {str(path)!r} is outside the data directory {str(root)!r}")
    return path.relative_to(root).as_posix()
