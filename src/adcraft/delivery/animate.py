"""Animated banners from a creative's layers: product entrance, text reveal, price pop, CTA pulse.

The last frame is the static creative, held; animated WebP and GIF are encoded within a byte budget.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from adcraft.delivery.layers import REST, Layers, LayerState, composite
from adcraft.errors import BudgetError, InvalidInputError

MOTION_SECONDS = 2.4  # the entrance and emphasis play over this long
HOLD_SECONDS = 2.0  # then the static creative is held this long before a loop restarts
DEFAULT_FPS = 10  # frames per second when the network allows more (GIF/WebP size grows with it)
MIN_FPS = 2.5  # the budget search lowers the frame rate down to this
GIF_COLORS = (256, 128, 64, 32)  # palette sizes the GIF budget search tries
WEBP_QUALITIES = (90, 80, 70, 60, 50, 40)  # lossy qualities the WebP budget search tries after lossless
RISE_SHARE = 0.08  # the product rises in from this share of the canvas height below
POP_SCALE = 0.12  # price and badge grow by this much at their emphasis
PULSE_SCALE = 0.06  # the CTA button grows by this much at each pulse
# element -> (start s, end s) of its entrance; emphasis follows for price, badge and CTA
ENTRANCES = {
    "product": (0.0, 0.7),
    "logo": (0.2, 0.6),
    "headline": (0.3, 0.8),
    "subline": (0.5, 1.0),
    "points": (0.6, 1.1),
    "price": (0.8, 1.2),
    "badge": (0.9, 1.3),
    "cta": (1.1, 1.5),
}
EMPHASIS = {"price": (1.3, 1.7, POP_SCALE), "badge": (1.4, 1.8, POP_SCALE), "cta": (1.8, 2.3, PULSE_SCALE)}


def _ease_out(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return 1.0 - (1.0 - x) ** 3


def layer_state(name: str, t: float, height: int) -> LayerState:
    """Where the layer is at time t (s); every layer is at rest from MOTION_SECONDS on."""
    if name not in ENTRANCES or t >= MOTION_SECONDS:
        return REST
    start, end = ENTRANCES[name]
    p = _ease_out((t - start) / (end - start))
    if name == "product":
        return LayerState(dy=(1.0 - p) * RISE_SHARE * height, opacity=p)
    state = LayerState(dy=(1.0 - p) * 0.02 * height if name == "headline" else 0.0, opacity=p)
    if name in EMPHASIS:
        e_start, e_end, grow = EMPHASIS[name]
        if e_start <= t <= e_end:
            bump = math.sin(math.pi * (t - e_start) / (e_end - e_start))
            state = LayerState(scale=1.0 + grow * bump, opacity=p)
    return state


@dataclass
class Frames:
    """The frames of one animation and how long each shows."""

    images: list[Image.Image]
    durations_ms: list[int]
    fps: float

    @property
    def seconds(self) -> float:
        """Play time of one loop."""
        return sum(self.durations_ms) / 1000.0


def make_frames(layers: Layers, fps: float) -> Frames:
    """Frames at fps over the motion, then the static creative held HOLD_SECONDS."""
    if not 0 < fps <= 60:
        raise InvalidInputError(f"fps {fps!r} must be within 0..60")
    height = layers.final.height
    count = max(1, math.ceil(MOTION_SECONDS * fps))
    images = []
    for i in range(count):
        t = i / fps
        images.append(
            composite(layers, {layer.name: layer_state(layer.name, t, height) for layer in layers.layers})
        )
    images.append(layers.final.copy())  # the last frame is the static creative, pixel for pixel
    step = round(1000 / fps)
    return Frames(images, [step] * count + [round(HOLD_SECONDS * 1000)], fps)


@dataclass
class Animated:
    """An encoded animation and the settings the budget search settled on."""

    data: bytes
    format: str  # "gif" or "webp"
    settings: dict[str, Any]
    frames: int
    seconds: float  # one loop
    plays: int  # 0 = loops forever
    encode_seconds: float = 0.0
    tried: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        """File size."""
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        """Manifest entry."""
        return {
            "format": self.format,
            "settings": self.settings,
            "bytes": self.bytes,
            "frames": self.frames,
            "loop_seconds": round(self.seconds, 3),
            "plays": self.plays,
            "total_seconds": None if self.plays == 0 else round(self.seconds * self.plays, 3),
            "encode_seconds": round(self.encode_seconds, 3),
        }


def _loop_options(fmt: str, plays: int) -> dict[str, Any]:
    """Pillow's loop option: GIF/WebP store extra repeats (0 = forever); one play writes none for GIF."""
    if plays == 0:
        return {"loop": 0}
    if fmt == "gif":
        return {} if plays == 1 else {"loop": plays - 1}
    return {"loop": plays}


