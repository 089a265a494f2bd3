"""Editable, layered SVG of a creative: background, decorations, product, shapes as their own layers and
every text as SVG text in the named font (drawsvg)."""

from __future__ import annotations

from typing import Any

import numpy as np

from adcraft.creative.palette import to_hex
from adcraft.creative.render import render_background, trimmed_size
from adcraft.delivery.layers import Layer, Layers, cut_layer
from adcraft.delivery.spec import CreativeSpec, png_bytes

FONT_FAMILY = "Noto Sans CJK SC"  # the bundled font (creative.fonts); name it so editors substitute sanely
FONT_WEIGHTS = {"Regular": 400, "Medium": 500, "Bold": 700, "Black": 900}


def _background_group(spec: CreativeSpec) -> tuple[Any, str]:
    import drawsvg

    w, h = spec.placement.size
    group = drawsvg.Group(id="background")
    style = spec.style
    if spec.theme:
        from adcraft.creative.themes import get_theme

        style = get_theme(spec.theme).background
    if style == "solid":
        group.append(drawsvg.Rectangle(0, 0, w, h, fill=to_hex(spec.palette.background)))
    elif style == "gradient":
        gradient = drawsvg.LinearGradient(0, 0, 0, h, gradientUnits="userSpaceOnUse")
        gradient.add_stop(0, to_hex(spec.palette.background))
        gradient.add_stop(1, to_hex(spec.palette.background_end))
        group.append(drawsvg.Rectangle(0, 0, w, h, fill=gradient))
    else:  # a patterned background is kept as the raster the renderer draws
        image = render_background((w, h), spec.palette, style)
        group.append(drawsvg.Image(0, 0, w, h, data=png_bytes(image), mime_type="image/png"))
    return group, style


def _decorations_group(spec: CreativeSpec) -> Any:
    import drawsvg

    group = drawsvg.Group(id="decorations")
    if not spec.theme:
        return group
    from adcraft.creative.themes import MAX_DECORATIONS, decoration_boxes, get_theme, load_decoration

    theme = get_theme(spec.theme)
    boxes = decoration_boxes(spec.layout, MAX_DECORATIONS, trimmed_size(spec.visual), spec.allow_upscale)
    for i, box in enumerate(boxes):
        name = theme.decorations[i % len(theme.decorations)]
        image = load_decoration(name).resize((box.w, box.h))
        group.append(
            drawsvg.Image(
                box.x, box.y, box.w, box.h, data=png_bytes(image), mime_type="image/png", id=f"deco-{i}"
            )
        )
    return group


def _raster_group(name: str, layer: Layer | None) -> Any:
    import drawsvg

    group = drawsvg.Group(id=name)
    if layer is not None:
        b = layer.box
        group.append(drawsvg.Image(b.x, b.y, b.w, b.h, data=png_bytes(layer.image), mime_type="image/png"))
    return group


def _text_group(layers: Layers) -> Any:
    import drawsvg

    from adcraft.creative.fonts import load_font

    group = drawsvg.Group(id="text", font_family=FONT_FAMILY)
    for item in layers.rendered.texts:
        ascent = load_font(item.size, item.weight).getmetrics()[0]
        colour = to_hex(item.color)
        element = drawsvg.Group(id=item.element.replace("_", "-"))
        for line, box in zip(item.lines, item.line_boxes, strict=False):
            element.append(
                drawsvg.Text(
                    line,
                    item.size,
                    box.x,
                    box.y + ascent,
                    font_weight=FONT_WEIGHTS.get(item.weight, 400),
                    fill=colour,
                )
            )
        if item.element == "original_price":  # the strike-through the renderer draws
            y = item.box.y + ascent - int(item.size * 0.3)
            element.append(
                drawsvg.Line(
                    item.box.x, y, item.box.right, y, stroke=colour, stroke_width=max(1, item.size // 12)
                )
            )
        group.append(element)
    return group


def creative_svg(spec: CreativeSpec, layers: Layers) -> str:
    """The creative as an SVG document with one group per layer (ids: background, decorations, product,
    shapes, logo, text)."""
    import drawsvg

    w, h = spec.placement.size
    draw = drawsvg.Drawing(w, h)
    background, _ = _background_group(spec)
    draw.append(background)
    draw.append(_decorations_group(spec))
    draw.append(_raster_group("product", layers.get("product")))
    # buttons, badges, bullets and the label's pill: what the backdrop has beyond background and product
    backdrop = np.asarray(layers.rendered.backdrop.convert("RGB"))
    shapes = np.any(backdrop != np.asarray(layers.background), axis=2)
    for name in ("product", "logo"):
        box = spec.layout.boxes.get(name)
        if box is not None:
            shapes[max(0, box.y) : box.bottom, max(0, box.x) : box.right] = False
    draw.append(_raster_group("shapes", cut_layer("shapes", backdrop, shapes)))
    draw.append(_raster_group("logo", layers.get("logo") if spec.logo is not None else None))
    draw.append(_text_group(layers))
    return draw.as_svg()
