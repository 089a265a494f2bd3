"""Contact sheets: one image showing a segment's variants side by side, each labelled with its elements."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from adcraft.errors import InvalidInputError

CELL = 320  # each variant is fitted into a CELL × CELL square
LABEL_H = 54  # room under each cell for the variant id and its elements
PAD = 12


def _font(size: int) -> ImageFont.ImageFont:
    try:  # the bundled CJK font renders Chinese labels; Pillow's default has no CJK glyphs
        from adcraft.creative.fonts import load_font

        return load_font(size)
    except Exception:  # a sheet without CJK glyphs is still useful
        return ImageFont.load_default(size)


def contact_sheet(cells: Sequence[tuple[str, str, Image.Image]], columns: int = 3) -> Image.Image:
    """A grid of (title, subtitle, image) cells: images fitted into squares, two label lines under each."""
    if not cells:
        raise InvalidInputError("a contact sheet needs at least one image")
    columns = max(1, min(columns, len(cells)))
    rows = -(-len(cells) // columns)
    sheet = Image.new("RGB", (PAD + columns * (CELL + PAD), PAD + rows * (CELL + LABEL_H + PAD)), "white")
    draw = ImageDraw.Draw(sheet)
    title_font, small_font = _font(16), _font(12)
    for k, (title, subtitle, image) in enumerate(cells):
        x = PAD + (k % columns) * (CELL + PAD)
        y = PAD + (k // columns) * (CELL + LABEL_H + PAD)
        thumb = image.convert("RGBA")
        thumb.thumbnail((CELL, CELL))
        draw.rectangle((x, y, x + CELL - 1, y + CELL - 1), fill=(240, 240, 240))
        sheet.paste(thumb, (x + (CELL - thumb.width) // 2, y + (CELL - thumb.height) // 2), thumb)
        draw.text((x, y + CELL + 4), title, fill=(20, 20, 20), font=title_font)
        draw.text((x, y + CELL + 26), subtitle[:60], fill=(90, 90, 90), font=small_font)
    return sheet


def write_contact_sheet(
    cells: Sequence[tuple[str, str, str | Path]], path: str | Path, columns: int = 3
) -> Path:
    """Read each cell's image file and save the sheet as PNG; returns the path."""
    from adcraft.store.files import save_image_atomic

    images = []
    for title, subtitle, file in cells:
        with Image.open(file) as img:
            images.append((title, subtitle, img.copy()))
    return save_image_atomic(contact_sheet(images, columns), Path(path))


def _label(elements: dict[str, str]) -> str:
    palette = elements.get("palette", "")
    if palette.startswith("custom:"):
        palette = palette.removeprefix("custom:").split(",")[0]
    parts = [palette, elements.get("template", ""), elements.get("headline", ""), elements.get("cta", "")]
    return " · ".join([p for p in parts if p] + [elements.get("modifier", "")]).strip(" ·")


def write_variant_sheets(rendered: dict, out_dir: str | Path) -> dict[str, tuple[Path, Path]]:
    """Per audience: OUT/<audience>/contact_sheet.png and variants.json (campaign-ready variant specs).

    `rendered` is `generate.render_variants` output: {segment: [(variant, creatives)]}; each sheet
    cell is a variant's first creative.
    """
    from adcraft.store.files import write_json_atomic

    written = {}
    for segment, pairs in rendered.items():
        folder = Path(out_dir) / segment
        cells = [(v.variant_id, _label(v.elements()), creatives[0].files[0]) for v, creatives in pairs]
        specs = [{"id": v.variant_id, "segment": segment, "elements": v.elements(), "spec": v.to_dict()}
                 for v, _ in pairs]  # fmt: skip
        written[segment] = (
            write_contact_sheet(cells, folder / "contact_sheet.png"),
            write_json_atomic(folder / "variants.json", specs),
        )
    return written
