"""The layout file: everything needed to re-render a creative after a person edits a text or moves a box."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.layout import FAMILIES, Box, Layout
from adcraft.creative.palette import Palette, parse_color
from adcraft.creative.placements import MAX_SIDE, Placement
from adcraft.creative.render import BACKGROUND_STYLES, CreativeTexts, Rendered, render_creative, trimmed_size
from adcraft.errors import InvalidInputError

SPEC_VERSION = 1
LABEL_ELEMENT = "ai_label"  # creative.aigc's element name for the visible AI-content label
_PALETTE_ROLES = ("background", "background_end", "text", "muted", "accent", "accent_text", "price")
_TEXT_FIELDS = ("headline", "subline", "points", "price", "original_price", "badge", "cta")


@dataclass
class CreativeSpec:
    """A creative as data: canvas, layout boxes, palette, background, texts and the product visual."""

    placement: Placement  # the slot (name, size)
    layout: Layout  # template and element boxes
    palette: Palette  # colours
    style: str  # background style (render.BACKGROUND_STYLES) when there is no theme
    texts: CreativeTexts  # what each element says
    visual: Image.Image  # RGBA product visual (stored beside the JSON as PNG)
    shrink: float = 1.0  # text size cap the composer settled on
    theme: str | None = None  # campaign theme name (its background and decorations)
    allow_upscale: bool = True  # False for merchant photos (their pixels are never enlarged)
    label: str | None = None  # visible AI-content label text, or None
    logo: Image.Image | None = None  # RGBA logo, or None
    safe_zone: tuple[float, float, float, float] | None = None  # network safe zone the label keeps to
    source: str = "generated"  # where the visual came from: "generated" or "photo" (for the XMP label)
    model_id: str = ""  # the generating model's id, when generated

    @classmethod
    def from_creative(
        cls, creative: Any, visual: Image.Image, logo: Image.Image | None = None
    ) -> CreativeSpec:
        """The spec of a composed creative (creative.compose.Creative) and the visual it was made from."""
        by = {t.element: t.text for t in creative.texts}
        points = [by[k] for k in sorted(by) if k.startswith("point_")]
        texts = CreativeTexts(
            headline=by.get("headline", ""),
            subline=by.get("subline", ""),
            points=points,
            price=by.get("price"),
            original_price=by.get("original_price"),
            badge=by.get("badge"),
            cta=by.get("cta", ""),
        )
        style = FAMILIES.get(creative.family, FAMILIES["classic"])[0]
        visual_source = creative.provenance.get("visual") or {}
        preserve = bool(creative.provenance.get("preserve_pixels", False))
        return cls(
            placement=creative.placement,
            layout=creative.layout,
            palette=creative.palette,
            style=style,
            texts=texts,
            visual=visual.convert("RGBA"),
            shrink=float(creative.provenance.get("shrink", 1.0)),
            theme=creative.provenance.get("theme"),
            allow_upscale=not preserve,
            label=by.get(LABEL_ELEMENT),
            logo=logo,
            safe_zone=tuple(zone) if (zone := creative.provenance.get("safe_zone")) else None,
            source=visual_source.get("kind", "photo" if preserve else "generated"),
            model_id=(visual_source.get("model") or {}).get("id", ""),
        )

    def background(self) -> Image.Image | None:
        """The theme's background (with decorations) for this layout, or None for a plain style."""
        if not self.theme:
            return None
        from adcraft.creative.themes import get_theme, render_theme_background

        return render_theme_background(
            self.layout, get_theme(self.theme), self.palette, trimmed_size(self.visual), self.allow_upscale
        )

    def render(self) -> Rendered:
        """Render the spec exactly as the composer does (label stamped last)."""
        rendered = render_creative(
            self.layout,
            self.palette,
            self.visual,
            self.texts,
            style=self.style,
            logo=self.logo,
            allow_upscale=self.allow_upscale,
            shrink=self.shrink,
            background=self.background(),
        )
        if self.label:
            from adcraft.creative.aigc import AILabel, stamp_label
            from adcraft.creative.layout import safe_area

            area = safe_area(self.placement, self.safe_zone) if self.safe_zone else None
            rendered = stamp_label(rendered, AILabel(text=self.label), area)
        return rendered

    def to_dict(self, visual_file: str, logo_file: str | None = None) -> dict[str, Any]:
        """Plain JSON form; the visual and logo are named files beside it."""
        texts = {name: getattr(self.texts, name) for name in _TEXT_FIELDS}
        return {
            "spec_version": SPEC_VERSION,
            "placement": {"name": self.placement.name, "size": list(self.placement.size)},
            "layout": self.layout.to_dict(),
            "palette": {role: self.palette.to_dict()[role] for role in _PALETTE_ROLES},
            "style": self.style,
            "theme": self.theme,
            "texts": texts,
            "shrink": self.shrink,
            "allow_upscale": self.allow_upscale,
            "label": self.label,
            "safe_zone": list(self.safe_zone) if self.safe_zone else None,
            "source": self.source,
            "model_id": self.model_id,
            "visual": visual_file,
            "logo": logo_file,
        }

    def save(self, path: str | Path) -> Path:
        """Write <name>.layout.json and its visual (and logo) PNG beside it."""
        from adcraft.fileio import write_bytes_atomic

        path = Path(path)
        stem = path.name.removesuffix(".layout.json").removesuffix(".json")
        visual_file = f"{stem}.visual.png"
        write_bytes_atomic(path.parent / visual_file, png_bytes(self.visual))
        logo_file = None
        if self.logo is not None:
            logo_file = f"{stem}.logo.png"
            write_bytes_atomic(path.parent / logo_file, png_bytes(self.logo))
        data = json.dumps(self.to_dict(visual_file, logo_file), ensure_ascii=False, indent=2)
        write_bytes_atomic(path, data.encode("utf-8"))
        return path


