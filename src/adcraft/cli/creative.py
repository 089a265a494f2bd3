"""CLI commands for creatives: `adcraft generate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adcraft.defaults import DEFAULT_GUIDANCE, DEFAULT_STEPS, LANGUAGES
from adcraft.errors import InvalidInputError


def _product_from_options(title: str | None, product_file: Path | None, **fields) -> object:
    """A Product from a file (options override its fields) or from the title and options."""
    from adcraft.creative.product import Product, load_product

    given = {k: v for k, v in fields.items() if v is not None}
    if product_file is not None:
        base = load_product(product_file).to_dict()
        if title:
            base["title"] = title
        base.update(given)
        return Product.from_dict(base)
    if title is None:
        raise InvalidInputError("title is missing; give TITLE or --product FILE")
    return Product.from_dict({"title": title, **given})


def _print_networks(out: Path) -> None:
    """Each delivered network's folder and validation verdict, from the manifest."""
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name, result in (manifest.get("networks") or {}).items():
        verdict = "validated" if result["passed"] else "FAILED: " + "; ".join(result["failures"])[:200]
        typer.echo(f"{name}: {out / result['folder']} {verdict}")


def _variants_per_audience(request, audiences: list[str], n: int, model: str, out: Path) -> None:
    """`generate --audience A,B,C`: n variants per audience, each with a contact sheet and variants.json."""
    from rich.console import Console
    from rich.table import Table

    from adcraft.generate import load_pipeline, render_variants
    from adcraft.personalize.segments import get_segment
    from adcraft.personalize.sheet import write_variant_sheets
    from adcraft.personalize.variants import MAX_VARIANTS

    if not audiences:
        raise InvalidInputError("--variants needs --audience (one or more segment names, comma-separated)")
    if not 1 <= n <= MAX_VARIANTS:
        raise InvalidInputError(f"--variants {n} must be between 1 and {MAX_VARIANTS}")
    segments = [get_segment(name) for name in audiences]  # an unknown name lists the known ones
    options = {k: getattr(request, k) for k in ("steps", "guidance", "upscaler", "formats", "quality",
                                                 "allow_warnings", "lang", "ai_label")}  # fmt: skip
    pipeline = load_pipeline(model) if request.product.photo is None else None
    rendered = render_variants(
        request.product, segments, n, out, pipeline=pipeline, seed=request.seed,
        placements=[p.key for p in request.placements], **options,
    )  # fmt: skip
    table = Table("audience", "variants", "contact sheet", "variants.json")
    for segment, (sheet, specs) in write_variant_sheets(rendered, out).items():
        table.add_row(segment, str(len(rendered[segment])), str(sheet), str(specs))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command()
    def generate(
        title: Annotated[str | None, typer.Argument(help="Product title (zh or en).")] = None,
        description: Annotated[str | None, typer.Option(help="Product description.")] = None,
        price: Annotated[str | None, typer.Option(help="Selling price, e.g. 199 or 19.99.")] = None,
        original_price: Annotated[str | None, typer.Option(help="List price, shown crossed out.")] = None,
        currency: Annotated[str | None, typer.Option(help="CNY, USD, EUR, GBP, JPY or HKD.")] = None,
        brand: Annotated[str | None, typer.Option(help="Brand name.")] = None,
        photo: Annotated[
            Path | None, typer.Option(help="Product photo; cut out and placed unchanged.")
        ] = None,
        product: Annotated[Path | None, typer.Option(help="Product .json/.yaml file.")] = None,
        placements: Annotated[str, typer.Option(help="'all' or sizes like 1080x1080,728x90.")] = "all",
        audience: Annotated[
            str | None,
            typer.Option(help="Audience segment name (style); A,B,C renders variants per audience."),
        ] = None,
        variants: Annotated[
            int, typer.Option(help="Variants per audience (0: one creative set; default 3 for A,B,C).")
        ] = 0,
        format: Annotated[str, typer.Option("--format", help="png, jpeg or webp (comma-separated).")] = "png",
        quality: Annotated[int, typer.Option(help="JPEG/WebP quality 1-100.")] = 90,
        out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/creatives"),
        seed: Annotated[int, typer.Option(help="Seed for the generated visual.")] = 0,
        allow_warnings: Annotated[
            bool, typer.Option(help="Render despite blocking compliance hits.")
        ] = False,
        lang: Annotated[str, typer.Option(help="Copy language: auto, zh or en.")] = "auto",
        model: Annotated[
            str, typer.Option(help="Shipped model name, checkpoint directory or tiny-random (untrained).")
        ] = "default",
        steps: Annotated[
            int, typer.Option(help="Sampler steps for the generated visual (1-200).")
        ] = DEFAULT_STEPS,
        guidance: Annotated[
            float, typer.Option(help="Classifier-free guidance scale (0-20).")
        ] = DEFAULT_GUIDANCE,
        upscaler: Annotated[
            str, typer.Option(help="64 -> 256 px: auto, x4plus, animevideov3, lanczos.")
        ] = "auto",
        category: Annotated[
            str | None, typer.Option(help="Advertising-law product category (drug, cosmetics, ...).")
        ] = None,
        ai_label: Annotated[str, typer.Option(help="Visible AI-content label text (default AI生成).")] = "",
        ai_label_position: Annotated[
            str, typer.Option(help="auto, bottom-right, bottom-left, top-right or top-left.")
        ] = "auto",
        network: Annotated[
            list[str] | None,
            typer.Option(help="Ad network to deliver to (repeatable; see `adcraft networks`)."),
        ] = None,
        theme: Annotated[str | None, typer.Option(help="Campaign theme (see `adcraft themes`).")] = None,
    ) -> None:
        """Make ad creatives for a product in every placement, with QA and a manifest."""
        from rich.console import Console
        from rich.table import Table

        from adcraft.creative.export import check_output_dir
        from adcraft.generate import GenerationRequest, generate, load_pipeline

        # every option is checked (here and by GenerationRequest) before the model loads or a file is written
        if lang not in ("auto", *LANGUAGES):
            raise InvalidInputError(f"--lang {lang!r} must be one of auto, {', '.join(LANGUAGES)}")
        check_output_dir(out, "--out")
        from adcraft.creative.aigc import AILabel

        label = AILabel(ai_label, ai_label_position, "en" if lang == "en" else "zh").validate()
        item = _product_from_options(
            title,
            product,
            description=description,
            price=price,
            original_price=original_price,
            currency=currency,
            brand=brand,
            photo=str(photo) if photo else None,
            language=None if lang == "auto" else lang,
            category=category,
        )
        audiences = [a.strip() for a in audience.split(",")] if audience else []
        per_audience = variants or (3 if len(audiences) > 1 else 0)
        request = GenerationRequest(
            item,
            placements=None if placements == "all" else placements.split(","),
            theme=theme,
            networks=tuple(network or ()),
            audience=None if per_audience else audience,
            seed=seed,
            steps=steps,
            guidance=guidance,
            upscaler=upscaler,
            formats=tuple(format.split(",")),
            quality=quality,
            allow_warnings=allow_warnings,
            lang=None if lang == "auto" else lang,
            ai_label=label if (ai_label or ai_label_position != "auto") else None,
        )
        if per_audience:
            _variants_per_audience(request, audiences, per_audience, model, out)
            return
        # the visual is generated: load the model once the request is known to be valid
        pipeline = load_pipeline(model) if item.photo is None else None
        creatives = generate(request, pipeline=pipeline, out_dir=out).creatives
        table = Table("placement", "file", "QA")
        for creative in creatives:
            status = "pass" if creative.qa.passed else "FLAGGED: " + "; ".join(creative.qa.failures)[:80]
            table.add_row(creative.placement.key, ", ".join(str(p) for p in creative.files), status)
        if creatives:
            Console().print(table)
        _print_networks(out)
        typer.echo(f"manifest: {out / 'manifest.json'}")
