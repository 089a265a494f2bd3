"""Rendering: background, product with a soft shadow, buttons and badges, then text in real fonts."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from adcraft.creative.layout import TINY_SIDE, Box, Layout
from adcraft.creative.palette import BLACK, RGB, WHITE, Palette, contrast_ratio
from adcraft.creative.textfit import FitResult, fit_text
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

BACKGROUND_STYLES = ("solid", "gradient", "pattern")
MASK_THRESHOLD = 16  # alpha above this counts as product (text must never cover it)
SHADOW_OPACITY = 0.22  # darkness of the soft shadow under the product
TEXT_CONTRAST = 4.5  # text colour is chosen to reach this against the pixels behind it
# largest font size per element, as a share of the layout's text scale (see text_scale)
MAX_SIZE_SHARE = {
    "headline": 0.11,
    "subline": 0.05,
    "points": 0.045,
    "price": 0.09,
    "original_price": 0.07,
    "badge": 0.045,
    "cta": 0.05,
}
WEIGHT = {
    "headline": "Bold",
    "subline": "Regular",
    "points": "Regular",
    "price": "Bold",
    "original_price": "Regular",
    "badge": "Bold",
    "cta": "Bold",
}
MIN_TEXT_PX = 11  # smallest font size before text is truncated with an ellipsis


@dataclass
class TextItem:
    """One piece of text drawn on the creative: what, where, in which colour and size."""

    element: str  # "headline", "subline", "point_0", "price", "original_price", "badge", "cta"
    text: str  # the intended text
    lines: list[str]  # the lines drawn
    box: Box  # the region the ink occupies (text block bounds)
    color: RGB  # text colour
    size: int  # font size px
    weight: str  # font weight name
    truncated: bool = False  # True when an ellipsis replaced part of the text
    line_boxes: list[Box] = field(default_factory=list)  # one box per drawn line (for OCR read-back)

    def to_dict(self) -> dict:
        """Plain data for manifests."""
        return {
            "element": self.element,
            "text": self.text,
            "lines": self.lines,
            "box": self.box.to_list(),
            "color": "#{:02x}{:02x}{:02x}".format(*self.color),
            "size": self.size,
            "weight": self.weight,
            "truncated": self.truncated,
        }


@dataclass
class Rendered:
    """A rendered creative plus what quality checks need: the backdrop, the product mask, the texts."""

    image: Image.Image  # final RGB creative
    backdrop: Image.Image  # the same canvas before any text was drawn
    product_mask: np.ndarray  # (H, W) bool, True where the product is
    product_box: Box  # where the visual was placed
    texts: list[TextItem] = field(default_factory=list)


def text_scale(width: int, height: int) -> float:
    """Reference length for font sizes: the short side, but not under 1/3.5 of the long side."""
    return max(min(width, height), max(width, height) / 3.5)


def render_background(size: tuple[int, int], palette: Palette, style: str = "gradient") -> Image.Image:
    """A solid, vertical-gradient or softly patterned background in the palette's colours."""
    if style not in BACKGROUND_STYLES:
        raise InvalidInputError(f"background style {style!r} must be one of {list(BACKGROUND_STYLES)}")
    w, h = size
    if style == "solid":
        return Image.new("RGB", size, palette.background)
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]  # (H, 1, 1)
    a, b = np.array(palette.background, np.float32), np.array(palette.background_end, np.float32)
    pixels = np.broadcast_to(a + (b - a) * t, (h, w, 3)).copy()  # (H, W, 3)
    if style == "pattern":
        # soft diagonal stripes: a small shift toward the end colour keeps text contrast intact
        yy, xx = np.mgrid[0:h, 0:w]
        period = max(8, min(w, h) // 12)
        stripes = (((xx + yy) // period) % 2).astype(np.float32)[..., None]
        pixels += (b - a) * 0.5 * stripes
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _trim(visual: Image.Image) -> Image.Image:
    bbox = visual.getchannel("A").point(lambda v: 255 if v > MASK_THRESHOLD else 0).getbbox()
    return visual.crop(bbox) if bbox else visual


def product_footprint(size: tuple[int, int], box: Box, allow_upscale: bool = True) -> Box:
    """Where a trimmed visual of this size lands in box: scaled to fit above its shadow, centred."""
    shadow_h = max(2, box.h // 14)
    room = Box(box.x, box.y, box.w, max(1, box.h - shadow_h))
    scale = min(room.w / size[0], room.h / size[1])
    if not allow_upscale:
        scale = min(scale, 1.0)  # merchant photos keep their pixels: never enlarged
    w, h = size
    if scale != 1.0:
        w, h = max(1, round(size[0] * scale)), max(1, round(size[1] * scale))
    return Box(room.x + (room.w - w) // 2, room.y + (room.h - h) // 2, w, h)


def trimmed_size(visual: Image.Image) -> tuple[int, int]:
    """The visual's size once its transparent border is cut away."""
    return _trim(visual).size


def place_product(
    canvas: Image.Image, visual: Image.Image, box: Box, allow_upscale: bool = True
) -> tuple[Box, np.ndarray]:
    """Paste an RGBA visual centred in box with a soft shadow; returns the placed box and the mask."""
    if visual.mode != "RGBA":
        raise InvalidInputError(
            f"product visual must be RGBA (with a transparent background), got {visual.mode}"
        )
    visual = _trim(visual)
    shadow_h = max(2, box.h // 14)
    placed = product_footprint(visual.size, box, allow_upscale)
    if placed.w != visual.width or placed.h != visual.height:
        visual = visual.resize((placed.w, placed.h), Image.LANCZOS)
    x, y = placed.x, placed.y
    # 1. soft elliptical shadow just under the product's base
    shadow = Image.new("L", canvas.size, 0)
    sw = int(placed.w * 0.8)
    top = placed.bottom - shadow_h // 2
    ImageDraw.Draw(shadow).ellipse(
        [x + (placed.w - sw) // 2, top, x + (placed.w + sw) // 2, top + shadow_h],
        fill=int(255 * SHADOW_OPACITY),
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(1, shadow_h // 3)))
    clip = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(clip).rectangle([box.x, box.y, box.right - 1, box.bottom - 1], fill=255)
    canvas.paste(
        Image.new("RGB", canvas.size, (0, 0, 0)),
        (0, 0),
        Image.fromarray(np.minimum(np.asarray(shadow), np.asarray(clip))),
    )
    # 2. the product itself, alpha-composited: opaque pixels land unchanged
    canvas.paste(visual.convert("RGB"), (x, y), visual.getchannel("A"))
    mask = np.zeros((canvas.height, canvas.width), dtype=bool)
    mask[y : y + visual.height, x : x + visual.width] = np.asarray(visual.getchannel("A")) > MASK_THRESHOLD
    return placed, mask


def pick_text_color(backdrop: Image.Image, box: Box, preferred: RGB, fallback: RGB) -> RGB:
    """The first of preferred/fallback/black/white whose worst-case contrast over the box reaches 4.5."""
    region = np.asarray(backdrop.crop((box.x, box.y, box.right, box.bottom)).convert("RGB")).reshape(-1, 3)
    lum = region.astype(np.float32).mean(axis=1)
    extremes = [tuple(region[lum.argmin()]), tuple(region[lum.argmax()])]
    candidates = [preferred, fallback, BLACK, WHITE]

    def worst(c: RGB) -> float:
        return min(contrast_ratio(c, e) for e in extremes)

    for color in candidates:
        if worst(color) >= TEXT_CONTRAST:
            return color
    return max(candidates, key=worst)


def _block_box(fit: FitResult, box: Box, align: str) -> Box:
    w = int(np.ceil(fit.width))
    x = box.x + ((box.w - w) // 2 if align == "center" else 0)
    y = box.y + (box.h - fit.height) // 2
    return Box(x, y, w, fit.height)


def draw_fit(draw: ImageDraw.ImageDraw, fit: FitResult, box: Box, color: RGB, align: str) -> list[Box]:
    """Draw fitted lines inside box (vertically centred); returns one box per line."""
    block = _block_box(fit, box, align)
    font = fit.font
    line_boxes = []
    for i, (line, width) in enumerate(zip(fit.lines, fit.widths, strict=True)):
        x = block.x + ((block.w - width) / 2 if align == "center" else 0)
        top = block.y + i * fit.line_height
        draw.text((x, top + fit.ascent), line, font=font, fill=color, anchor="ls")
        line_boxes.append(Box(int(x), top, int(np.ceil(width)), fit.ascent + fit.descent))
    return line_boxes


def fit_element(
    element: str,
    text: str,
    box: Box,
    scale: float,
    shrink: float = 1.0,
    max_lines: int | None = None,
    cap: int | None = None,
) -> FitResult:
    """Fit one element's text in its box with the element's weight and size cap."""
    cap = cap or max(MIN_TEXT_PX, int(scale * MAX_SIZE_SHARE[element] * shrink))
    return fit_text(
        text,
        box.w,
        box.h,
        weight=WEIGHT[element],
        max_size=cap,
        min_size=min(MIN_TEXT_PX, cap),
        max_lines=max_lines,
    )


@dataclass
class CreativeTexts:
    """The texts one creative shows, by element (empty or None: not drawn)."""

    headline: str  # bold, largest
    subline: str = ""  # one or two lines under the headline
    points: list[str] = field(default_factory=list)  # selling points, one line each
    price: str | None = None  # "¥199"
    original_price: str | None = None  # crossed-out list price
    badge: str | None = None  # discount badge ("7.5折", "-25%")
    cta: str = ""  # button text

    def by_element(self) -> dict[str, str]:
        """Non-empty texts keyed by element name (points as point_0, point_1, ...)."""
        out = {
            "headline": self.headline,
            "subline": self.subline,
            "price": self.price,
            "original_price": self.original_price,
            "badge": self.badge,
            "cta": self.cta,
        }
        out.update({f"point_{i}": p for i, p in enumerate(self.points)})
        return {k: v for k, v in out.items() if v}


@dataclass
class _Planned:
    element: str
    text: str
    fit: FitResult
    block: Box
    preferred: RGB
    align: str


def _plan(
    element: str,
    text: str,
    box: Box,
    scale: float,
    shrink: float,
    align: str,
    preferred: RGB,
    max_lines: int | None = 1,
    cap: int | None = None,
) -> _Planned:
    kind = "points" if element.startswith("point_") else element
    fit = fit_element(kind, text, box, scale, shrink, max_lines, cap)
    return _Planned(element, text, fit, _block_box(fit, box, align), preferred, align)


def _pill(draw: ImageDraw.ImageDraw, block: Box, area: Box, color: RGB, align: str) -> None:
    """A rounded button/badge around a text block, kept inside its layout box."""
    pad_x, pad_y = max(4, area.h // 3), max(2, min((area.h - block.h) // 2, int(block.h * 0.45)))
    w = min(area.w, block.w + 2 * pad_x)
    x = area.x + ((area.w - w) // 2 if align == "center" else 0)
    y = max(area.y, block.y - pad_y)
    bottom = min(area.bottom, block.bottom + pad_y)
    draw.rounded_rectangle([x, y, x + w - 1, bottom - 1], radius=max(2, (bottom - y) // 3), fill=color)


def _plan_price(
    boxes: dict[str, Box], texts: CreativeTexts, palette: Palette, scale: float, shrink: float, align: str
) -> list[_Planned]:
    box = boxes["price"]
    if not texts.original_price:
        return [_plan("price", texts.price, box, scale, shrink, align, palette.price)]
    if box.w / box.h >= 2.2:  # wide: price and struck original side by side
        first = Box(box.x, box.y, int(box.w * 0.6), box.h)
        second = Box(
            first.right + max(2, box.h // 8), box.y, box.right - first.right - max(2, box.h // 8), box.h
        )
        sub_align = "left"
    else:  # tall: original under the price
        first = Box(box.x, box.y, box.w, int(box.h * 0.62))
        second = Box(box.x, first.bottom, box.w, box.bottom - first.bottom)
        sub_align = align
    price = _plan("price", texts.price, first, scale, shrink, sub_align, palette.price)
    # the struck list price stays visibly secondary, but large enough for OCR to read through the line
    cap = max(MIN_TEXT_PX + 2, int(price.fit.size * 0.7))
    return [
        price,
        _plan(
            "original_price", texts.original_price, second, scale, shrink, sub_align, palette.muted, cap=cap
        ),
    ]


def _shown_texts(texts: CreativeTexts, layout: Layout) -> CreativeTexts:
    """The texts a canvas shows: a tiny one (320x50) drops the struck list price, unreadable there."""
    if min(layout.width, layout.height) < TINY_SIDE and texts.original_price:
        return dataclasses.replace(texts, original_price=None)
    return texts


def _canvas(layout: Layout, palette: Palette, style: str, background: Image.Image | None) -> Image.Image:
    """A copy of the given background, or one drawn in the palette's colours and style."""
    if background is None:
        return render_background((layout.width, layout.height), palette, style)
    if background.size != (layout.width, layout.height):
        raise InvalidInputError(
            f"background is {background.size}, the layout {(layout.width, layout.height)}"
        )
    return background.convert("RGB")


def _paste_logo(canvas: Image.Image, logo: Image.Image, box: Box) -> None:
    """The merchant's logo, fitted inside its box (never enlarged), alpha kept."""
    mark = logo.convert("RGBA")
    mark.thumbnail((box.w, box.h), Image.LANCZOS)
    canvas.paste(mark.convert("RGB"), (box.x, box.y), mark.getchannel("A"))


def _plan_points(
    boxes: dict[str, Box],
    texts: CreativeTexts,
    palette: Palette,
    scale: float,
    shrink: float,
    align: str,
) -> tuple[list, list[tuple[Box, int]]]:
    """The selling points, one row each at one shared size, and their bullet dots (box, radius)."""
    if not texts.points or "points" not in boxes:
        return [], []
    rows = boxes["points"]
    n = len(texts.points)
    row_h = rows.h // n
    dot = max(4, row_h // 5)
    point_plans = [
        _plan(
            f"point_{i}",
            p,
            Box(rows.x + 2 * dot, rows.y + i * row_h, rows.w - 2 * dot, row_h),
            scale,
            shrink,
            "left",
            palette.muted,
        )
        for i, p in enumerate(texts.points)
    ]
    size = min(p.fit.size for p in point_plans)  # one size for the whole list
    point_plans = [
        _plan(
            p.element,
            p.text,
            Box(rows.x + 2 * dot, rows.y + i * row_h, rows.w - 2 * dot, row_h),
            scale,
            shrink,
            "left",
            palette.muted,
            cap=size,
        )
        for i, p in enumerate(point_plans)
    ]
    if align == "center":  # centre the list as a block
        offset = (rows.w - 2 * dot - max(p.block.w for p in point_plans)) // 2
        for p in point_plans:
            p.block = Box(p.block.x + offset, p.block.y, p.block.w, p.block.h)
    return point_plans, [(p.block, dot) for p in point_plans]


def render_creative(
    layout: Layout,
    palette: Palette,
    visual: Image.Image,
    texts: CreativeTexts,
    *,
    style: str = "gradient",
    logo: Image.Image | None = None,
    allow_upscale: bool = True,
    shrink: float = 1.0,
    background: Image.Image | None = None,
) -> Rendered:
    """Draw one creative: background (given, e.g. a theme's, or drawn in `style`), product, logo,
    shapes, then every text in its box."""
    boxes, align = layout.boxes, layout.align
    texts = _shown_texts(texts, layout)
    canvas = _canvas(layout, palette, style, background)
    placed, mask = place_product(canvas, visual, boxes["product"], allow_upscale)
    if logo is not None and "logo" in boxes:
        _paste_logo(canvas, logo, boxes["logo"])
    scale = text_scale(layout.width, layout.height)
    plans = [_plan("headline", texts.headline, boxes["headline"], scale, shrink, align, palette.text, 3)]
    if texts.subline and "subline" in boxes:
        plans.append(
            _plan("subline", texts.subline, boxes["subline"], scale, shrink, align, palette.muted, 2)
        )
    point_plans, bullets = _plan_points(boxes, texts, palette, scale, shrink, align)
    plans += point_plans
    if texts.price and "price" in boxes:
        plans += _plan_price(boxes, texts, palette, scale, shrink, align)
    shapes = []
    if texts.badge and "badge" in boxes:
        area = boxes["badge"]
        inner = area.inset(max(3, area.h // 4), max(2, area.h // 5))
        plans.append(_plan("badge", texts.badge, inner, scale, shrink, "center", palette.accent_text))
        shapes.append((plans[-1].block, area, "center"))
    if texts.cta and "cta" in boxes:
        area = boxes["cta"]
        inner = area.inset(max(4, min(area.h, area.w // 2) // 3), max(2, area.h // 5))
        plans.append(_plan("cta", texts.cta, inner, scale, shrink, align, palette.accent_text))
        block = plans[-1].block
        if align != "center":  # shift the text right by the button's padding
            plans[-1].block = Box(area.x + max(4, area.h // 3), block.y, block.w, block.h)
        shapes.append((plans[-1].block, area, align))
    draw = ImageDraw.Draw(canvas)
    for block, area, shape_align in shapes:
        _pill(draw, block, area, palette.accent, shape_align)
    for block, dot in bullets:
        cy = block.y + block.h // 2
        draw.ellipse(
            [block.x - 2 * dot + dot // 2, cy - dot // 2, block.x - dot // 2, cy + dot // 2],
            fill=palette.accent,
        )
    backdrop = canvas.copy()
    items = []
    for plan in plans:
        color = pick_text_color(backdrop, plan.block, plan.preferred, palette.text)
        line_boxes = draw_fit(draw, plan.fit, plan.block, color, plan.align)
        if plan.element == "original_price":
            y = plan.block.y + plan.fit.ascent - int(plan.fit.size * 0.3)
            draw.line([plan.block.x, y, plan.block.right, y], fill=color, width=max(1, plan.fit.size // 12))
        items.append(
            TextItem(
                plan.element,
                plan.text,
                plan.fit.lines,
                plan.block,
                color,
                plan.fit.size,
                plan.fit.weight,
                plan.fit.truncated,
                line_boxes,
            )
        )
    return Rendered(canvas, backdrop, mask, placed, items)
