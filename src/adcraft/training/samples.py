"""Sample grids: RGBA visuals on a light background, in rows, for people to look at."""

from __future__ import annotations

from PIL import Image

GRID_BACKGROUND = (236, 236, 236, 255)  # light grey shows both the object and its alpha edge


def make_grid(images: list[Image.Image], cols: int, scale: int = 2, pad: int = 4) -> Image.Image:
    """Paste RGBA images (same size) onto a grid, each scaled up by `scale` with nearest-neighbour."""
    if not images:
        raise ValueError("make_grid needs at least one image")
    w, h = images[0].size
    cw, ch = w * scale, h * scale
    rows = (len(images) + cols - 1) // cols
    grid = Image.new("RGBA", (cols * (cw + pad) + pad, rows * (ch + pad) + pad), GRID_BACKGROUND)
    for i, img in enumerate(images):
        tile = img.convert("RGBA").resize((cw, ch), Image.Resampling.NEAREST)
        x, y = pad + (i % cols) * (cw + pad), pad + (i // cols) * (ch + pad)
        grid.alpha_composite(tile, (x, y))
    return grid.convert("RGB")
