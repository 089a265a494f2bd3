"""CLI commands around the text-to-image model: sample, train, finetune (and eval)."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from adcraft.data.styles import DEFAULT_STYLE, parse_style
from adcraft.defaults import DEFAULT_GUIDANCE, DEFAULT_STEPS

BUILTIN_PROMPTS = [
    "红色连衣裙",
    "red dress",
    "蓝色运动鞋",
    "blue sneakers",
    "笔记本电脑",
    "laptop",
    "一杯咖啡",
    "yellow handbag",
]


def register(app: typer.Typer) -> None:
    """Attach sample/train/finetune (and eval, from adcraft.evaluation) to the main app."""
    from adcraft.evaluation.cli import register_eval

    register_eval(app)

    @app.command()
    def sample(
        prompts: Annotated[
            list[str] | None, typer.Argument(help="Product texts (zh or en); default: a built-in set.")
        ] = None,
        model: Annotated[str, typer.Option(help="Shipped model name or checkpoint directory.")] = "default",
        out: Annotated[Path, typer.Option(help="Folder for the PNGs and a grid.")] = Path("out/samples"),
        steps: Annotated[int, typer.Option(help="Sampler steps (1-200).")] = DEFAULT_STEPS,
        guidance: Annotated[
            float, typer.Option(help="Classifier-free guidance scale (0-20).")
        ] = DEFAULT_GUIDANCE,
        seed: Annotated[int, typer.Option(help="Seed of the first image; image i uses seed + i.")] = 0,
        sampler: Annotated[str, typer.Option(help="dpm++ or ddim.")] = "dpm++",
        upscale: Annotated[bool, typer.Option(help="Upscale 64 -> 256 px with Real-ESRGAN.")] = True,
        ground: Annotated[
            bool,
            typer.Option(
                help="Read titles that name a known product as its training caption (e.g. '红色连衣裙')."
            ),
        ] = True,
        style: Annotated[
            str, typer.Option(help="Picture style (3d, flat, cartoon, ...); 'any' lets seeds vary.")
        ] = DEFAULT_STYLE,
    ) -> None:
        """Generate product visuals (RGBA PNG) from product text."""
        from rich.progress import Progress

        from adcraft.creative.export import check_output_dir
        from adcraft.diffusion.pipeline import TextToImagePipeline
        from adcraft.diffusion.schedule import SAMPLERS, check_sampling_args, check_seed
        from adcraft.errors import InvalidInputError
        from adcraft.training.samples import make_grid

        texts = prompts or BUILTIN_PROMPTS
        check_sampling_args(steps, guidance)
        check_seed(seed)
        check_output_dir(out, "--out")
        chosen = parse_style(style)
        if sampler not in SAMPLERS:
            raise InvalidInputError(f"sampler {sampler!r} must be one of {list(SAMPLERS)}")
        pipe = TextToImagePipeline.from_pretrained(model)
        read = [g.caption for g in pipe.ground_prompts(texts, ground, chosen)]
        with Progress(transient=True) as progress:
            task = progress.add_task("sampling", total=None)
            images = pipe(
                read,
                num_steps=steps,
                guidance_scale=guidance,
                seed=seed,
                sampler=sampler,
                ground=False,
                callback=lambda done, total: progress.update(task, completed=done, total=total),
            )
        out.mkdir(parents=True, exist_ok=True)
        if upscale:
            from adcraft.upscale import upscale as upscale_image

            images = [upscale_image(img, scale=4) for img in images]
        for i, img in enumerate(images):
            img.save(out / f"sample_{i:02d}.png")
        make_grid(images, cols=min(4, len(images)), scale=1).save(out / "grid.png")
        from adcraft.evaluation.concepts import index_for

        report = index_for(pipe.encoder).familiarity(texts)
        (out / "prompts.json").write_text(
            json.dumps(
                [
                    {
                        "file": f"sample_{i:02d}.png",
                        **dataclasses.asdict(f),
                        "model_read": r,
                        "colour": pipe.colour_report(f.prompt),
                    }
                    for i, (f, r) in enumerate(zip(report, read, strict=True))
                ],
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        for i, (f, r) in enumerate(zip(report, read, strict=True)):
            label, sim = f.nearest[0]
            as_read = f"\tread as: {r}" if r != f.prompt else ""
            typer.echo(f"{out / f'sample_{i:02d}.png'}\t{f.prompt}\tnearest: {label} ({sim:.3f}){as_read}")
            if warning := f.warning():
                typer.echo(f"warning: {warning}", err=True)
            colour = pipe.colour_report(f.prompt)
            if colour is not None and colour["trained"] is False:
                typer.echo(
                    f"warning: colour {colour['word']!r} (read as {colour['family'] or 'no colour family'}) "
                    "is not one the model was trained on; the image was generated anyway",
                    err=True,
                )

    @app.command()
    def train(
        config: Annotated[
            Path | None,
            typer.Option("--config", help="YAML/JSON file with the differences from the defaults."),
        ] = None,
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set", help="Override one key, e.g. --set steps=1000 --set unet.channels=[16,32]."
            ),
        ] = None,
        resume: Annotated[
            Path | None, typer.Option(help="Run folder or checkpoint to resume exactly.")
        ] = None,
    ) -> None:
        """Train the text-to-image UNet on a dataset folder."""
        from adcraft.training.config import load_train_config
        from adcraft.training.loop import train as run_training

        cfg = load_train_config(config, set_ or [])
        _set_threads(cfg.threads)
        _log_to_stderr()
        result = run_training(cfg, resume=resume, on_log=_print_log)
        typer.echo(
            f"checkpoint: {result.checkpoint} (step {result.steps}, loss {result.final_loss:.4f}, "
            f"{result.wall_time_s / 60:.1f} min)"
        )

    @app.command()
    def finetune(
        data: Annotated[Path, typer.Option(help="Dataset folder (adcraft data import).")],
        from_: Annotated[
            str, typer.Option("--from", help="Checkpoint (or shipped model name) to start from.")
        ] = "default",
        out: Annotated[Path, typer.Option(help="Output run folder.")] = Path("runs/finetune"),
        steps: Annotated[int, typer.Option(help="Optimizer steps.")] = 500,
        lr: Annotated[float, typer.Option(help="Peak learning rate.")] = 1e-4,
        set_: Annotated[list[str] | None, typer.Option("--set", help="Other overrides, key=value.")] = None,
    ) -> None:
        """Continue training a model on a merchant's own images + captions (full fine-tune)."""
        from adcraft.training.finetune import finetune_config
        from adcraft.training.loop import train as run_training

        cfg = finetune_config(from_, data, out, steps, lr, set_ or [])
        _set_threads(cfg.threads)
        _log_to_stderr()
        result = run_training(cfg, on_log=_print_log)
        typer.echo(f"checkpoint: {result.checkpoint} (step {result.steps}, loss {result.final_loss:.4f})")

    @app.command()
    def export(
        checkpoint: Annotated[Path, typer.Argument(help="Training checkpoint (run folder's checkpoint/).")],
        out: Annotated[Path, typer.Option(help="Model folder to write (e.g. src/adcraft/models/default).")],
        model_id: Annotated[str, typer.Option(help="Name recorded in config.json and manifests.")],
        half: Annotated[bool, typer.Option(help="Store weights as float16 (half the size).")] = True,
        data: Annotated[
            Path | None,
            typer.Option(
                help="Dataset whose concept labels ground prompts; default: "
                "the checkpoint's own vocabulary.json"
            ),
        ] = None,
    ) -> None:
        """Export a checkpoint's EMA weights as a shippable model (config.json + model.safetensors)."""
        from adcraft.data.dataset import read_dataset
        from adcraft.diffusion.checkpoint import export_model
        from adcraft.text.grounding import Vocabulary

        vocabulary = Vocabulary.from_records(read_dataset(data)) if data is not None else None
        path = export_model(checkpoint, out, model_id, half=half, vocabulary=vocabulary)
        typer.echo(f"exported {model_id} to {path}")


def _log_to_stderr() -> None:
    logging.getLogger("adcraft").setLevel(logging.INFO)


def _print_log(record: dict) -> None:
    eta = record["eta_s"]
    typer.echo(
        f"step {record['step']:>6}  loss {record['loss']:.4f}  lr {record['lr']:.2e}  "
        f"{record['images_per_s']:.1f} img/s  ETA {eta // 3600}h{eta % 3600 // 60:02d}m",
        err=True,
    )


def _set_threads(threads: int) -> None:
    """Apply a config's torch thread count to this process (0 keeps torch's default)."""
    if threads:
        import torch

        torch.set_num_threads(threads)
