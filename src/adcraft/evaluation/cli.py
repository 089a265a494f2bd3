"""`adcraft eval` and `adcraft evaluator train|nearest`: thin commands over adcraft.evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from adcraft.data.styles import ANY_STYLE, DEFAULT_STYLE, parse_style
from adcraft.defaults import DEFAULT_GUIDANCE, DEFAULT_STEPS

DEFAULT_DATA = Path("data/products")  # the dataset `adcraft data build-products` writes
DEFAULT_EVALUATOR_OUT = Path("runs/evaluator")  # `evaluator train` without --out; never the shipped one


def register_eval(app: typer.Typer) -> None:
    """Attach `eval` and the `evaluator` command group to the main app."""

    @app.command("eval")
    def eval_(
        model: Annotated[str, typer.Option(help="Shipped model name or checkpoint directory.")] = "default",
        prompts: Annotated[
            Path | None, typer.Option(help="prompts.jsonl; default: the shipped held-out set.")
        ] = None,
        seeds: Annotated[int, typer.Option(help="Images per prompt (2-64), for diversity.")] = 4,
        steps: Annotated[int, typer.Option(help="Sampler steps.")] = DEFAULT_STEPS,
        guidance: Annotated[float, typer.Option(help="Classifier-free guidance scale.")] = DEFAULT_GUIDANCE,
        ground: Annotated[
            bool, typer.Option(help="Read titles naming a known product as its training caption.")
        ] = True,
        out: Annotated[Path, typer.Option(help="Folder for results.json and grid.png.")] = Path("out/eval"),
        data: Annotated[
            Path, typer.Option(help="Dataset for the real-image ceiling and random floor.")
        ] = DEFAULT_DATA,
        evaluator: Annotated[
            str, typer.Option(help="Evaluator directory; default: the shipped one.")
        ] = "default",
        batch_size: Annotated[int, typer.Option(help="Images per UNet batch.")] = 32,
        limit: Annotated[
            int | None, typer.Option(help="Use only the first N prompts (quick checks).")
        ] = None,
        style: Annotated[
            str, typer.Option(help="Style asked of the model (3d, flat, ...; 'any' for none).")
        ] = DEFAULT_STYLE,
        styles: Annotated[
            str, typer.Option(help="Also run these styles (comma-separated, 'any' too) for per-style tables.")
        ] = "",
        style_limit: Annotated[int, typer.Option(help="Prompts per extra style, spread over the set.")] = 40,
    ) -> None:
        """Measure a model on held-out prompts beside real (ceiling) and random-concept (floor) images."""
        from rich.console import Console
        from rich.progress import Progress

        from adcraft.diffusion.pipeline import TextToImagePipeline
        from adcraft.errors import InvalidInputError
        from adcraft.evaluation.classifier import load_evaluator
        from adcraft.evaluation.prompts import load_prompts
        from adcraft.evaluation.report import write_results
        from adcraft.evaluation.run import EvalConfig, run_eval

        console = Console()
        extra_styles = [parse_style(x.strip()) for x in styles.split(",") if x.strip()]
        cfg = EvalConfig(
            seeds=seeds,
            steps=steps,
            guidance=guidance,
            batch_size=batch_size,
            ground=ground,
            style=parse_style(style),
        )
        items = load_prompts(prompts)
        if limit is not None:
            if limit < 1:
                raise InvalidInputError(f"--limit {limit} must be at least 1")
            items = items[:limit]
        judge = load_evaluator(evaluator)
        pipe = TextToImagePipeline.from_pretrained(model)
        if not (data / "captions.jsonl").is_file():
            console.print(f"[yellow]no dataset at {data}: ceiling, floor and Fréchet distance are skipped[/]")
            data = None
        with Progress(transient=True, console=console) as progress:
            task = progress.add_task(f"generating {len(items)} prompts x {seeds} seeds", total=None)
            result = run_eval(
                pipe,
                judge,
                items,
                cfg,
                data=data,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        if extra_styles:
            result.summary["by_style"] = run_styles(pipe, judge, items, cfg, data, extra_styles, style_limit)
        paths = write_results(result, out)
        console.print(eval_table(result.summary))
        for table in breakdown_tables(result.summary):
            console.print(table)
        if result.summary["collapsed"]:
            console.print(f"collapsed prompts: {result.summary['collapsed']}")
        console.print(f"results: {paths['results']}  grid: {paths['grid']}")

    evaluator_app = typer.Typer(
        help="The concept-classifier evaluator used by `adcraft eval`.", no_args_is_help=True
    )

    @evaluator_app.command("train")
    def train(
        data: Annotated[Path, typer.Option(help="Dataset folder (real images only).")] = DEFAULT_DATA,
        out: Annotated[
            Path | None,
            typer.Option(help="Where to save; default runs/evaluator (the shipped one only if named)."),
        ] = None,
        epochs: Annotated[int, typer.Option(help="Passes over the training images.")] = 40,
        max_seconds: Annotated[
            float, typer.Option(help="Safety stop after the epoch that passes this wall time.")
        ] = 3600.0,
        threads: Annotated[int, typer.Option(help="Torch CPU threads.")] = 1,
        seed: Annotated[int, typer.Option(help="Seed of the split, augmentations and weights.")] = 0,
    ) -> None:
        """Train the evaluator on real dataset images and report its held-out accuracy."""
        import torch
        from rich.progress import Progress

        from adcraft.evaluation.concepts import build_concept_embeddings, save_concept_embeddings
        from adcraft.evaluation.train import EvaluatorTrainConfig, train_evaluator
        from adcraft.text.encoder import load_encoder

        cfg = EvaluatorTrainConfig(epochs=epochs, max_seconds=max_seconds, threads=threads, seed=seed)
        torch.set_num_threads(cfg.threads)  # a process setting: the entry point owns it, not the library
        target = out or DEFAULT_EVALUATOR_OUT  # the shipped evaluator changes only by an explicit --out
        with Progress(transient=True) as progress:
            task = progress.add_task("training evaluator", total=epochs)
            evaluator, report = train_evaluator(
                data,
                cfg,
                out=target,
                progress=lambda epoch, total, loss: progress.update(
                    task, completed=epoch, description=f"training evaluator (loss {loss:.3f})"
                ),
            )
        encoder = load_encoder()
        save_concept_embeddings(target, build_concept_embeddings(evaluator.concepts, encoder), encoder)
        typer.echo(json.dumps({"saved": str(target), **report.__dict__}, ensure_ascii=False, indent=2))

    @evaluator_app.command("nearest")
    def nearest(
        prompt: Annotated[str, typer.Argument(help="Product text (zh or en).")],
        k: Annotated[int, typer.Option(help="How many concepts.")] = 3,
        evaluator: Annotated[
            Path | None, typer.Option(help="Evaluator directory; default: the shipped one.")
        ] = None,
    ) -> None:
        """The known concepts closest to a prompt, with cosine similarity."""
        from adcraft.evaluation.concepts import ConceptIndex, nearest_concepts

        index = ConceptIndex.load(evaluator) if evaluator else None
        for label, sim in nearest_concepts(prompt, k=k, index=index):
            typer.echo(f"{sim:.3f}\t{label}")

    app.add_typer(evaluator_app, name="evaluator")


def eval_table(summary: dict):
    """A rich table of an evaluation summary: metric, model, ceiling, floor, target."""
    from rich.table import Table

    from adcraft.evaluation.report import table_rows

    ev = summary.get("evaluator") or {}
    caption = (
        f"{summary['prompts']} prompts x {summary['config']['seeds']} seeds; evaluator held-out top-1 "
        f"{ev.get('top1', float('nan')):.3f} / top-5 {ev.get('top5', float('nan')):.3f} on real images"
    )
    if grounding := summary.get("grounding"):
        caption += (
            f"; {grounding['matched']} prompts read as a training caption "
            f"({grounding['correct']} of them of the right concept)"
        )
    for kind, m in summary.get("by_dataset_images", {}).get("generated", {}).items():
        if m["prompts"]:
            caption += (
                f"\nconcepts with {kind} in the dataset ({m['prompts']} prompts): "
                f"top-1 {m['top1']:.3f}, top-5 {m['top5']:.3f}"
            )
    table = Table(title=f"adcraft eval: {summary['model']}", caption=caption)
    for col in ("metric", "model", "real (ceiling)", "random concept (floor)", "target"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in table_rows(summary):
        table.add_row(*row)
    return table


def run_styles(pipe, judge, items, cfg, data, styles: list[str | None], limit: int) -> dict:
    """Per-style runs on a spread subset of the prompts: {style: {condition: {metric: value}}}."""
    from dataclasses import replace

    from adcraft.evaluation.breakdowns import spread_subset, style_row
    from adcraft.evaluation.run import run_eval

    subset = spread_subset(items, limit)
    return {
        style or ANY_STYLE: {
            "prompts": len(subset),
            **style_row(run_eval(pipe, judge, subset, replace(cfg, style=style), data).summary),
        }
        for style in styles
    }


def breakdown_tables(summary: dict) -> list:
    """Rich tables of issue 20's breakdowns: per colour family, natural colour, per style."""
    from rich.table import Table

    from adcraft.evaluation.report import breakdown_rows

    tables = []
    for title, header, rows in breakdown_rows(summary):
        table = Table(title=title)
        for col in header:
            table.add_column(col, justify="left" if col == header[0] else "right")
        for row in rows:
            table.add_row(*row)
        tables.append(table)
    return tables
