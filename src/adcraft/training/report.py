"""Pictures for the model card and README: the loss curve and captioned sample grids (Pillow only)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from adcraft.training.samples import GRID_BACKGROUND

CURVE_SIZE = (720, 360)  # pixels of the loss-curve image
MARGIN = 48  # room for axis labels


def plot_loss_curve(metrics_file: str | Path, out: str | Path, title: str = "training loss") -> Path:
    """Draw loss (log scale) against step from a metrics.jsonl written by the training loop."""
    records = [json.loads(line) for line in Path(metrics_file).read_text().splitlines() if line.strip()]
    if len(records) < 2:
        raise ValueError(f"{metrics_file} needs at least two log records to draw a curve")
    steps = [r["step"] for r in records]
    losses = [math.log10(r["loss"]) for r in records]
    w, h = CURVE_SIZE
    img = Image.new("RGB", CURVE_SIZE, "white")
    d = ImageDraw.Draw(img)
    lo, hi = min(losses), max(losses)
    span = max(hi - lo, 1e-6)

    def xy(step: float, loss: float) -> tuple[float, float]:
        x = MARGIN + (step - steps[0]) / max(1, steps[-1] - steps[0]) * (w - 2 * MARGIN)
        return x, h - MARGIN - (loss - lo) / span * (h - 2 * MARGIN)

    d.rectangle((MARGIN, MARGIN, w - MARGIN, h - MARGIN), outline=(160, 160, 160))
    for frac in (0.0, 0.5, 1.0):
        value = lo + frac * span
        y = xy(steps[0], value)[1]
        d.text((4, y - 6), f"{10**value:.3f}", fill="black")
        step = steps[0] + frac * (steps[-1] - steps[0])
        d.text((xy(step, lo)[0] - 12, h - MARGIN + 6), f"{step:.0f}", fill="black")
    d.line([xy(s, v) for s, v in zip(steps, losses, strict=True)], fill=(200, 40, 40), width=2)
    d.text((MARGIN, 16), f"{title} (log scale) vs step", fill="black")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    img.save(out)
    return Path(out)


def captioned_grid(
    images: list[Image.Image], captions: list[str], cols: int, font: ImageFont.FreeTypeFont, tile: int = 128
) -> Image.Image:
    """RGBA images on a light background with a caption under each (give a CJK-capable font)."""
    rows = (len(images) + cols - 1) // cols
    cell_w, cell_h = tile + 16, tile + 40
    grid = Image.new("RGBA", (cols * cell_w, rows * cell_h), GRID_BACKGROUND)
    d = ImageDraw.Draw(grid)
    for i, (img, caption) in enumerate(zip(images, captions, strict=True)):
        x, y = (i % cols) * cell_w + 8, (i // cols) * cell_h + 6
        grid.alpha_composite(img.convert("RGBA").resize((tile, tile), Image.Resampling.LANCZOS), (x, y))
        text = caption if d.textlength(caption, font=font) <= cell_w - 4 else caption[:14] + "…"
        d.text((x + tile // 2, y + tile + 16), text, fill=(40, 40, 40), font=font, anchor="mm")
    return grid.convert("RGB")
