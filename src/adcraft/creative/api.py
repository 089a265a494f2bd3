"""A product's creative set from a finished visual: checked copy, every placement, read-back, files.

Pure composition (PIL and plain data): the visual arrives already made, the style already resolved.
Generation requests are assembled and run by `adcraft.generate`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.aigc import AILabel, ContentLabel
from adcraft.creative.compose import Creative, CreativeComposer, texts_from_copy
from adcraft.creative.export import creative_filename, save_image, sha256_file, write_manifest
from adcraft.creative.palette import resolve_palette
from adcraft.creative.placements import Placement
from adcraft.creative.product import Product, load_product
from adcraft.creative.style import CreativeStyle
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

MAX_SHOWN_HITS = 5  # compliance hits listed in an error message


def coerce_product(product: Product | dict | str | Path) -> Product:
    """A validated Product from a Product, a mapping, or a .json/.yaml file path."""
    if isinstance(product, Product):
        return product.validate()
    if isinstance(product, dict):
        return Product.from_dict(product)
    if isinstance(product, (str, Path)):
        return load_product(product)
    raise InvalidInputError(
        f"product must be a Product, a mapping or a file path, not {type(product).__name__}"
    )


def _check_for(product: Product, text: str, lang: str) -> Any:
    """The advertising-law checker with this product's exemptions (its brand) and banned terms."""
    from adcraft.creative.compliance import check_compliance

    return check_compliance(
        text,
        lang=lang,
        allow_terms=(product.brand,) if product.brand else (),
        banned_terms=product.banned_terms,
        category=product.ad_category,
    )


def check_copy_compliance(copy: Any, product: Product, allow_warnings: bool = False) -> dict[str, Any]:
    """Run the advertising-law checker (and the merchant's banned terms) on every text of the copy;
    blocking hits raise unless allowed."""
    reports = {name: _check_for(product, text, copy.lang) for name, text in copy.texts().items()}
    blocking = [
        (name, hit)
        for name, report in reports.items()
        if report.blocking
        for hit in report.hits
        if hit.severity == "block"
    ]
    if blocking and not allow_warnings:
        shown = "; ".join(
            f"{name}: {hit.matched or hit.term!r} ({hit.rule}) -> {hit.suggestion!r}"
            for name, hit in blocking[:MAX_SHOWN_HITS]
        )
        raise InvalidInputError(
            f"copy breaks advertising rules ({len(blocking)} hit(s)): {shown}; "
            "rewrite the input or pass --allow-warnings"
        )
    return {name: report.to_dict() for name, report in reports.items()}


def visual_prompt(product: Product, modifiers: Sequence[str] = ()) -> str:
    """The text-to-image prompt: colour + title (+ style modifiers), from the product's own words."""
    from adcraft.text.colors import color_words, find_color

    parts = []
    family = find_color(product.text)
    if family:
        zh, en = color_words(family)
        colour = zh if product.lang == "zh" else en
        if colour.lower() not in product.title.lower():
            parts.append(colour)
    parts.append(product.title.strip())
    parts.extend(m for m in modifiers if m)
    return " ".join(parts)


def compose_creatives(
    product: Product,
    visual: Image.Image,
    copy: Any,
    style: CreativeStyle,
    placements: Sequence[Placement],
    composer: CreativeComposer | None = None,
    logo: Image.Image | None = None,
    ai_label: AILabel | None = None,
    theme: Any = None,
) -> list[Creative]:
    """Lay out and render every placement (re-layout until QA passes, else flagged), then read back.

    ai_label sets the visible AI-content label's text and position on generated visuals (default: the
    copy language's 「AI生成」 / "AI-generated", in a clear corner); it cannot be switched off.
    A campaign theme (creative.themes.Theme) draws the background and decorations.
    """
    palette = creative_palette(product, style, theme)
    composer = composer or CreativeComposer()
    texts = texts_from_copy(copy)
    creatives = []
    for placement in placements:
        creative = composer.compose(
            placement,
            visual,
            texts,
            palette,
            family=style.family,
            logo=logo,
            preserve_pixels=product.photo is not None,
            label=visible_label(ai_label, copy.lang) if product.photo is None else None,
            theme=theme,
        )
        check_read_back(creative, copy.lang, product, composer.reader)
        creatives.append(creative)
    return creatives


def check_read_back(creative: Creative, lang: str, product: Product, reader: Any) -> None:
    """The compliance checker on all text OCR reads in the whole finished image: the copy drawn, and
    words inside the merchant's photo or the generated visual. A blocking finding fails QA."""
    creative.qa.image_text = "\n".join(reader.read_image(creative.image))
    if not creative.qa.image_text:
        return
    report = _check_for(product, creative.qa.image_text, lang)
    creative.provenance["ocr_compliance"] = report.to_dict()
    if report.blocking:
        found = [h.matched for h in report.hits if h.severity == "block"]
        creative.qa.failures.append(f"text in the image breaks advertising rules: {found}")
        creative.qa.passed = False


def visible_label(label: AILabel | None, lang: str) -> AILabel:
    """The configured visible label; its default text follows the copy's language."""
    label = label or AILabel()
    return label if label.text else AILabel(label.text, label.position, lang)


def _content_label(creative: Creative, source: dict) -> ContentLabel:
    """The metadata label of one creative's files: generated or photo-only, model id, a content id."""
    from adcraft import __version__

    shown = next((t.text for t in creative.texts if t.element == "ai_label"), "")
    model_id = source["model"]["id"] if source["kind"] == "generated" else ""
    return ContentLabel(source["kind"], f"adcraft {__version__}", model_id, uuid.uuid4().hex, shown)


def creative_palette(product: Product, style: CreativeStyle, theme: Any = None) -> Any:
    """The palette: a campaign theme's, else the brand's colours, else the style's (a segment's)."""
    return resolve_palette(
        (theme.palette if theme else None) or product.brand_colors or style.palette or None
    )


def product_slug(product: Product) -> str:
    """A file-name stem from the product title (ASCII words, else a hash)."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", product.title.lower()).strip("-")[:40]
    return ascii_part or "product-" + hashlib.sha1(product.title.encode()).hexdigest()[:8]


def export_creatives(
    out_dir: Path,
    creatives: list[Creative],
    formats: Sequence[str],
    quality: int,
    manifest: dict[str, Any],
    slug: str,
    variant: str = "",
) -> Path:
    """Write every creative in every format (with its XMP content label), then manifest.json last."""
    entries = []
    for creative in creatives:
        label = _content_label(creative, manifest["visual"])
        for fmt in formats:
            path = out_dir / creative_filename(slug, creative.placement.key, fmt, variant)
            creative.files.append(save_image(creative.image, path, fmt, quality, label))
        entry = creative.to_dict()
        entry["file_sha256"] = {p.name: sha256_file(p) for p in creative.files}
        entry["content_label"] = label.xmp()  # the XMP metadata label written into each file
        entries.append(entry)
    return write_manifest(
        out_dir,
        {
            **manifest,
            "formats": list(formats),
            "quality": quality,
            "creatives": entries,
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )
