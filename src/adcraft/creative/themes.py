"""Campaign themes (themes.yaml): palette, background, decorations placed in free space, copy templates."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import yaml
from PIL import Image

from adcraft.creative.layout import Box, Layout
from adcraft.creative.palette import Palette, _palette
from adcraft.creative.render import BACKGROUND_STYLES, product_footprint, render_background
from adcraft.errors import ConfigError, NotFoundError

THEME_FILE = "themes.yaml"
DECORATION_DIR = "decorations"
MAX_DECORATIONS = 4  # decorations per creative
DECORATION_SHARE = (0.07, 0.2)  # decoration side as a share of the canvas's short side: (min, max)
DECORATION_CLEARANCE = 0.015  # free space kept around layout boxes, share of the short side
DECORATION_BLEED = 0.2  # share of a decoration that may run off the canvas edge
GRID = 160  # px of the coarse grid (short side) on which free space is searched
_KEYS = {"aliases", "title", "source", "palette", "background", "decorations", "copy"}
_COPY_KEYS = {"tagline", "badge", "cta"}


@dataclass(frozen=True)
class ThemeCopy:
    """A theme's copy templates in one language (they go through the compliance checker with all copy)."""

    tagline: str  # campaign line shown as (or before) the sub-line
    badge: str  # prefix of the discount badge ("限时" + "6.7折"); no badge without a real discount
    cta: str  # button text


@dataclass(frozen=True)
class Theme:
    """A campaign: palette, background treatment, decorations and copy templates."""

    name: str  # registry key ("双11", "black-friday")
    aliases: tuple[str, ...]  # other names accepted by --theme
    title: dict[str, str]  # display name per language
    source: str  # what the campaign is and where its look comes from
    palette: Palette  # the campaign's colours
    background: str  # one of render.BACKGROUND_STYLES
    decorations: tuple[str, ...]  # decoration image names (decorations/<name>.webp)
    copy: dict[str, ThemeCopy]  # "zh" / "en" -> templates

    def to_dict(self) -> dict[str, Any]:
        """Plain data for manifests."""
        return {
            "name": self.name,
            "title": self.title,
            "background": self.background,
            "decorations": list(self.decorations),
            "palette": self.palette.to_dict(),
            "source": self.source,
        }


def _parse_theme(name: str, raw: dict[str, Any]) -> Theme:
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"theme {name!r}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    if raw["background"] not in BACKGROUND_STYLES:
        raise ConfigError(f"theme {name!r}: background must be one of {list(BACKGROUND_STYLES)}")
    copy = {}
    for lang, entry in raw["copy"].items():
        if set(entry) != _COPY_KEYS:
            raise ConfigError(f"theme {name!r} copy {lang!r} must have exactly {sorted(_COPY_KEYS)}")
        copy[lang] = ThemeCopy(**{k: str(v) for k, v in entry.items()})
    return Theme(
        name=name,
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
        title=dict(raw["title"]),
        source=raw["source"],
        palette=_palette(f"theme:{name}", *raw["palette"]),
        background=raw["background"],
        decorations=tuple(raw["decorations"]),
        copy=copy,
    )


@functools.lru_cache(maxsize=1)
def load_themes() -> dict[str, Theme]:
    """Every shipped theme by name."""
    text = (resources.files("adcraft.creative") / THEME_FILE).read_text(encoding="utf-8")
    return {str(name): _parse_theme(str(name), raw) for name, raw in yaml.safe_load(text).items()}


def get_theme(name: str) -> Theme:
    """A theme by name or alias (case-insensitive)."""
    key = str(name).strip().lower()
    for theme in load_themes().values():
        if key == theme.name.lower() or key in (a.lower() for a in theme.aliases):
            return theme
    raise NotFoundError(f"theme {name!r} is unknown; known themes: {sorted(load_themes())}")


def apply_theme_copy(copy: Any, theme: Theme) -> Any:
    """The copy with the theme's tagline before the sub-line, its CTA, and its prefix on a real discount."""
    from adcraft.creative.copywriting import SUBLINE_MAX

    templates = theme.copy.get(copy.lang) or theme.copy["en"]
    joined = (
        f"{templates.tagline}｜{copy.subline}"
        if copy.lang == "zh"
        else f"{templates.tagline} | {copy.subline}"
    )
    subline = joined if copy.subline and len(joined) <= SUBLINE_MAX[copy.lang] else templates.tagline
    # the badge slot is a discount claim (compliance/price.py): the theme only prefixes a real discount
    badge = None
    if copy.discount_text:
        sep = "" if copy.lang == "zh" else " "
        badge = f"{templates.badge}{sep}{copy.discount_text}"
    return dataclasses.replace(copy, subline=subline, cta=templates.cta, discount_text=badge)


