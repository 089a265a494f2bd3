"""HTML5 banner zip: index.html with CSS animations of the creative's layers, within the network's limits."""

from __future__ import annotations

import html
import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image

from adcraft.delivery.animate import EMPHASIS, ENTRANCES, RISE_SHARE
from adcraft.delivery.encode import encode_lossy, optimise_png
from adcraft.delivery.layers import Layers
from adcraft.errors import BudgetError

DEFAULT_CLICK_URL = "https://www.example.com"  # replaced by the ad server's clickTag at serving time
BACKGROUND_QUALITIES = (90, 80, 70, 60, 50)  # JPEG qualities tried for the background when PNG is too big
LAYER_COLORS = (None, 256, 64)  # layer PNGs: lossless, then palettes of these sizes


@dataclass
class Html5Ad:
    """A zipped HTML5 ad and what it holds."""

    data: bytes  # the zip
    files: list[str]  # names inside
    settings: dict[str, Any]  # how the background and layers were encoded
    encode_seconds: float = 0.0

    @property
    def bytes(self) -> int:
        """Zip size."""
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        """Manifest entry."""
        return {
            "bytes": self.bytes,
            "files": self.files,
            "settings": self.settings,
            "encode_seconds": round(self.encode_seconds, 3),
        }


def _layer_png(image: Image.Image, colors: int | None) -> bytes:
    buffer = io.BytesIO()
    if colors is None:
        image.save(buffer, "PNG")
    else:  # RGBA quantisation needs the octree quantiser
        image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
            buffer, "PNG"
        )
    return optimise_png(buffer.getvalue())


def _css(layers: Layers, ext: str) -> str:
    """Keyframes and per-layer animations matching the animated GIF/WebP timeline."""
    rise = round(RISE_SHARE * layers.final.height)
    rules = [
        "body{margin:0}",
        f"#ad{{position:relative;display:block;width:{layers.final.width}px;height:{layers.final.height}px;"
        f"overflow:hidden;background:url(background.{ext}) no-repeat}}",
        "#ad img{position:absolute;display:block}",
        f"@keyframes rise{{from{{opacity:0;transform:translateY({rise}px)}}to{{opacity:1;transform:none}}}}",
        "@keyframes fade{from{opacity:0}to{opacity:1}}",
    ]
    for name, (_, _, grow) in EMPHASIS.items():
        rules.append(
            f"@keyframes pop-{name}{{0%,100%{{transform:none}}50%{{transform:scale({1 + grow:.2f})}}}}"
        )
    for layer in layers.layers:
        if layer.name not in ENTRANCES:
            continue
        start, end = ENTRANCES[layer.name]
        kind = "rise" if layer.name == "product" else "fade"
        animations = [f"{kind} {end - start:.2f}s ease-out {start:.2f}s both"]
        if layer.name in EMPHASIS:
            e_start, e_end, _ = EMPHASIS[layer.name]
            animations.append(f"pop-{layer.name} {e_end - e_start:.2f}s ease-in-out {e_start:.2f}s both")
        rules.append(f"#{layer.name}{{animation:{','.join(animations)}}}")
    return "\n".join(rules)


def _index_html(layers: Layers, ext: str, click_url: str, title: str) -> str:
    w, h = layers.final.size
    images = "\n".join(
        f'<img id="{layer.name}" src="{layer.name}.png" alt="" '
        f'style="left:{layer.box.x}px;top:{layer.box.y}px;width:{layer.box.w}px;height:{layer.box.h}px">'
        for layer in layers.layers
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="ad.size" content="width={w},height={h}">
<title>{html.escape(title)}</title>
<script>var clickTag = {click_url!r};</script>
<style>
{_css(layers, ext)}
</style></head>
<body><a id="ad" href="javascript:window.open(window.clickTag)">
{images}
</a></body></html>
"""


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # same bytes for the same ad
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _backgrounds(layers: Layers) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    png = io.BytesIO()
    layers.background.save(png, "PNG")
    yield "png", optimise_png(png.getvalue()), {"background": "png"}
    for quality in BACKGROUND_QUALITIES:
        yield (
            "jpg",
            encode_lossy(layers.background, "jpeg", quality),
            {"background": "jpeg", "quality": quality},
        )


def html5_to_budget(
    layers: Layers, max_bytes: int, max_files: int, label: str, click_url: str = DEFAULT_CLICK_URL
) -> Html5Ad:
    """The zip with the best-quality background and layers that fits max_bytes and max_files."""
    started = time.perf_counter()
    if len(layers.layers) + 2 > max_files:
        raise BudgetError(
            f"{label} HTML5 ad needs {len(layers.layers) + 2} files; at most {max_files} allowed"
        )
    smallest = None
    for colors in LAYER_COLORS:
        pngs = {f"{layer.name}.png": _layer_png(layer.image, colors) for layer in layers.layers}
        for ext, background, settings in _backgrounds(layers):
            files = {"index.html": _index_html(layers, ext, click_url, label).encode("utf-8")}
            files[f"background.{ext}"] = background
            files.update(pngs)
            data = _zip(files)
            smallest = min(smallest or len(data), len(data))
            if len(data) <= max_bytes:
                settings = {**settings, "layer_colors": colors or "lossless"}
                return Html5Ad(data, list(files), settings, time.perf_counter() - started)
    raise BudgetError(
        f"{label} HTML5 ad cannot fit {max_bytes:,} bytes: the smallest zip reached was {smallest:,}"
    )
