"""The one home of a generation: a request (product, style, sampling settings) in, checked creatives out.

The CLI, the service, batches and variant rendering build a `GenerationRequest` (or `GenerationSettings`
for several audiences at once) and call `generate` / `generate_for_product`; nothing else assembles a
generation. Flow: validate everything -> resolve the style -> copy (checked) -> visual (photo cut-out, or
text-to-image + upscale) -> compose every placement (creative/) -> files and manifest.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.api import (
    check_copy_compliance,
    coerce_product,
    compose_creatives,
    export_creatives,
    product_slug,
    visual_prompt,
)
from adcraft.creative.compose import Creative, CreativeComposer
from adcraft.creative.export import DEFAULT_QUALITY, check_formats, check_quality, sha256_file
from adcraft.creative.photo import BackgroundRemover, open_image
from adcraft.creative.placements import Placement, parse_placements
from adcraft.creative.product import Product
from adcraft.creative.style import CreativeStyle
from adcraft.defaults import (
    DEFAULT_GUIDANCE,
    DEFAULT_PLACEMENTS,
    DEFAULT_STEPS,
    LANGUAGES,
    MAX_GUIDANCE,
    MAX_PLACEMENTS,
    MAX_STEPS,
    MIN_STEPS,
    VISUAL_UPSCALE,
)
from adcraft.diffusion.schedule import check_seed
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

CUSTOM_PALETTE = "custom:"  # a variant's palette "custom:#rrggbb,#rrggbb" is a segment's own colours


def check_sampling(steps: int, guidance: float) -> None:
    """Refuse steps or guidance outside what the sampler accepts, naming the allowed range."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not MIN_STEPS <= steps <= MAX_STEPS:
        raise InvalidInputError(f"steps {steps!r} must be an integer from {MIN_STEPS} to {MAX_STEPS}")
    if (
        isinstance(guidance, bool)
        or not isinstance(guidance, (int, float))
        or not (0.0 <= guidance <= MAX_GUIDANCE)
    ):
        raise InvalidInputError(f"guidance {guidance!r} must be a number from 0 to {MAX_GUIDANCE}")


def check_upscaler(upscaler: str) -> str:
    """The upscaler name, one of adcraft.upscale.METHODS."""
    from adcraft.upscale import METHODS

    if upscaler not in METHODS:
        raise InvalidInputError(f"upscaler {upscaler!r} must be one of {list(METHODS)}")
    return upscaler


@dataclass(frozen=True)
class GenerationRequest:
    """Everything one creative set depends on; validated on construction, before anything is written."""

    product: Product  # a Product, or a mapping / .json / .yaml path turned into one
    placements: tuple[Placement, ...] | None = None  # names or "WxH" sizes; None = every placement
    audience: str | None = None  # segment name: its style is used unless `style` is given; recorded
    style: CreativeStyle | None = (
        None  # None: resolved here from the variant, else the audience, else default
    )
    variant: Any = None  # a personalize.variants.Variant: its palette, template, copy choices and seed win
    seed: int = 0  # noise seed of the generated visual
    steps: int = DEFAULT_STEPS  # sampler steps
    guidance: float = DEFAULT_GUIDANCE  # classifier-free guidance scale
    upscaler: str = "auto"  # how the 64 px visual becomes 256 px, one of adcraft.upscale.METHODS
    formats: tuple[str, ...] = ("png",)  # image formats written per creative
    quality: int = DEFAULT_QUALITY  # JPEG/WebP quality 1-100
    allow_warnings: bool = False  # render despite blocking compliance hits
    lang: str | None = None  # copy language; None = the product's own
    copy: Any = None  # ready-made copy (creative.copywriting.Copy); None = written from the product
    ai_label: Any = None  # creative.aigc.AILabel: the visible label's text/position; None = the default
    theme: str | None = None  # campaign theme (creative/themes.yaml): palette, background, copy templates
    networks: tuple[str, ...] = ()  # ad networks (delivery/networks.yaml) delivered into out_dir/<network>/

    def __post_init__(self) -> None:
        from adcraft.delivery.run import check_networks, check_theme

        set_ = object.__setattr__
        set_(self, "product", coerce_product(self.product))
        set_(self, "theme", check_theme(self.theme))
        set_(self, "networks", check_networks(self.networks))
        # with networks and no placements named, only the networks' own sizes are made
        none = self.networks and self.placements is None
        set_(self, "placements", () if none else tuple(parse_placements(self.placements)))
        set_(self, "formats", tuple(check_formats(self.formats)))
        check_quality(self.quality)
        if self.ai_label is not None:
            self.ai_label.validate()
        check_seed(self.seed)
        check_sampling(self.steps, self.guidance)
        check_upscaler(self.upscaler)
        if self.lang is not None and self.lang not in LANGUAGES:
            raise InvalidInputError(f"lang {self.lang!r} must be one of {list(LANGUAGES)}")
        set_(self, "style", resolve_style(self.style, self.variant, self.audience))


