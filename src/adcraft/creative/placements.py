"""Placement sizes: the named ad slots and custom "WxH" sizes within 100..4096 px per side."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from adcraft.errors import InvalidInputError

MIN_SIDE = 100  # px; below this no text stays legible
MAX_SIDE = 4096  # px; above this a creative is a print job, not an ad slot
_SIZE = re.compile(r"^\s*(\d{1,6})\s*[xX×*]\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Placement:
    """An ad slot: a name and a pixel size; each is laid out for its own shape."""

    name: str  # slot name ("feed-square") or "custom"
    width: int  # px
    height: int  # px

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return (self.width, self.height)

    @property
    def aspect(self) -> float:
        """Width divided by height."""
        return self.width / self.height

    @property
    def key(self) -> str:
        """The "WxH" string used in file names and manifests."""
        return f"{self.width}x{self.height}"


PLACEMENTS: dict[str, Placement] = {
    p.key: p
    for p in (
        Placement("feed-square", 1080, 1080),
        Placement("feed-portrait", 1080, 1350),
        Placement("story", 1080, 1920),
        Placement("link-landscape", 1200, 628),
        Placement("product-square", 800, 800),
        Placement("medium-rectangle", 300, 250),
        Placement("leaderboard", 728, 90),
        Placement("wide-skyscraper", 160, 600),
    )
}
_BY_NAME = {p.name: p for p in PLACEMENTS.values()}


def parse_placement(text: str) -> Placement:
    """A named slot ("leaderboard"), a standard size ("728x90") or a custom "WxH" in range."""
    if not isinstance(text, str):
        raise InvalidInputError(f"placement {text!r} must be a string like 1080x1080")
    key = text.strip().lower()
    if key in _BY_NAME:
        return _BY_NAME[key]
    match = _SIZE.match(key)
    if not match:
        raise InvalidInputError(
            f"placement {text!r} is not a size; give WxH (e.g. 1080x1080) or one of {sorted(_BY_NAME)}"
        )
    width, height = int(match.group(1)), int(match.group(2))
    if f"{width}x{height}" in PLACEMENTS:  # standard slots (728x90) are allowed below the custom minimum
        return PLACEMENTS[f"{width}x{height}"]
    for side, value in (("width", width), ("height", height)):
        if not MIN_SIDE <= value <= MAX_SIDE:
            raise InvalidInputError(
                f"placement {text!r} {side} {value} px is outside {MIN_SIDE}..{MAX_SIDE} px"
            )
    return Placement("custom", width, height)


def parse_placements(spec: str | Iterable[str] | None) -> list[Placement]:
    """Comma-separated or listed placements; None or "all" gives every standard slot."""
    if spec is None:
        return list(PLACEMENTS.values())
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    items = [item for item in items if isinstance(item, str) and item.strip()] if items else []
    if len(items) == 1 and items[0].strip().lower() == "all":
        return list(PLACEMENTS.values())
    if not items:
        raise InvalidInputError("placements is empty; give 'all' or sizes like 1080x1080,728x90")
    out: list[Placement] = []
    for item in items:
        placement = parse_placement(item)
        if placement not in out:
            out.append(placement)
    return out
