"""The public entry point: a product in, finished and checked creatives (and files) out."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.aigc import AILabel, ContentLabel
from adcraft.creative.compose import Creative, CreativeComposer, texts_from_copy
from adcraft.creative.export import (
    check_formats,
    check_quality,
    creative_filename,
    save_image,
    sha256_file,
    write_manifest,
)
from adcraft.creative.layout import DEFAULT_FAMILY, FAMILIES
from adcraft.creative.palette import Palette, resolve_palette
from adcraft.creative.photo import BackgroundRemover, open_image
from adcraft.creative.placements import parse_placements
from adcraft.creative.product import Product, load_product
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

VISUAL_UPSCALE = 4  # generated 64 px visuals are upscaled to 256 px before layout
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
    """The text-to-image prompt: colour + title (+ segment modifiers), from the product's own words."""
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


def _model_hash(pipeline: Any) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(pipeline.unet.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()


def make_visual(pipeline: Any, seed: int, caption: str, num_steps: int) -> Image.Image:
    """Generate the product visual from the caption the model reads (already grounded) and upscale it
    (Real-ESRGAN, Lanczos fallback)."""
    from adcraft.upscale import upscale

    image = pipeline([caption], num_steps=num_steps, seed=seed, ground=False)[0]
    return upscale(image, scale=VISUAL_UPSCALE)


def _slug(product: Product) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", product.title.lower()).strip("-")[:40]
    return ascii_part or "product-" + hashlib.sha1(product.title.encode()).hexdigest()[:8]


def _segment_style(audience: str | None) -> tuple[str | None, Any, str, tuple[str, ...]]:
    """(tone, palette spec, family, prompt modifiers) for an audience segment name."""
    if not audience:
        return None, None, DEFAULT_FAMILY, ()
    from adcraft.personalize.segments import get_segment

    segment = get_segment(audience)
    family = segment.template_family if segment.template_family in FAMILIES else DEFAULT_FAMILY
    return segment.tone, segment.palette, family, tuple(segment.prompt_modifiers)


def generate_creatives(
    product: Product | dict | str | Path,
    placements: str | Iterable[str] | None = None,
    audience: str | None = None,
    out_dir: str | Path | None = None,
    *,
    pipeline: Any = None,
    seed: int = 0,
    formats: Sequence[str] = ("png",),
    allow_warnings: bool = False,
    quality: int = 90,
    lang: str | None = None,
    copy: Any = None,
    palette: Palette | str | None = None,
    num_steps: int = 20,
    composer: CreativeComposer | None = None,
    ai_label: AILabel | None = None,
    theme: str | None = None,
    networks: Sequence[str] = (),
) -> list[Creative]:
    """Product -> one checked creative per placement; with out_dir, image files and manifest.json.

    ai_label sets the visible AI-content label's text and position on generated visuals (default: the
    copy language's 「AI生成」 / "AI-generated", in a clear corner); it cannot be switched off.
    theme (creative/themes.yaml) sets the campaign's palette, background, decorations and copy templates;
    networks (delivery/networks.yaml) are delivered into out_dir/<network>/ (with them, placements
    default to none besides the networks' own).
    """
    from adcraft.delivery.run import check_networks, check_theme

    started = time.perf_counter()
    product = coerce_product(product)
    if ai_label is not None:
        ai_label.validate()
    theme, networks = check_theme(theme), check_networks(networks)
    if networks and out_dir is None:
        raise InvalidInputError("networks are delivered as files: give an output folder (out_dir / --out)")
    targets = [] if networks and placements is None else parse_placements(placements)
    formats = check_formats(formats)
    check_quality(quality)
    tone, segment_palette, family, modifiers = _segment_style(audience)
    # files are opened first so a bad photo or logo fails fast, before any work
    photo = open_image(product.photo, "photo") if product.photo is not None else None
    logo = open_image(product.logo, "logo").convert("RGBA") if product.logo is not None else None
    # the copy stays in the product's language: copy is derived from its words, never translated
    lang = lang if lang in ("zh", "en") else product.lang
    # 1. copy, checked before anything is rendered
    if copy is None:
        from adcraft.creative.copywriting import write_copy

        copy = write_copy(product, tone=tone or "neutral", lang=lang)
    if theme is not None:  # the campaign's tagline, badge and CTA are checked like all copy
        from adcraft.creative.themes import apply_theme_copy, get_theme

        copy = apply_theme_copy(copy, get_theme(theme))
    compliance = check_copy_compliance(copy, product, allow_warnings)
    from adcraft.creative.compliance.price import check_price_claims

    price_claims = check_price_claims(copy.texts(), product.price, product.original_price)
    texts = texts_from_copy(copy)
    # 2. the visual: the merchant's photo (pixels kept) or a generated one
    t0 = time.perf_counter()
    prompt = model = None
    if photo is not None:
        visual = BackgroundRemover().cut_out(photo)
        source = {"kind": "photo", "path": str(product.photo), "sha256": sha256_file(product.photo)}
    else:
        if pipeline is None:
            from adcraft.diffusion.pipeline import TextToImagePipeline

            pipeline = TextToImagePipeline.from_pretrained("default")
        prompt = visual_prompt(product, modifiers)
        model_read = pipeline.ground_prompts([prompt])[0].caption  # the caption grounding chose
        visual = make_visual(pipeline, seed, model_read, num_steps)
        encoder = pipeline.encoder
        model = {
            "id": pipeline.model_id,
            "sha256": _model_hash(pipeline),
            "encoder": {"name": encoder.name, "version": getattr(encoder, "version", ""), "dim": encoder.dim},
        }
        source = {
            "kind": "generated",
            "prompt": prompt,
            "seed": seed,
            "steps": num_steps,
            "model": model,
            "model_read": model_read,
        }
    visual_seconds = time.perf_counter() - t0
    theme_obj = None
    if theme is not None:  # a campaign's look wins over the brand's and the segment's colours
        from adcraft.creative.themes import get_theme

        theme_obj = get_theme(theme)
    chosen = resolve_palette(
        palette
        if palette is not None
        else (theme_obj.palette if theme_obj else None) or product.brand_colors or segment_palette or None
    )
    # 3. compose every placement (re-layout until QA passes, else flagged)
    composer = composer or CreativeComposer()
    creatives = []
    for placement in targets:
        creative = composer.compose(
            placement,
            visual,
            texts,
            chosen,
            family=family,
            logo=logo,
            preserve_pixels=product.photo is not None,
            label=_visible_label(ai_label, copy.lang) if photo is None else None,
            theme=theme_obj,
        )
        creative.timings["visual"] = visual_seconds / len(targets)
        creative.provenance.update({"visual": source, "seed": seed, "prompt": prompt, "audience": audience})
        _check_read_back(creative, copy.lang, product, composer.reader)
        creatives.append(creative)
    # 4. each network's files (budgets, motion, SVG, layout files), validated
    delivered = {}
    if networks:
        from adcraft.delivery.run import deliver_networks

        for d in deliver_networks(
            networks,
            product,
            copy,
            visual,
            out_dir,
            _slug(product),
            palette=chosen,
            family=family,
            source=source,
            theme=theme,
            label=_visible_label(ai_label, copy.lang) if photo is None else None,
            logo=logo,
            composer=composer,
        ):
            delivered[d.network] = {"folder": d.folder.name, "passed": d.passed, "failures": d.failures()}
    # 5. files and manifest
    if out_dir is not None:
        _export(
            Path(out_dir),
            product,
            copy,
            compliance,
            creatives,
            formats,
            quality,
            source,
            time.perf_counter() - started,
            audience,
            price_claims,
            {"theme": theme, "networks": delivered},
        )
    return creatives


def _check_read_back(creative: Creative, lang: str, product: Product, reader: Any) -> None:
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


def _visible_label(label: AILabel | None, lang: str) -> AILabel:
    """The configured visible label; its default text follows the copy's language."""
    label = label or AILabel()
    return label if label.text else AILabel(label.text, label.position, lang)


def _content_label(creative: Creative, source: dict) -> ContentLabel:
    """The metadata label of one creative's files: generated or photo-only, model id, a content id."""
    from adcraft import __version__

    shown = next((t.text for t in creative.texts if t.element == "ai_label"), "")
    model_id = source["model"]["id"] if source["kind"] == "generated" else ""
    return ContentLabel(source["kind"], f"adcraft {__version__}", model_id, uuid.uuid4().hex, shown)


def _export(
    out_dir: Path,
    product: Product,
    copy: Any,
    compliance: dict,
    creatives: list[Creative],
    formats: list[str],
    quality: int,
    source: dict,
    seconds: float,
    audience: str | None,
    price_claims: dict | None = None,
    delivery: dict | None = None,
) -> None:
    slug = _slug(product)
    entries = []
    for creative in creatives:
        label = _content_label(creative, source)
        for fmt in formats:
            path = out_dir / creative_filename(slug, creative.placement.key, fmt, audience or "")
            creative.files.append(save_image(creative.image, path, fmt, quality, label))
        entry = creative.to_dict()
        entry["file_sha256"] = {p.name: sha256_file(p) for p in creative.files}
        entry["content_label"] = label.xmp()  # the XMP metadata label written into each file
        entries.append(entry)
    write_manifest(
        out_dir,
        {
            "input": product.to_dict(),
            "copy": copy.to_dict(),
            "compliance": compliance,
            "price_claims": price_claims,  # the basis of every discount shown (prices, ratio, rule)
            **(delivery or {}),  # the campaign theme and each network's folder and validation verdict
            "visual": source,
            "audience": audience,
            "formats": formats,
            "quality": quality,
            "creatives": entries,
            "timings": {"total": round(seconds, 3)},
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )
