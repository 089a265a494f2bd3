"""CLI commands for delivery: `adcraft validate`, `adcraft render`, `adcraft networks`, `adcraft themes`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adcraft.errors import InvalidInputError

RENDER_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}


def _print_checks(checks: list, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("file", "check", "value", "allowed", "", title=title)
    for c in checks:
        table.add_row(c.file, c.check, str(c.value)[:60], str(c.limit)[:40], "ok" if c.passed else "FAIL")
    Console().print(table)


def validate(
    folder: Annotated[Path, typer.Argument(help="Folder of creatives (images, animations, HTML5 zips).")],
    network: Annotated[list[str], typer.Option(help="Network profile name (repeatable).")],
) -> None:
    """Check a folder of creatives against network profiles; exit 1 when any check fails."""
    from adcraft.delivery.networks import get_network
    from adcraft.delivery.validate import validate_folder

    profiles = [get_network(name) for name in network]  # every name checked before any work
    failed = 0
    for profile in profiles:
        checks = validate_folder(folder, profile)
        _print_checks(checks, profile.name)
        for c in checks:  # failures in full, one per line, whatever the terminal width
            if not c.passed:
                typer.echo(f"FAIL {profile.name} {c.file}: {c.check} {c.value} (allowed: {c.limit})")
        failed += sum(not c.passed for c in checks)
    typer.echo(f"{failed} check(s) failed" if failed else "all checks passed")
    if failed:
        raise typer.Exit(1)


def render(
    layout: Annotated[Path, typer.Argument(help="A .layout.json written by generate (edited or not).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Image to write (.png, .jpg, .webp); default <name>.png beside it."),
    ] = None,
    svg: Annotated[bool, typer.Option(help="Also write the layered SVG beside the image.")] = False,
) -> None:
    """Re-render a creative from its layout file and run the same QA (OCR, contrast, layout, copy law)."""
    from adcraft.delivery.render import render_layout_file

    out = out or layout.with_name(layout.name.removesuffix(".layout.json").removesuffix(".json") + ".png")
    if out.suffix.lower() not in RENDER_SUFFIXES:
        raise InvalidInputError(f"--out {str(out)!r} must end in one of {sorted(RENDER_SUFFIXES)}")
    result = render_layout_file(layout, out, RENDER_SUFFIXES[out.suffix.lower()], svg)
    for path in result.files:
        typer.echo(f"wrote {path}")
    if result.failures:
        typer.echo("QA FLAGGED: " + "; ".join(result.failures))
        raise typer.Exit(1)
    typer.echo("QA passed")


def networks() -> None:
    """List the ad-network profiles: sizes, formats, byte limits."""
    from rich.console import Console
    from rich.table import Table

    from adcraft.delivery.networks import load_networks

    table = Table("network", "sizes", "formats", "max bytes", "motion")
    for p in load_networks().values():
        motion = ", ".join(
            ([f"{'/'.join(p.animation.formats)} <= {p.animation.max_fps:g} fps"] if p.animation else [])
            + (["html5"] if p.html5 else [])
        )
        table.add_row(
            p.name,
            " ".join(f"{w}x{h}" for w, h in p.sizes),
            ",".join(p.formats),
            f"{p.max_bytes:,}",
            motion or "-",
        )
    Console().print(table)


def themes() -> None:
    """List the campaign themes (usable as generate --theme NAME)."""
    from rich.console import Console
    from rich.table import Table

    from adcraft.creative.themes import load_themes

    table = Table("theme", "aliases", "zh", "en", "decorations")
    for t in load_themes().values():
        table.add_row(
            t.name,
            ", ".join(t.aliases),
            t.title.get("zh", ""),
            t.title.get("en", ""),
            ", ".join(t.decorations),
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""
    for command in (validate, render, networks, themes):
        app.command()(command)
