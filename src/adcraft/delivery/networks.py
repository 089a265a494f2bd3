"""Ad-network profiles (networks.yaml): sizes, formats, byte budgets, safe zones, image rules."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from adcraft.creative.placements import Placement
from adcraft.errors import ConfigError, NotFoundError

PROFILE_FILE = "networks.yaml"
RATIO_TOLERANCE = 0.02  # an image's W/H may differ this much (relative) from a listed ratio
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
_KEYS = {
    "title",
    "source",
    "sizes",
    "accepted_sizes",
    "ratios",
    "min_long_side",
    "formats",
    "max_bytes",
    "size_bytes",
    "safe_zone",
    "animation",
    "html5",
    "main_image",
    "background",
    "min_product_fill",
    "text",
}
STATIC_FORMATS = ("png", "jpeg", "webp", "gif")


@dataclass(frozen=True)
class Animation:
    """What a network accepts as an animated banner."""

    formats: tuple[str, ...]  # "webp" and/or "gif"
    max_seconds: float  # total play time before the animation must stop
    max_fps: float  # frame-rate cap (Google: 5 fps for GIF)
    loop: int  # plays: 0 loops forever, N plays N times then stops on the last frame


@dataclass(frozen=True)
class Html5:
    """Limits of an HTML5 (zip) ad."""

    max_bytes: int  # the zip's size
    max_files: int  # files inside the zip


@dataclass(frozen=True)
class NetworkProfile:
    """One network's delivery rules, read from networks.yaml."""

    name: str  # registry key, e.g. "google-display"
    title: str  # human name
    source: str  # where the figures come from
    sizes: tuple[tuple[int, int], ...]  # sizes `generate --network` produces
    formats: tuple[str, ...]  # static formats accepted, best-first
    max_bytes: int  # per-file limit
    accepted_sizes: tuple[tuple[int, int], ...] = ()  # every size accepted (defaults to sizes)
    ratios: tuple[tuple[str, float], ...] = ()  # accepted aspect ratios as ("4:5", 0.8)
    min_long_side: int = 0  # px the longer side must reach
    size_bytes: dict[str, int] = field(default_factory=dict)  # "WxH" -> byte limit for that size
    safe_zone: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # top, right, bottom, left
    animation: Animation | None = None  # None: no animated banners
    html5: Html5 | None = None  # None: no HTML5 ads
    main_image: bool = False  # a marketplace main image: the product alone, no layout
    background: str = "any"  # "any" or "white" (pure RGB 255)
    min_product_fill: float = 0.0  # share of the frame's longer side the product must span
    text: bool = True  # False: no text, logos or badges allowed

    def placements(self) -> list[Placement]:
        """The placements `generate --network` makes for this network."""
        return [Placement(f"{self.name}", w, h) for w, h in self.sizes]

    def byte_limit(self, width: int, height: int) -> int:
        """The byte limit for a file of this size."""
        return self.size_bytes.get(f"{width}x{height}", self.max_bytes)

    def accepts_size(self, width: int, height: int) -> bool:
        """True when this pixel size is one the network takes (listed size or listed ratio)."""
        if self.min_long_side and max(width, height) < self.min_long_side:
            return False
        if (width, height) in (self.accepted_sizes or self.sizes):
            return True
        return any(abs(width / height - r) / r <= RATIO_TOLERANCE for _, r in self.ratios)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for manifests and `adcraft networks`."""
        return {
            "name": self.name,
            "title": self.title,
            "sizes": [f"{w}x{h}" for w, h in self.sizes],
            "formats": list(self.formats),
            "max_bytes": self.max_bytes,
            "size_bytes": dict(self.size_bytes),
            "safe_zone": list(self.safe_zone),
            "main_image": self.main_image,
            "text": self.text,
            "source": self.source,
        }


def _size(text: Any, where: str) -> tuple[int, int]:
    match = _SIZE.match(str(text).strip().lower())
    if not match:
        raise ConfigError(f"{where}: size {text!r} must look like 300x250")
    return int(match.group(1)), int(match.group(2))


def _ratio(text: Any, where: str) -> tuple[str, float]:
    try:
        w, h = (float(part) for part in str(text).split(":"))
        return str(text), w / h
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"{where}: ratio {text!r} must look like 4:5") from None


def _safe_zone(values: Any, where: str) -> tuple[float, float, float, float]:
    zone = tuple(float(v) for v in values)
    if len(zone) != 4 or not all(0.0 <= v < 0.5 for v in zone):
        raise ConfigError(
            f"{where}: safe_zone {values!r} must be 4 shares (top, right, bottom, left) in 0..0.5"
        )
    return zone  # type: ignore[return-value]


def parse_profile(name: str, raw: dict[str, Any]) -> NetworkProfile:
    """A NetworkProfile from one networks.yaml entry; unknown keys and bad values raise."""
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"network {name!r}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    formats = tuple(raw["formats"])
    bad = [f for f in formats if f not in STATIC_FORMATS]
    if bad:
        raise ConfigError(f"network {name!r}: formats {bad} must be among {list(STATIC_FORMATS)}")
    anim = raw.get("animation")
    html5 = raw.get("html5")
    return NetworkProfile(
        name=name,
        title=raw["title"],
        source=raw["source"],
        sizes=tuple(_size(s, name) for s in raw["sizes"]),
        formats=formats,
        max_bytes=int(raw["max_bytes"]),
        accepted_sizes=tuple(_size(s, name) for s in raw.get("accepted_sizes", ())),
        ratios=tuple(_ratio(r, name) for r in raw.get("ratios", ())),
        min_long_side=int(raw.get("min_long_side", 0)),
        size_bytes={
            f"{w}x{h}": int(v) for k, v in raw.get("size_bytes", {}).items() for w, h in [_size(k, name)]
        },
        safe_zone=_safe_zone(raw.get("safe_zone", (0.0, 0.0, 0.0, 0.0)), name),
        animation=Animation(
            tuple(anim["formats"]), float(anim["max_seconds"]), float(anim["max_fps"]), int(anim["loop"])
        )
        if anim
        else None,
        html5=Html5(int(html5["max_bytes"]), int(html5["max_files"])) if html5 else None,
        main_image=bool(raw.get("main_image", False)),
        background=str(raw.get("background", "any")),
        min_product_fill=float(raw.get("min_product_fill", 0.0)),
        text=bool(raw.get("text", True)),
    )


@functools.lru_cache(maxsize=1)
def load_networks() -> dict[str, NetworkProfile]:
    """Every profile shipped in networks.yaml, by name."""
    raw = yaml.safe_load((resources.files("adcraft.delivery") / PROFILE_FILE).read_text(encoding="utf-8"))
    return {name: parse_profile(name, entry) for name, entry in raw.items()}


def get_network(name: str) -> NetworkProfile:
    """A shipped network profile by name."""
    networks = load_networks()
    key = str(name).strip().lower()
    if key not in networks:
        raise NotFoundError(f"network {name!r} is unknown; known networks: {sorted(networks)}")
    return networks[key]