def png_bytes(image: Image.Image) -> bytes:
    """An image as PNG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _require(data: dict, key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise InvalidInputError(f"{where}: {key!r} is missing")
    if not isinstance(data[key], kind):
        raise InvalidInputError(f"{where}: {key!r} must be a {kind.__name__}, got {type(data[key]).__name__}")
    return data[key]


def _layout(data: dict, size: tuple[int, int], where: str) -> Layout:
    boxes = {}
    for name, box in _require(data, "boxes", dict, where).items():
        if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)):
            raise InvalidInputError(f"{where}: box {name!r} must be [x, y, w, h] integers, got {box!r}")
        b = Box(*box)
        if b.w <= 0 or b.h <= 0 or b.x < 0 or b.y < 0 or b.right > size[0] or b.bottom > size[1]:
            raise InvalidInputError(
                f"{where}: box {name!r} {box} must lie inside the {size[0]}x{size[1]} canvas"
            )
        boxes[name] = b
    if "product" not in boxes or "headline" not in boxes:
        raise InvalidInputError(f"{where}: boxes must include 'product' and 'headline'")
    align = data.get("align", "center")
    if align not in ("left", "center"):
        raise InvalidInputError(f"{where}: align {align!r} must be 'left' or 'center'")
    return Layout(str(data.get("template", "custom")), size[0], size[1], boxes, align)


def _texts(data: dict, where: str) -> CreativeTexts:
    unknown = set(data) - set(_TEXT_FIELDS)
    if unknown:
        raise InvalidInputError(f"{where}: unknown texts {sorted(unknown)}; allowed: {list(_TEXT_FIELDS)}")
    points = data.get("points") or []
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise InvalidInputError(f"{where}: points must be a list of strings")
    values = {k: data.get(k) for k in _TEXT_FIELDS if k != "points"}
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInputError(f"{where}: {key} must be a string, got {type(value).__name__}")
    if not (values["headline"] or "").strip():
        raise InvalidInputError(f"{where}: texts.headline is empty")
    return CreativeTexts(
        headline=values["headline"],
        subline=values["subline"] or "",
        points=points,
        price=values["price"],
        original_price=values["original_price"],
        badge=values["badge"],
        cta=values["cta"] or "",
    )


def _image(folder: Path, name: Any, what: str, where: str) -> Image.Image:
    if not isinstance(name, str) or Path(name).name != name:
        raise InvalidInputError(f"{where}: {what} must be a file name beside the layout file, got {name!r}")
    path = folder / name
    if not path.is_file():
        raise InvalidInputError(f"{where}: {what} file {name!r} not found beside the layout file")
    with Image.open(path) as image:
        if max(image.size) > MAX_SIDE:
            raise InvalidInputError(f"{where}: {what} is {image.size}, larger than {MAX_SIDE} px")
        return image.convert("RGBA")


def load_spec(path: str | Path) -> CreativeSpec:
    """Read and validate a layout file written by CreativeSpec.save (possibly edited by hand)."""
    path = Path(path)
    where = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{where}: not a readable JSON layout file ({exc})") from None
    if not isinstance(data, dict) or data.get("spec_version") != SPEC_VERSION:
        raise InvalidInputError(f"{where}: spec_version must be {SPEC_VERSION}")
    place = _require(data, "placement", dict, where)
    size = place.get("size")
    if not (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(v, int) and 1 <= v <= MAX_SIDE for v in size)
    ):
        raise InvalidInputError(f"{where}: placement.size must be [width, height] within 1..{MAX_SIDE}")
    style = data.get("style", "gradient")
    if style not in BACKGROUND_STYLES:
        raise InvalidInputError(f"{where}: style {style!r} must be one of {list(BACKGROUND_STYLES)}")
    colours = _require(data, "palette", dict, where)
    missing = [r for r in _PALETTE_ROLES if r not in colours]
    if missing:
        raise InvalidInputError(f"{where}: palette is missing {missing}")
    palette = Palette("layout", *(parse_color(colours[r]) for r in _PALETTE_ROLES))
    theme = data.get("theme")
    if theme is not None:
        from adcraft.creative.themes import get_theme

        theme = get_theme(theme).name
    shrink = data.get("shrink", 1.0)
    if not isinstance(shrink, (int, float)) or not 0.3 <= shrink <= 1.0:
        raise InvalidInputError(f"{where}: shrink {shrink!r} must be a number from 0.3 to 1.0")
    label = data.get("label")
    if label is not None and not (isinstance(label, str) and label.strip()):
        raise InvalidInputError(f"{where}: label must be a non-empty string or null")
    zone = data.get("safe_zone")
    if zone is not None:
        from adcraft.creative.layout import safe_area

        if not (isinstance(zone, list) and all(isinstance(v, (int, float)) for v in zone)):
            raise InvalidInputError(f"{where}: safe_zone must be [top, right, bottom, left] shares or null")
        safe_area(Placement("check", size[0], size[1]), tuple(zone))  # raises for bad shares
        zone = tuple(float(v) for v in zone)
    return CreativeSpec(
        placement=Placement(str(place.get("name", "custom")), size[0], size[1]),
        layout=_layout(_require(data, "layout", dict, where), (size[0], size[1]), where),
        palette=palette,
        style=style,
        texts=_texts(_require(data, "texts", dict, where), where),
        visual=_image(path.parent, data.get("visual"), "visual", where),
        shrink=float(shrink),
        theme=theme,
        allow_upscale=bool(data.get("allow_upscale", True)),
        label=label,
        logo=_image(path.parent, data["logo"], "logo", where) if data.get("logo") else None,
        safe_zone=zone,
        source="photo" if data.get("source") == "photo" else "generated",
        model_id=str(data.get("model_id") or ""),
    )
