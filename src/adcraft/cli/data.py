"""CLI commands for datasets: build the bundled product set, import a merchant's images."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Attach the `data` command group to the main app."""
    data = typer.Typer(help="Build or import training datasets.", no_args_is_help=True)

    @data.command("build-products")
    def build_products_cmd(
        out: Path = typer.Option(Path("data/products"), help="Output dataset folder."),
        size: int = typer.Option(64, help="Image side in pixels."),
        colors: bool = typer.Option(True, help="Add hue-rotated colour variants with colour captions."),
        cache: Path = typer.Option(None, help="npm tarball cache (default ~/.cache/adcraft/npm)."),
    ) -> None:
        """Build the bundled product-visual dataset from npm packages (Fluent 3D emoji + emojibase)."""
        from adcraft.data.npm import DEFAULT_CACHE
        from adcraft.data.products import build_products

        manifest = build_products(out, size=size, colors=colors, cache=cache or DEFAULT_CACHE)
        counts = manifest["counts"]
        typer.echo(f"{out}: {counts['images']} images, {counts['concepts']} concepts, {counts['captions']} captions "
                   f"(fingerprint {manifest['fingerprint']})")

    app.add_typer(data, name="data")
