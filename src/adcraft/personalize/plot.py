"""Regret curves drawn with Pillow (no matplotlib): one line per policy, axes, ticks and a legend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from adcraft.errors import InvalidInputError

COLORS = ((120, 120, 120), (230, 140, 20), (40, 110, 200), (200, 40, 60), (40, 160, 80), (140, 60, 170))
MARGIN = (70, 20, 20, 50)  # left, top, right, bottom padding in pixels


def _nice_max(value: float) -> float:
    """Round an axis maximum up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def draw_regret_curves(
    curves: dict[str, np.ndarray],
    path: str | Path,
    size: tuple[int, int] = (720, 420),
    title: str = "cumulative regret (expected clicks lost vs per-context oracle)",
) -> Path:
    """Plot cumulative regret vs impressions for each policy and save a PNG; returns the path."""
    if not curves or any(len(c) < 2 for c in curves.values()):
        raise InvalidInputError("need at least one regret curve with 2 or more points to plot")
    width, height = size
    left, top, right, bottom = MARGIN
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    x1, y1, x2, y2 = left, top + 16, width - right, height - bottom
    T = max(len(c) for c in curves.values())
    y_max = _nice_max(max(float(np.max(c)) for c in curves.values()))
    draw.text((left, 2), title, fill="black", font=font)
    for i in range(6):  # grid and tick labels
        y = y2 - (y2 - y1) * i / 5
        draw.line([(x1, y), (x2, y)], fill=(225, 225, 225))
        draw.text((4, y - 6), f"{y_max * i / 5:g}", fill="black", font=font)
        x = x1 + (x2 - x1) * i / 5
        draw.line([(x, y2), (x, y2 + 4)], fill="black")
        draw.text((x - 12, y2 + 8), f"{int(T * i / 5)}", fill="black", font=font)
    draw.rectangle([x1, y1, x2, y2], outline="black")
    draw.text(((x1 + x2) // 2 - 30, height - 18), "impressions", fill="black", font=font)
    for k, (name, curve) in enumerate(curves.items()):
        color = COLORS[k % len(COLORS)]
        step = max(1, len(curve) // (x2 - x1))
        idx = np.arange(0, len(curve), step)
        points = [(x1 + (x2 - x1) * i / (T - 1), y2 - (y2 - y1) * min(curve[i] / y_max, 1.0)) for i in idx]
        draw.line(points, fill=color, width=2)
        draw.line([(x1 + 10, y1 + 10 + 14 * k), (x1 + 30, y1 + 10 + 14 * k)], fill=color, width=3)
        draw.text((x1 + 36, y1 + 4 + 14 * k), name, fill="black", font=font)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