@dataclass
class GenerationResult:
    """What a generation made: the creatives and everything the manifest records about them."""

    creatives: list[Creative]
    copy: Any  # the copy the creatives show
    compliance: dict  # the checker's report per copy text
    style: CreativeStyle  # the style that was used
    source: dict  # where the visual came from (photo or model, prompt, seed, steps, guidance)
    manifest: Path | None = None  # manifest.json when files were written


def resolve_style(style: CreativeStyle | None, variant: Any, audience: str | None) -> CreativeStyle:
    """The style to use: the given one, else the variant's, else the audience segment's, else the default."""
    if style is not None:
        return style
    if variant is not None:
        v = variant
        palette = v.palette
        if palette.startswith(CUSTOM_PALETTE):
            palette = tuple(palette[len(CUSTOM_PALETTE) :].split(","))
        modifiers = (v.prompt_modifier,) if v.prompt_modifier else ()
        return CreativeStyle(palette=palette, family=v.template, tone=v.tone, prompt_modifiers=modifiers)
    if audience:
        from adcraft.personalize.segments import get_segment

        return get_segment(audience).style()
    return CreativeStyle()


def load_pipeline(model: str = "default", device: str = "cpu") -> Any:
    """The text-to-image pipeline: a shipped name, a checkpoint dir, or 'tiny-random' (untrained, tests)."""
    from adcraft.diffusion.pipeline import TextToImagePipeline

    if model == "tiny-random":
        return TextToImagePipeline.tiny_random(seed=0)
    return TextToImagePipeline.from_pretrained(model, device=device)


def _model_hash(pipeline: Any) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(pipeline.unet.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()


def make_visual(
    pipeline: Any, caption: str, seed: int, steps: int, guidance: float, upscaler: str = "auto"
) -> Image.Image:
    """The product visual from the caption the model reads (already grounded), upscaled for layout."""
    from adcraft.upscale import upscale

    image = pipeline([caption], num_steps=steps, guidance_scale=guidance, seed=seed, ground=False)[0]
    return upscale(image, scale=VISUAL_UPSCALE, method=upscaler)


def _generated_visual(
    request: GenerationRequest, style: CreativeStyle, seed: int, pipeline: Any
) -> tuple[Image.Image, dict]:
    """Text-to-image for the product, and the provenance the manifest records."""
    pipeline = pipeline if pipeline is not None else load_pipeline()
    prompt = visual_prompt(request.product, style.prompt_modifiers)
    model_read = pipeline.ground_prompts([prompt])[0].caption  # the caption grounding chose
    visual = make_visual(pipeline, model_read, seed, request.steps, request.guidance, request.upscaler)
    encoder = pipeline.encoder
    source = {
        "kind": "generated",
        "prompt": prompt,
        "seed": seed,
        "steps": request.steps,
        "guidance": request.guidance,
        "upscaler": request.upscaler,
        "model": {
            "id": pipeline.model_id,
            "sha256": _model_hash(pipeline),
            "encoder": {"name": encoder.name, "version": getattr(encoder, "version", ""), "dim": encoder.dim},
        },
        "model_read": model_read,
    }
    return visual, source


def _write_copy(request: GenerationRequest, style: CreativeStyle) -> Any:
    """The request's copy, or copy written from the product in the style's tone (and variant's choices)."""
    if request.copy is not None:
        return request.copy
    from adcraft.creative.copywriting import write_copy

    # the copy stays in the product's language: copy is derived from its words, never translated
    lang = request.lang or request.product.lang
    variant = request.variant
    if variant is None:
        return write_copy(request.product, tone=style.tone, lang=lang)
    return write_copy(
        request.product, tone=style.tone, lang=lang, variant=variant.headline_id, cta_variant=variant.cta_id
    )


def generate(
    request: GenerationRequest,
    pipeline: Any = None,
    out_dir: str | Path | None = None,
    composer: CreativeComposer | None = None,
) -> GenerationResult:
    """Run one request: one checked creative per placement; with out_dir, image files and manifest.json."""
    started = time.perf_counter()
    product = request.product
    style = request.style
    seed = request.variant.visual_seed if request.variant is not None else request.seed
    # files are opened first so a bad photo or logo fails fast, before any work
    photo = open_image(product.photo, "photo") if product.photo is not None else None
    logo = open_image(product.logo, "logo").convert("RGBA") if product.logo is not None else None
    # 1. copy, checked before anything is rendered
    if request.networks and out_dir is None:
        raise InvalidInputError("networks are delivered as files: give an output folder (out_dir / --out)")
    copy = _write_copy(request, style)
    theme = None
    if request.theme is not None:  # the campaign's tagline, badge and CTA are checked like all copy
        from adcraft.creative.themes import apply_theme_copy, get_theme

        theme = get_theme(request.theme)
        copy = apply_theme_copy(copy, theme)
    compliance = check_copy_compliance(copy, product, request.allow_warnings)
    from adcraft.creative.compliance.price import check_price_claims

    price_claims = check_price_claims(copy.texts(), product.price, product.original_price)
    # 2. the visual: the merchant's photo (pixels kept) or a generated one
    t0 = time.perf_counter()
    if photo is not None:
        visual = BackgroundRemover().cut_out(photo)
        source = {"kind": "photo", "path": str(product.photo), "sha256": sha256_file(product.photo)}
    else:
        visual, source = _generated_visual(request, style, seed, pipeline)
    visual_seconds = time.perf_counter() - t0
    # 3. compose every placement
    composer = composer or CreativeComposer()
    creatives = compose_creatives(
        product, visual, copy, style, request.placements, composer, logo, request.ai_label, theme
    )
    for creative in creatives:
        creative.timings["visual"] = visual_seconds / len(creatives)
        creative.provenance.update(
            {"visual": source, "seed": seed, "prompt": source.get("prompt"), "audience": request.audience}
        )
    result = GenerationResult(creatives, copy, compliance, style, source)
    # 4. each network's files (budgets, motion, SVG, layout files), validated
    delivered = _deliver(request, copy, visual, out_dir, style, source, theme, logo, composer)
    # 4. files and manifest
    if out_dir is not None:
        manifest = {
            "input": product.to_dict(),
            "copy": copy.to_dict(),
            "compliance": compliance,
            "price_claims": price_claims,  # the basis of every discount shown (prices, ratio, rule)
            "theme": request.theme,
            "networks": delivered,  # each network's folder and validation verdict
            "visual": source,
            "audience": request.audience,
            "style": style.to_dict(),
            "variant": request.variant.to_dict() if request.variant is not None else None,
            "timings": {"total": round(time.perf_counter() - started, 3)},
        }
        result.manifest = export_creatives(
            Path(out_dir),
            creatives,
            request.formats,
            request.quality,
            manifest,
            product_slug(product),
            request.audience or "",
        )
    return result


def _deliver(
    request: GenerationRequest,
    copy: Any,
    visual: Image.Image,
    out_dir: str | Path | None,
    style: CreativeStyle,
    source: dict,
    theme: Any,
    logo: Image.Image | None,
    composer: CreativeComposer,
) -> dict:
    """Deliver the request's networks into out_dir/<network>/; returns {network: folder and verdict}."""
    if not request.networks:
        return {}
    from adcraft.creative.api import creative_palette, visible_label
    from adcraft.delivery.run import deliver_networks

    product = request.product
    deliveries = deliver_networks(
        request.networks,
        product,
        copy,
        visual,
        out_dir,
        product_slug(product),
        palette=creative_palette(product, style, theme),
        family=style.family,
        source=source,
        theme=request.theme,
        label=visible_label(request.ai_label, copy.lang) if product.photo is None else None,
        logo=logo,
        composer=composer,
    )
    return {
        d.network: {"folder": d.folder.name, "passed": d.passed, "failures": d.failures()} for d in deliveries
    }


def generate_creatives(
    product: Product | dict | str | Path,
    placements: str | Iterable[str] | None = None,
    audience: str | None = None,
    out_dir: str | Path | None = None,
    *,
    pipeline: Any = None,
    composer: CreativeComposer | None = None,
    **options: Any,
) -> list[Creative]:
    """Product -> one checked creative per placement (keyword options are GenerationRequest's fields)."""
    request = GenerationRequest(product, placements=placements, audience=audience, **options)
    return generate(request, pipeline=pipeline, out_dir=out_dir, composer=composer).creatives


# several audiences at once: what the service and batches run ---------------------------------------
@dataclass(frozen=True)
class GenerationSettings:
    """Everything besides the product that changes a creative set; part of a batch's resume key."""

    model: str = "default"  # shipped model name, checkpoint dir, or "tiny-random" (untrained; smoke tests)
    placements: tuple[str, ...] = DEFAULT_PLACEMENTS  # placement names or "WxH" sizes
    audiences: tuple[str, ...] = ()  # segment names; () = one generic creative set
    steps: int = DEFAULT_STEPS  # sampler steps per visual
    guidance: float = DEFAULT_GUIDANCE  # classifier-free guidance scale
    seed: int = 0  # base seed; the same product + settings give the same images
    formats: tuple[str, ...] = ("png",)  # image formats written per creative
    allow_warnings: bool = False  # keep creatives whose compliance check only warns
    upscaler: str = "auto"  # 64 -> 256 px upscaler, one of adcraft.upscale.METHODS
    theme: str | None = None  # campaign theme (creative/themes.yaml); None = no campaign look

    def __post_init__(self) -> None:
        object.__setattr__(self, "placements", tuple(self.placements))
        object.__setattr__(self, "audiences", tuple(self.audiences))
        object.__setattr__(self, "formats", tuple(check_formats(self.formats)))
        if not 1 <= len(self.placements) <= MAX_PLACEMENTS:
            raise InvalidInputError(
                f"placements: {len(self.placements)} given; between 1 and {MAX_PLACEMENTS} allowed"
            )
        check_seed(self.seed)
        check_sampling(self.steps, self.guidance)
        check_upscaler(self.upscaler)
        if self.theme is not None:
            from adcraft.delivery.run import check_theme
            from adcraft.errors import NotFoundError

            try:
                object.__setattr__(self, "theme", check_theme(self.theme))
            except NotFoundError as exc:  # a bad request value, not a missing resource
                raise InvalidInputError(str(exc)) from None

    def to_dict(self) -> dict:
        """Plain JSON form."""
        return asdict(self)

    def request(self, product: Product | dict, audience: str | None) -> GenerationRequest:
        """The request for one product and one of the audiences."""
        return GenerationRequest(
            product,
            placements=self.placements,
            audience=audience,
            seed=self.seed,
            steps=self.steps,
            guidance=self.guidance,
            upscaler=self.upscaler,
            formats=self.formats,
            allow_warnings=self.allow_warnings,
            theme=self.theme,
        )


@dataclass
class CreativeFile:
    """One finished creative on disk and what the UI shows about it."""

    placement: str  # placement name or "WxH"
    image: Path  # the main image file (first format)
    manifest: Path  # JSON manifest beside it
    qa_status: str = "unchecked"  # pass / warn / fail / unchecked
    segment: str | None = None  # audience segment it was made for
    notes: dict = field(default_factory=dict)  # compliance and QA notes


def qa_status(qa: Any) -> str:
    """'fail' when a QA check failed, 'warn' when it only warned, else 'pass'."""
    if not qa.passed:
        return "fail"
    return "warn" if qa.warnings else "pass"


def generate_for_product(
    product: dict, settings: GenerationSettings, pipeline: Any, out_dir: str | Path
) -> list[CreativeFile]:
    """Every audience's creatives for one product, under out_dir/<audience or 'all'>, in order."""
    requests = [(a, settings.request(dict(product), a)) for a in settings.audiences or (None,)]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[CreativeFile] = []
    for audience, request in requests:
        result = generate(request, pipeline=pipeline, out_dir=out_dir / (audience or "all"))
        files.extend(_creative_files(result, audience))
    return files


def _creative_files(result: GenerationResult, audience: str | None) -> list[CreativeFile]:
    hits = [
        f"{name}: {hit.get('matched') or hit.get('term')} ({hit.get('severity')}) -> {hit.get('suggestion')}"
        for name, report in result.compliance.items()
        for hit in report.get("hits", [])
    ]
    return [
        CreativeFile(
            placement=c.placement.name if c.placement.name != "custom" else c.placement.key,
            image=c.files[0],
            manifest=result.manifest,
            qa_status=qa_status(c.qa),
            segment=audience,
            notes={
                "qa_failures": list(c.qa.failures),
                "qa_warnings": list(c.qa.warnings),
                "compliance": hits,
                "size": c.placement.key,
            },
        )
        for c in result.creatives
    ]


def render_variants(
    product: Product | dict,
    segments: Sequence[Any],
    n: int,
    out_dir: str | Path,
    pipeline: Any = None,
    seed: int = 0,
    placements: Sequence[str] | None = None,
    **options: Any,
) -> dict[str, list[tuple[Any, list[Creative]]]]:
    """Render N variants per segment (personalize.variants); returns {segment: [(variant, creatives)]}.

    `options` are further GenerationRequest fields (steps, guidance, upscaler, formats, ...).
    """
    from adcraft.personalize.variants import generate_variants

    product = coerce_product(product)
    out_dir = Path(out_dir)
    rendered: dict[str, list[tuple[Any, list[Creative]]]] = {}
    for segment in segments:
        rendered[segment.name] = []
        for variant in generate_variants(product, segment, n, seed=seed):
            request = GenerationRequest(
                product, placements=placements, audience=segment.name, variant=variant, **options
            )
            result = generate(request, pipeline=pipeline, out_dir=out_dir / segment.name / variant.variant_id)
            rendered[segment.name].append((variant, result.creatives))
    return rendered
