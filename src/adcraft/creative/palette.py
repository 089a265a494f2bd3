"""Colour palettes for creatives, brand-colour palettes, and WCAG contrast arithmetic."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from adcraft.errors import InvalidInputError, NotFoundError

RGB = tuple[int, int, int]
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
BLACK: RGB = (17, 17, 17)  # near-black text; pure black looks harsh on screens
WHITE: RGB = (255, 255, 255)
MIN_BUTTON_CONTRAST = 4.5  # button text against its fill (WCAG AA for normal text)


def parse_color(value: str | Sequence[int]) -> RGB:
    """'#rgb', '#rrggbb' or an (r, g, b) triple -> an RGB tuple of ints."""
    if isinstance(value, str):
        match = _HEX.match(value.strip())
        if not match:
            raise InvalidInputError(f"colour {value!r} must look like #RRGGBB")
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    triple = tuple(value)
    if len(triple) != 3 or not all(isinstance(c, int) and 0 <= c <= 255 for c in triple):
        raise InvalidInputError(f"colour {value!r} must be three integers in 0..255")
    return triple  # type: ignore[return-value]


def to_hex(color: RGB) -> str:
    """An RGB tuple as '#rrggbb'."""
    return "#{:02x}{:02x}{:02x}".format(*color)


def relative_luminance(color: Sequence[float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 black .. 1 white)."""
    channels = []
    for c in color[:3]:
        c = c / 255.0
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG contrast ratio between two colours, 1..21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def best_text_color(background: RGB, candidates: Sequence[RGB] = (BLACK, WHITE)) -> RGB:
    """The candidate with the highest contrast against background."""
    return max(candidates, key=lambda c: contrast_ratio(c, background))


@dataclass(frozen=True)
class Palette:
    """The colours of one creative: background (two stops), text, accent button, price."""

    name: str  # registry name, or "brand" for palettes built from brand colours
    background: RGB  # top/left stop of the background
    background_end: RGB  # bottom/right stop (equal to background for a flat fill)
    text: RGB  # headline and body text
    muted: RGB  # sub-line, selling points, crossed-out price
    accent: RGB  # CTA button and discount badge fill
    accent_text: RGB  # text on the accent fill
    price: RGB  # the price figure

    def to_dict(self) -> dict[str, str]:
        """Colours as '#rrggbb' strings, for manifests."""
        return {k: (v if isinstance(v, str) else to_hex(v)) for k, v in self.__dict__.items()}


def _palette(name: str, bg: str, bg_end: str, text: str, muted: str, accent: str, price: str) -> Palette:
    accent_rgb = parse_color(accent)
    return Palette(
        name,
        parse_color(bg),
        parse_color(bg_end),
        parse_color(text),
        parse_color(muted),
        accent_rgb,
        best_text_color(accent_rgb),
        parse_color(price),
    )


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        _palette("clean", "#ffffff", "#eef1f5", "#1b1f24", "#4a5260", "#c8102e", "#b0101e"),
        _palette("warm", "#fff4e6", "#ffe3c2", "#3b2412", "#6b4a2f", "#c2410c", "#b42318"),
        _palette("fresh", "#effaf5", "#d3f2e4", "#0f2e22", "#35574a", "#047857", "#b42318"),
        _palette("blush", "#fff1f4", "#ffd9e2", "#3d2c3e", "#6a4a5c", "#be185d", "#be185d"),
        _palette("night", "#161b26", "#2a3142", "#f5f7fa", "#c9d1dc", "#f59e0b", "#fbbf24"),
        _palette("bold", "#ffd23f", "#ffc300", "#1f1f1f", "#3a3a3a", "#c8102e", "#b0001e"),
    )
}
DEFAULT_PALETTE = "clean"


def get_palette(name: str) -> Palette:
    """A registered palette by name."""
    if name not in PALETTES:
        raise NotFoundError(f"palette {name!r} is unknown; known palettes: {sorted(PALETTES)}")
    return PALETTES[name]


def _chroma(color: RGB) -> int:
    return max(color) - min(color)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def brand_palette(colors: Sequence[str | RGB], name: str = "brand") -> Palette:
    """A palette from brand colours: roles assigned by lightness and saturation, text kept legible."""
    rgb = [parse_color(c) for c in colors]
    if not rgb:
        raise InvalidInputError("brand colours are empty; give one or more #RRGGBB colours")
    lightest = max(rgb, key=relative_luminance)
    # a light background keeps product cut-outs and dark text readable; tint it if the lightest is dark
    background = lightest if relative_luminance(lightest) > 0.6 else _mix(lightest, WHITE, 0.85)
    background_end = _mix(background, min(rgb, key=relative_luminance), 0.08)
    # a brand colour dark enough for body text (AAA against the background) wins over plain black
    text = next((c for c in rgb if contrast_ratio(c, background) >= 7.0), BLACK)
    others = [c for c in rgb if c != lightest] or rgb
    accent = max(others, key=_chroma)
    accent_text = best_text_color(accent)
    if contrast_ratio(accent, accent_text) < MIN_BUTTON_CONTRAST:
        # darken the fill until white text on it reaches button contrast
        for t in (0.2, 0.35, 0.5, 0.65, 0.8):
            accent = _mix(accent, (0, 0, 0), t)
            if contrast_ratio(accent, WHITE) >= MIN_BUTTON_CONTRAST:
                break
        accent_text = best_text_color(accent)
    price = accent if contrast_ratio(accent, background) >= 4.5 else text
    muted = _mix(text, background, 0.25)
    return Palette(name, background, background_end, text, muted, accent, accent_text, price)


def resolve_palette(spec: str | Sequence[str] | Palette | None) -> Palette:
    """A Palette from a name, a list of brand colours, a Palette, or None (the default)."""
    if spec is None:
        return PALETTES[DEFAULT_PALETTE]
    if isinstance(spec, Palette):
        return spec
    if isinstance(spec, str):
        return get_palette(spec)
    return brand_palette(list(spec))