@functools.lru_cache(maxsize=64)
def load_decoration(name: str) -> Image.Image:
    """A decoration image (RGBA) by name; read-only, cached."""
    path = resources.files("adcraft.creative") / DECORATION_DIR / f"{name}.webp"
    if not path.is_file():
        raise ConfigError(f"decoration {name!r} has no image {DECORATION_DIR}/{name}.webp")
    with path.open("rb") as f:
        image = Image.open(f)
        image.load()
    return image.convert("RGBA")


def _occupied(layout: Layout, product_size: tuple[int, int] | None, allow_upscale: bool) -> list[Box]:
    """Layout boxes, the product's box narrowed to where the product (and its shadow) will land."""
    boxes = dict(layout.boxes)
    if product_size is not None and "product" in boxes:
        box = boxes["product"]
        placed = product_footprint(product_size, box, allow_upscale)
        boxes["product"] = Box(
            placed.x, placed.y, placed.w, min(box.bottom, placed.bottom + box.h // 14) - placed.y
        )
    return list(boxes.values())


def _free_space(layout: Layout, scale: float, occupied: list[Box]) -> np.ndarray:
    """(H, W) bool on the coarse grid: True where no occupied box (plus clearance) is."""
    short = min(layout.width, layout.height)
    h, w = max(1, round(layout.height * scale)), max(1, round(layout.width * scale))
    free = np.ones((h, w), dtype=bool)
    pad = DECORATION_CLEARANCE * short
    for box in occupied:
        x0, y0 = int((box.x - pad) * scale), int((box.y - pad) * scale)
        x1, y1 = int(np.ceil((box.right + pad) * scale)), int(np.ceil((box.bottom + pad) * scale))
        free[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    return free


def decoration_boxes(
    layout: Layout,
    count: int = MAX_DECORATIONS,
    product_size: tuple[int, int] | None = None,
    allow_upscale: bool = True,
) -> list[Box]:
    """Squares in the layout's free space (largest first) where decorations fit without touching a box
    or (given its trimmed size) the product."""
    from scipy.ndimage import distance_transform_cdt

    short = min(layout.width, layout.height)
    scale = GRID / short
    free = _free_space(layout, scale, _occupied(layout, product_size, allow_upscale))
    # free space runs past the canvas edge, so a decoration may bleed off it a little
    bleed = max(1, int(DECORATION_SHARE[1] * GRID * DECORATION_BLEED))
    padded = np.pad(free, bleed, constant_values=True)
    lo, hi = DECORATION_SHARE[0] * GRID, DECORATION_SHARE[1] * GRID
    boxes = []
    for _ in range(count):
        # chessboard distance = half the side of the largest free square centred at each cell
        dist = distance_transform_cdt(padded, metric="chessboard")
        dist[:bleed] = dist[-bleed:] = 0  # centres stay on the canvas
        dist[:, :bleed] = dist[:, -bleed:] = 0
        y, x = (int(v) for v in np.unravel_index(int(dist.argmax()), dist.shape))
        side = int(min(hi, 2 * int(dist[y, x]) - 1))
        if side < lo:
            break
        half = side // 2
        padded[max(0, y - half - 1) : y + half + 2, max(0, x - half - 1) : x + half + 2] = False
        cx, cy = (x - bleed) / scale, (y - bleed) / scale
        px = round(side / scale)
        boxes.append(Box(round(cx - px / 2), round(cy - px / 2), px, px))
    return boxes


def render_theme_background(
    layout: Layout,
    theme: Theme,
    palette: Palette | None = None,
    product_size: tuple[int, int] | None = None,
    allow_upscale: bool = True,
) -> Image.Image:
    """The theme's background for this layout with its decorations pasted in the free space."""
    canvas = render_background((layout.width, layout.height), palette or theme.palette, theme.background)
    for i, box in enumerate(decoration_boxes(layout, MAX_DECORATIONS, product_size, allow_upscale)):
        image = load_decoration(theme.decorations[i % len(theme.decorations)]).resize(
            (box.w, box.h), Image.LANCZOS
        )
        canvas.paste(image.convert("RGB"), (box.x, box.y), image.getchannel("A"))
    return canvas
