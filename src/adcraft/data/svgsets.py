"""Iconify JSON emoji sets: find a concept's SVG by code point or name, and render it with resvg.

resvg was chosen by measurement (bench/svg_render.py, docs/data.md): it draws the Fluent sets' blur
filters and gradients that cairosvg drops, at 6.5 ms per 64 px image and ~58 ms per 256 px image.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from adcraft.errors import DataError


@dataclass
class IconSet:
    """An Iconify JSON set: icon bodies by name, aliases, and code point -> name where the set has it."""

    prefix: str
    icons: dict[str, dict]
    aliases: dict[str, dict]
    chars: dict[str, str]
    width: float
    height: float
    licence: str  # SPDX id from the set's info.json

    def find(self, hexcode: str, names: list[str]) -> str | None:
        """The icon name for an emoji: by code point (fe0f dropped), then by any of the candidate names,
        written with hyphens or without (fxemoji's "admissiontickets")."""
        by_char = self.chars.get(hexcode) or self.chars.get(hexcode.replace("-fe0f", ""))
        for name in ([by_char] if by_char else []) + names:
            for variant in (name, name.replace("-", "")):
                if variant in self.icons:
                    return variant
                if variant in self.aliases and self.aliases[variant].get("parent") in self.icons:
                    return self.aliases[variant]["parent"]
        return None

    def svg(self, name: str, size: int) -> str:
        """A standalone SVG document of one icon at size x size pixels."""
        icon = self.icons[name]
        w, h = icon.get("width", self.width), icon.get("height", self.height)
        left, top = icon.get("left", 0), icon.get("top", 0)
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{size}" height="{size}" viewBox="{left} {top} {w} {h}">{icon["body"]}</svg>'
        )


def load_icon_set(package_dir: Path) -> IconSet:
    """Read an extracted @iconify-json/* package folder (icons.json, info.json, chars.json)."""
    try:
        data = json.loads((package_dir / "icons.json").read_text(encoding="utf-8"))
        info = json.loads((package_dir / "info.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{package_dir} is not an Iconify JSON package ({exc})") from exc
    chars_file = package_dir / "chars.json"
    chars = json.loads(chars_file.read_text(encoding="utf-8")) if chars_file.is_file() else {}
    return IconSet(
        data.get("prefix", package_dir.name),
        data["icons"],
        data.get("aliases", {}),
        {k.lower(): v for k, v in chars.items()},
        data.get("width", 16),
        data.get("height", 16),
        info.get("license", {}).get("spdx", ""),
    )


def slug(label: str) -> str:
    """An emoji label as Iconify names it: "woman's hat" -> "woman-s-hat"."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower().replace("’", "'")).strip("-")


def render_svg(svg: str) -> Image.Image:
    """Rasterise an SVG document to RGBA with resvg (system fonts are skipped: emoji have no text)."""
    import resvg_py  # imported here: only the dataset builder needs it

    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True))
    except ValueError as exc:
        raise DataError(f"resvg could not render an SVG ({exc})") from exc
    with Image.open(io.BytesIO(png)) as img:
        return img.convert("RGBA")
