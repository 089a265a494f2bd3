"""A rendered creative split into layers (background, product, each text element) that re-stack exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from adcraft.creative.layout import Box
from adcraft.creative.render import Rendered, render_background
from adcraft.delivery.spec import LABEL_ELEMENT, CreativeSpec

# layout elements in stacking order; "label" (the AI-content label) and "static" (anything else drawn)
# are split off first and last
ELEMENTS = ("product", "logo", "headline", "subline", "points", "price", "badge", "cta")


@dataclass
class Layer:
    """One element's pixels: an RGBA image to paste at box (opaque exactly where the element drew)."""

    name: str  # an ELEMENTS name, "label" or "static"
    box: Box  # where the image goes on the canvas
    image: Image.Image  # RGBA, box-sized


@dataclass
class Layers:
    """A creative as a background plus layers; stacking every layer at rest gives the creative exactly."""

    background: Image.Image  # RGB canvas before any element (theme decorations included)
    final: Image.Image  # the creative itself
    rendered: Rendered  # the render the layers came from (texts, backdrop, product mask)
    layers: list[Layer] = field(default_factory=list)

    def get(self, name: str) -> Layer | None:
        """The layer with this name, if the creative has it."""
        return next((layer for layer in self.layers if layer.name == name), None)


def _label_box(rendered: Rendered) -> Box | None:
    """The AI label's pill: its ink box grown by the pill's padding (creative.aigc draws it so)."""
    item = next((t for t in rendered.texts if t.element == LABEL_ELEMENT), None)
    if item is None:
        return None
    pad_x, pad_y = max(3, item.size // 3) + 1, max(2, item.size // 5) + 1
    return Box(item.box.x - pad_x, item.box.y - pad_y, item.box.w + 2 * pad_x, item.box.h + 2 * pad_y)


def cut_layer(name: str, final: np.ndarray, mask: np.ndarray) -> Layer | None:
    """The layer of the masked pixels, cropped to their bounding box."""
    ys, xs = np.nonzero(mask)
    if not len(ys):
        return None
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    rgba = np.zeros((y1 - y0, x1 - x0, 4), dtype=np.uint8)
    rgba[..., :3] = final[y0:y1, x0:x1]
    rgba[..., 3] = np.where(mask[y0:y1, x0:x1], 255, 0)
    return Layer(name, Box(x0, y0, x1 - x0, y1 - y0), Image.fromarray(rgba, "RGBA"))


def split_layers(spec: CreativeSpec) -> Layers:
    """Render the spec and split every pixel that differs from the background into its element's layer."""
    rendered = spec.render()
    background = spec.background()
    if background is None:
        background = render_background(spec.placement.size, spec.palette, spec.style)
    final = np.asarray(rendered.image.convert("RGB"))
    todo = np.any(final != np.asarray(background.convert("RGB")), axis=2)  # (H, W) drawn pixels
    regions = [("label", _label_box(rendered))] + [(name, spec.layout.boxes.get(name)) for name in ELEMENTS]
    layers = []
    for name, box in regions:
        if box is None:
            continue
        mask = np.zeros_like(todo)
        mask[max(0, box.y) : max(0, box.bottom), max(0, box.x) : max(0, box.right)] = True
        mask &= todo
        todo &= ~mask
        layer = cut_layer(name, final, mask)
        if layer is not None:
            layers.append(layer)
    static = cut_layer("static", final, todo)  # e.g. a struck-through line running past its box
    if static is not None:
        layers.append(static)
    # the label stays on top, as the composer draws it last
    layers.sort(key=lambda layer: layer.name == "label")
    return Layers(background.convert("RGB"), rendered.image.convert("RGB"), rendered, layers)


@dataclass(frozen=True)
class LayerState:
    """How a layer is shown in one frame: offset, scale about its centre, opacity."""

    dx: float = 0.0  # px
    dy: float = 0.0  # px
    scale: float = 1.0
    opacity: float = 1.0  # 0..1


REST = LayerState()


def composite(layers: Layers, states: dict[str, LayerState]) -> Image.Image:
    """The canvas with every layer in its state (missing names are at rest)."""
    canvas = layers.background.copy()
    for layer in layers.layers:
        state = states.get(layer.name, REST)
        if state.opacity <= 0.0:
            continue
        image, box = layer.image, layer.box
        if state.scale != 1.0:
            w, h = max(1, round(box.w * state.scale)), max(1, round(box.h * state.scale))
            image = image.resize((w, h), Image.BILINEAR)
            box = Box(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)
        alpha = image.getchannel("A")
        if state.opacity < 1.0:
            alpha = alpha.point(lambda a, o=state.opacity: round(a * o))
        canvas.paste(image.convert("RGB"), (round(box.x + state.dx), round(box.y + state.dy)), alpha)
    return canvas
