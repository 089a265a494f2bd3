"""`adcraft batch`: creatives for a whole catalog, resumable, with a progress bar and an error report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adcraft.defaults import DEFAULT_GUIDANCE, DEFAULT_PLACEMENTS, DEFAULT_STEPS


def register(app: typer.Typer) -> None:
    """Attach this group's commands to the main app."""

    @app.command()
    def batch(
        catalog: Annotated[Path, typer.Argument(help="CSV, JSONL or Parquet, one product per row")],
        out: Annotated[Path, typer.Option(help="output folder; a rerun skips finished products")],
        engine: Annotated[str, typer.Option(help="local (this process) or ray (Ray actors)")] = "local",
        address: Annotated[str | None, typer.Option(help="Ray cluster address; default: a local Ray")] = None,
        workers: Annotated[
            int | None, typer.Option(min=1, help="Ray actors, each loads the model once; default: what fits")
        ] = None,
        worker_cpus: Annotated[float, typer.Option(min=0.01, help="CPUs Ray reserves per actor")] = 1.0,
        worker_memory: Annotated[
            float, typer.Option(min=0, help="GiB of memory Ray reserves per actor (0: none)")
        ] = 2.0,
        placements: Annotated[str, typer.Option(help="comma-separated names or WxH")] = ",".join(
            DEFAULT_PLACEMENTS
        ),
        audiences: Annotated[str, typer.Option(help="comma-separated segment names; empty = generic")] = "",
        model: Annotated[
            str, typer.Option(help="default, a checkpoint dir or tiny-random (untrained)")
        ] = "default",
        steps: Annotated[int, typer.Option(help="sampler steps per visual (1-200)")] = DEFAULT_STEPS,
        guidance: Annotated[
            float, typer.Option(help="classifier-free guidance scale (0-20)")
        ] = DEFAULT_GUIDANCE,
        upscaler: Annotated[
            str, typer.Option(help="64 -> 256 px: auto, x4plus, animevideov3, lanczos")
        ] = "auto",
        format: Annotated[str, typer.Option("--format", help="png, jpeg or webp (comma-separated)")] = "png",
        seed: Annotated[int, typer.Option(help="base seed, 0..2147483647")] = 0,
        allow_warnings: Annotated[bool, typer.Option(help="keep copy the law checker flags")] = False,
        encoding: Annotated[
            str | None, typer.Option(help="catalog text encoding (e.g. gb18030); default: detected")
        ] = None,
    ) -> None:
        """Generate creatives for every catalog row into OUT (a bad row never stops the batch)."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from adcraft.batch.runner import REPORT_FILE, run_batch
        from adcraft.generate import GenerationSettings

        settings = GenerationSettings(
            model=model,
            steps=steps,
            guidance=guidance,
            upscaler=upscaler,
            formats=tuple(f.strip() for f in format.split(",") if f.strip()),
            seed=seed,
            allow_warnings=allow_warnings,
            placements=tuple(p.strip() for p in placements.split(",") if p.strip()),
            audiences=tuple(a.strip() for a in audiences.split(",") if a.strip()),
        )
        ray_options = None
        if engine == "ray":
            from adcraft.batch.ray_engine import LOG_DIR, GiB, RayOptions

            ray_options = RayOptions(
                address=address,
                workers=workers,
                cpus_per_worker=worker_cpus,
                memory_per_worker=int(worker_memory * GiB),
            )
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
        )
        progress = Progress(*columns, console=console)
        task = progress.add_task("products", total=None)

        def start(total: int) -> None:  # the bar appears once options and catalog are checked
            progress.update(task, total=total)
            progress.start()

        try:
            summary = run_batch(
                catalog,
                out,
                settings,
                engine=engine,
                ray_options=ray_options,
                on_start=start,
                on_progress=lambda o: progress.advance(task),
                encoding=encoding,
            )
        finally:
            progress.stop()
        console.print(
            f"{summary.done} done, {summary.skipped} skipped (finished earlier), "
            f"{summary.failed} failed of {summary.total} in {summary.seconds:.1f}s"
        )
        for row in summary.rows:
            if row.status == "failed":
                console.print(f"  row {row.number} ({row.id}): {row.error}", markup=False)
        console.print(f"report: {out / REPORT_FILE}", markup=False)
        if engine == "ray":
            console.print(f"worker logs: {out / LOG_DIR}", markup=False)
        if summary.failed:
            raise typer.Exit(1)
