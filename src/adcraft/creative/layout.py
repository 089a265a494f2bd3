"""Layout per placement: template families chosen by aspect ratio, boxes for every element."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from adcraft.creative.placements import Placement
from adcraft.errors import InvalidInputError, NotFoundError

TEXT_ELEMENTS = ("headline", "subline", "points", "price", "badge", "cta")
MARGIN = 0.06  # outer margin as a share of the shorter canvas side
GAP = 0.025  # gap between elements as a share of the shorter canvas side
POINTS_MIN_SIDE = 500  # px; selling points only on canvases whose shorter side is at least this
SUBLINE_MIN_SIDE = 300  # px; the sub-line only on canvases whose shorter side is at least this
TINY_SIDE = 60  # px; canvases shorter than this (320x50) show no badge and no struck list price
# template family (a segment's style) -> (background style, preferred template)
FAMILIES: dict[str, tuple[str, str | None]] = {
    "classic": ("gradient", None),
    "minimal": ("solid", "hero"),
    "promo": ("pattern", "stack"),
    "lifestyle": ("gradient", "split"),
    "bold": ("solid", "stack"),
}
DEFAULT_FAMILY = "classic"


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in canvas pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """x + w."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """y + h."""
        return self.y + self.h

    @property
    def area(self) -> int:
        """w * h (0 for an empty box)."""
        return max(0, self.w) * max(0, self.h)

    def intersection(self, other: Box) -> int:
        """Area shared with another box."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return max(0, w) * max(0, h)

    def inset(self, dx: int, dy: int | None = None) -> Box:
        """The box shrunk by dx on the left/right and dy on the top/bottom."""
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, max(1, self.w - 2 * dx), max(1, self.h - 2 * dy))

    def to_list(self) -> list[int]:
        """[x, y, w, h] for manifests."""
        return [self.x, self.y, self.w, self.h]


@dataclass
class Layout:
    """Where each element of a creative goes on one canvas."""

    template: str  # template name, e.g. "split"
    width: int  # canvas px
    height: int  # canvas px
    boxes: dict[str, Box]  # element name -> box; absent elements are not drawn
    align: str = "center"  # horizontal text alignment: "left" or "center"

    def to_dict(self) -> dict:
        """Template, canvas and boxes as plain data."""
        return {
            "template": self.template,
            "size": [self.width, self.height],
            "align": self.align,
            "boxes": {k: v.to_list() for k, v in self.boxes.items()},
        }


def _split(start: int, length: int, shares: list[float], gap: int) -> list[tuple[int, int]]:
    """Divide a span into parts proportional to shares with gaps between; (offset, length) each."""
    usable = length - gap * (len(shares) - 1)
    total = sum(shares)
    out, pos = [], start
    for share in shares:
        size = max(1, int(usable * share / total))
        out.append((pos, size))
        pos += size + gap
    return out


def _column(region: Box, items: list[tuple[str, float]], gap: int) -> dict[str, Box]:
    parts = _split(region.y, region.h, [s for _, s in items], gap)
    return {name: Box(region.x, y, region.w, h) for (name, _), (y, h) in zip(items, parts, strict=True)}


def _row(region: Box, items: list[tuple[str, float]], gap: int) -> dict[str, Box]:
    parts = _split(region.x, region.w, [s for _, s in items], gap)
    return {name: Box(x, region.y, w, region.h) for (name, _), (x, w) in zip(items, parts, strict=True)}


