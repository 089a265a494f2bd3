"""Choose the SVG renderer of the dataset builder: speed and fidelity of resvg and cairosvg on the Fluent
Color emoji set (the filter-heaviest of the SVG styles).

Fidelity is measured without a reference image: the Fluent sets draw soft shadows and glows with Gaussian
blur filters, which make partly transparent pixels; a renderer that draws the blur adds such pixels over
the same icon with its filters stripped, one that skips or approximates it adds few. Also printed: the
mean absolute difference between the two renderers.

Run: .venv/bin/python bench/svg_render.py [--icons 60]   (needs `adcraft data build-products` once, for
the npm cache). Copy the table into docs/data.md with the date and machine it prints.
"""

from __future__ import annotations

import argparse
import datetime
import io
import platform
import re
import time

import numpy as np
from PIL import Image

from adcraft.data.npm import fetch_package
from adcraft.data.styles import STYLES
from adcraft.data.svgsets import load_icon_set, render_svg


def render_cairo(svg: str) -> Image.Image:
    """cairosvg's rendering of an SVG document, as RGBA."""
    import cairosvg

    with Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode()))) as img:
        return img.convert("RGBA")


def strip_filters(svg: str) -> str:
    """The SVG with every filter reference removed."""
    return re.sub(r'\sfilter="[^"]*"', "", svg)


def soft_share(img: Image.Image) -> float:
    """Share of the visible pixels that are partly transparent (0 < alpha < 255)."""
    alpha = np.asarray(img)[..., 3]
    visible = alpha > 0
    return float(((alpha < 255) & visible).sum() / max(1, visible.sum()))


def diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two RGBA images, in 0-255 units."""
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean())


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icons", type=int, default=60)
    args = parser.parse_args()
    icons = load_icon_set(fetch_package(STYLES["gradient"].package))
    names = sorted(icons.icons)[:: max(1, len(icons.icons) // args.icons)][: args.icons]
    filtered = [n for n in names if "filter=" in icons.icons[n]["body"]]
    renderers = {"resvg": render_svg, "cairosvg": render_cairo}
    print(f"{datetime.date.today()} {platform.machine()} {platform.processor() or ''}".strip())
    print(f"{len(names)} Fluent Color icons, {len(filtered)} with filters")
    print("| renderer | ms / image at 64 px | ms / image at 256 px | soft pixels added by blur (points) |")
    print("|---|---|---|---|")
    images = {}
    for name, render in renderers.items():
        times = {}
        for size in (64, 256):
            t0 = time.perf_counter()
            images[name, size] = [render(icons.svg(n, size)) for n in names]
            times[size] = (time.perf_counter() - t0) / len(names) * 1000
        added = np.mean(
            [
                soft_share(render(icons.svg(n, 256))) - soft_share(render(strip_filters(icons.svg(n, 256))))
                for n in filtered
            ]
        )
        print(f"| {name} | {times[64]:.1f} | {times[256]:.1f} | {100 * added:+.1f} |")
    pairs = zip(images["resvg", 256], images["cairosvg", 256], strict=True)
    between = np.mean([diff(a, b) for a, b in pairs])
    print(f"mean |resvg - cairosvg| at 256 px: {between:.2f} (0-255)")


if __name__ == "__main__":
    main()
