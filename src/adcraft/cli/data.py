"""CLI commands for datasets: build the bundled product set, import a merchant's images."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adcraft.defaults import VISUAL_SIZE


def register(app: typer.Typer) -> None:
    """Attach the `data` command group to the main app."""
    data = typer.Typer(help="Build or import training datasets.", no_args_is_help=True)

    @data.command("build-products")
    def build_products_cmd(
        out: Annotated[Path, typer.Option(help="Output dataset folder.")] = Path("data/products"),
        size: Annotated[int, typer.Option(help="Image side in pixels.")] = VISUAL_SIZE,
        colors: Annotated[
            bool,
            typer.Option(help="Add OKLCH colour variants (every family shops use) with colour captions."),
        ] = True,
        cache: Annotated[
            Path | None, typer.Option(help="npm tarball cache (default ~/.cache/adcraft/npm).")
        ] = None,
        styles: Annotated[
            str, typer.Option(help="Comma-separated styles, 3d first (default: every style).")
        ] = "",
        hr_size: Annotated[
            int, typer.Option(help="Also save every image at this side under images_<N>/ (0 = none).")
        ] = 0,
    ) -> None:
        """Build the product-visual dataset from npm packages (emoji styles + emojibase labels)."""
        from adcraft.data.npm import DEFAULT_CACHE
        from adcraft.data.products import build_products

        manifest = build_products(
            out,
            size=size,
            colors=colors,
            cache=cache or DEFAULT_CACHE,
            styles=tuple(s.strip() for s in styles.split(",") if s.strip()) or None,
            hr_size=hr_size,
        )
        counts = manifest["counts"]
        typer.echo(
            f"{out}: {counts['images']} images, {counts['concepts']} concepts, {counts['captions']} captions "
            f"(fingerprint {manifest['fingerprint']})"
        )

    @data.command("import")
    def import_cmd(
        images: Annotated[Path, typer.Option(help="Folder with the images.")],
        captions: Annotated[
            Path,
            typer.Option(help="CSV (file,caption[,concept]) or JSONL with the same keys; UTF-8 or GB18030."),
        ],
        out: Annotated[Path, typer.Option(help="Output dataset folder.")],
        size: Annotated[int, typer.Option(help="Image side in pixels.")] = VISUAL_SIZE,
    ) -> None:
        """Import your own images + captions; bad rows are reported and skipped, good rows kept."""
        from adcraft.data.importer import import_dataset

        report = import_dataset(images, captions, out, size=size)
        for issue in report.skipped:
            typer.echo(f"skipped {issue}", err=True)
        typer.echo(f"{out}: kept {report.kept} rows, skipped {len(report.skipped)}")
        if not report.kept:
            raise typer.Exit(2)

    app.add_typer(data, name="data")