def _expand(boxes: dict[str, Box], gap: int) -> dict[str, Box]:
    """Drop the helper regions ("_footer", "_text", ...) once their elements have boxes."""
    return {k: v for k, v in boxes.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Content:
    """Which optional elements a creative has; layouts leave out the rest."""

    subline: bool = True  # a sub-line exists
    points: bool = True  # selling points exist
    price: bool = True  # a price exists
    badge: bool = True  # a discount badge exists
    logo: bool = False  # a logo image exists


def _footer(region: Box, content: Content, gap: int) -> dict[str, Box]:
    items = [("price", 0.36)] if content.price else []
    if content.badge and content.price:
        items.append(("badge", 0.18))
    items.append(("cta", 0.46))
    return _row(region, items, gap)


def _stack(canvas: Box, c: Content, gap: int, hero: bool) -> dict[str, Box]:
    items: list[tuple[str, float]] = [("logo", 0.05)] if c.logo else []
    if hero:  # headline above a large centred product
        items += [("headline", 0.12)] + ([("subline", 0.05)] if c.subline else []) + [("product", 0.58)]
    else:
        items += [("product", 0.50), ("headline", 0.12)] + ([("subline", 0.05)] if c.subline else [])
        items += [("points", 0.13)] if c.points else []
    items.append(("_footer", 0.10))
    boxes = _column(canvas, items, gap)
    boxes.update(_footer(boxes["_footer"], c, gap))
    if "logo" in boxes:
        boxes["logo"] = Box(boxes["logo"].x, boxes["logo"].y, boxes["logo"].w // 3, boxes["logo"].h)
    return _expand(boxes, gap)


def _split_template(canvas: Box, c: Content, gap: int, product_right: bool) -> dict[str, Box]:
    halves = _row(canvas, [("product", 0.46), ("_text", 0.54)][:: -1 if product_right else 1], gap)
    items: list[tuple[str, float]] = [("logo", 0.08)] if c.logo else []
    items += [("headline", 0.24)] + ([("subline", 0.10)] if c.subline else [])
    items += [("points", 0.22)] if c.points else []
    items += [("_price_row", 0.16), ("_cta_row", 0.14)] if c.price else [("_cta_row", 0.14)]
    boxes = _column(halves["_text"], items, gap)
    if "_price_row" in boxes:
        price_items = [("price", 0.65)] + ([("badge", 0.35)] if c.badge else [])
        boxes.update(_row(boxes["_price_row"], price_items, gap))
    cta_row = boxes["_cta_row"]
    boxes["cta"] = Box(cta_row.x, cta_row.y, int(cta_row.w * 0.7), cta_row.h)
    if "logo" in boxes:
        boxes["logo"] = Box(boxes["logo"].x, boxes["logo"].y, boxes["logo"].w // 2, boxes["logo"].h)
    boxes["product"] = halves["product"]
    return _expand(boxes, gap)


def _banner(canvas: Box, c: Content, gap: int) -> dict[str, Box]:
    side = canvas.h
    items: list[tuple[str, float]] = [("logo", side * 1.2)] if c.logo else []
    items += [("product", side), ("headline", canvas.w * 0.40)]
    items += [("price", canvas.w * 0.14)] if c.price else []
    items += [("badge", side * 0.9)] if c.badge and c.price else []
    items.append(("cta", canvas.w * 0.18))
    boxes = _row(canvas, items, gap)
    cta = boxes["cta"]
    boxes["cta"] = cta.inset(0, max(1, cta.h // 8))
    return _expand(boxes, gap)


def _skyscraper(canvas: Box, c: Content, gap: int) -> dict[str, Box]:
    items: list[tuple[str, float]] = [("logo", 0.06)] if c.logo else []
    items += [("headline", 0.18), ("product", 0.36)] + ([("subline", 0.09)] if c.subline else [])
    items += [("price", 0.09)] if c.price else []
    items += [("badge", 0.06)] if c.badge and c.price else []
    items.append(("cta", 0.08))
    boxes = _column(canvas, items, gap)
    return _expand(boxes, gap)


TEMPLATES = ("hero", "stack", "split", "split-right", "banner", "skyscraper")


def templates_for(placement: Placement, family: str = DEFAULT_FAMILY) -> list[str]:
    """Templates suited to the placement's shape, best first; the family's favourite leads if it suits."""
    if family not in FAMILIES:
        raise NotFoundError(f"template family {family!r} is unknown; known families: {sorted(FAMILIES)}")
    r = placement.aspect
    if r >= 3.0:
        order = ["banner"]
    elif r <= 0.4:
        order = ["skyscraper"]
    elif r >= 1.25:
        order = ["split", "split-right"]
    elif r >= 0.8:
        order = ["hero", "stack", "split"]
    else:
        order = ["stack", "hero"]
    preferred = FAMILIES[family][1]
    if preferred in order:
        order.remove(preferred)
        order.insert(0, preferred)
    return order


def make_layout(
    placement: Placement, template: str, content: Content = Content(), compact: bool = False
) -> Layout:
    """Boxes for every element on this placement; compact drops the sub-line and selling points."""
    if template not in TEMPLATES:
        raise NotFoundError(f"template {template!r} is unknown; known templates: {list(TEMPLATES)}")
    w, h = placement.size
    short = min(w, h)
    margin = max(4, round(short * MARGIN))
    gap = max(2, round(short * GAP))
    c = Content(
        subline=content.subline and not compact and short >= SUBLINE_MIN_SIDE and template != "banner",
        points=content.points
        and not compact
        and short >= POINTS_MIN_SIDE
        and template not in ("hero", "banner", "skyscraper"),
        price=content.price,
        badge=content.badge and content.price and short >= TINY_SIDE,
        logo=content.logo,
    )
    canvas = Box(margin, margin, w - 2 * margin, h - 2 * margin)
    if template in ("hero", "stack"):
        boxes = _stack(canvas, c, gap, hero=template == "hero")
    elif template in ("split", "split-right"):
        boxes = _split_template(canvas, c, gap, product_right=template == "split-right")
    elif template == "banner":
        boxes = _banner(Box(margin, max(4, margin // 2), w - 2 * margin, h - 2 * max(4, margin // 2)), c, gap)
    else:
        boxes = _skyscraper(canvas, c, gap)
    align = "left" if template in ("split", "split-right", "banner") else "center"
    return Layout(template, w, h, boxes, align)


SafeZone = tuple[float, float, float, float]  # share of the canvas kept clear: top, right, bottom, left


def safe_area(placement: Placement, safe_zone: SafeZone) -> Box:
    """The canvas minus its safe zone (e.g. a story's top and bottom bars), in pixels."""
    if len(safe_zone) != 4 or not all(0.0 <= v < 0.5 for v in safe_zone):
        raise InvalidInputError(
            f"safe zone {safe_zone!r} must be 4 shares (top, right, bottom, left) in 0..0.5"
        )
    top, right, bottom, left = safe_zone
    x, y = round(placement.width * left), round(placement.height * top)
    return Box(x, y, round(placement.width * (1 - right)) - x, round(placement.height * (1 - bottom)) - y)


def iter_layouts(
    placement: Placement,
    content: Content,
    family: str = DEFAULT_FAMILY,
    first: str | None = None,
    safe_zone: SafeZone | None = None,
) -> Iterable[Layout]:
    """Layouts to try in order: each suitable template full, then each compact (for re-layout); with a
    safe zone, each is laid out for the safe area and placed in it on the full canvas."""
    if safe_zone and any(safe_zone):
        area = safe_area(placement, safe_zone)
        for layout in iter_layouts(Placement(placement.name, area.w, area.h), content, family, first):
            boxes = {k: Box(b.x + area.x, b.y + area.y, b.w, b.h) for k, b in layout.boxes.items()}
            yield Layout(layout.template, placement.width, placement.height, boxes, layout.align)
        return
    order = templates_for(placement, family)
    if first is not None:
        if first not in TEMPLATES:
            raise NotFoundError(f"template {first!r} is unknown; known templates: {list(TEMPLATES)}")
        order = [first] + [t for t in order if t != first]
    for compact in (False, True):
        for template in order:
            yield make_layout(placement, template, content, compact)