def encode_gif(frames: Frames, colors: int, plays: int) -> bytes:
    """An animated GIF on one adaptive palette of `colors` taken from the last (static) frame."""
    # one palette (from the static creative) for every frame: unchanged pixels stay identical, so the
    # GIF writer stores only each frame's changed rectangle
    reference = frames.images[-1].quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    paletted = [f.quantize(palette=reference, dither=Image.Dither.NONE) for f in frames.images]
    buffer = io.BytesIO()
    paletted[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=paletted[1:],
        duration=frames.durations_ms,
        optimize=True,
        disposal=1,
        **_loop_options("gif", plays),
    )
    return buffer.getvalue()


def encode_webp(frames: Frames, quality: int | None, plays: int) -> bytes:
    """An animated WebP: lossless when quality is None."""
    options: dict[str, Any] = {"lossless": True} if quality is None else {"quality": quality}
    buffer = io.BytesIO()
    frames.images[0].save(
        buffer,
        "WEBP",
        save_all=True,
        append_images=frames.images[1:],
        duration=frames.durations_ms,
        method=4,
        **options,
        **_loop_options("webp", plays),
    )
    return buffer.getvalue()


def _fps_steps(max_fps: float) -> list[float]:
    fps = min(DEFAULT_FPS, max_fps)
    steps = [fps]
    while steps[-1] / 2 >= MIN_FPS:
        steps.append(steps[-1] / 2)
    return steps


def animate_to_budget(
    layers: Layers, fmt: str, max_bytes: int, max_fps: float, max_seconds: float, plays: int, label: str
) -> Animated:
    """The richest animation (frame rate, then colours or quality) that fits max_bytes and max_seconds."""
    started = time.perf_counter()
    loop_seconds = MOTION_SECONDS + HOLD_SECONDS
    if plays and loop_seconds * plays > max_seconds:
        plays = max(1, int(max_seconds // loop_seconds))
    if loop_seconds > max_seconds:
        raise InvalidInputError(
            f"{label}: a {loop_seconds:.1f} s animation exceeds the {max_seconds} s limit"
        )
    tried: list[dict[str, Any]] = []
    for fps in _fps_steps(max_fps):
        frames = make_frames(layers, fps)
        settings_list = (
            [{"colors": c} for c in GIF_COLORS]
            if fmt == "gif"
            else ([{"lossless": True}] + [{"quality": q} for q in WEBP_QUALITIES])
        )
        if fmt not in ("gif", "webp"):
            raise InvalidInputError(f"animation format {fmt!r} must be gif or webp")
        for settings in settings_list:
            if fmt == "gif":
                data = encode_gif(frames, settings["colors"], plays)
            else:
                data = encode_webp(frames, settings.get("quality"), plays)
            tried.append({"fps": fps, **settings, "bytes": len(data)})
            if len(data) <= max_bytes:
                return Animated(
                    data,
                    fmt,
                    {"fps": fps, **settings},
                    len(frames.images),
                    frames.seconds,
                    plays,
                    time.perf_counter() - started,
                    tried,
                )
    smallest = min(tried, key=lambda t: t["bytes"])
    raise BudgetError(
        f"{label} animated {fmt} cannot fit {max_bytes:,} bytes: the smallest reached was "
        f"{smallest['bytes']:,} bytes ({smallest})"
    )


def last_frame(data: bytes) -> Image.Image:
    """The final frame of an animated GIF/WebP, as RGB."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(image.n_frames - 1)
        return image.convert("RGB")
