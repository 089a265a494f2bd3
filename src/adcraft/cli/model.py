"""CLI commands around the text-to-image model: sample, train, finetune (and eval)."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import typer

BUILTIN_PROMPTS = ["红色连衣裙", "red dress", "蓝色运动鞋", "blue sneakers", "笔记本电脑", "laptop",
                   "一杯咖啡", "yellow handbag"]


def register(app: typer.Typer) -> None:
    """Attach sample/train/finetune (and eval, from adcraft.evaluation) to the main app."""
    from adcraft.evaluation.cli import register_eval

    register_eval(app)

    @app.command()
    def sample(
        prompts: list[str] | None = typer.Argument(None, help="Product texts (zh or en); default: a built-in set."),
        model: str = typer.Option("default", help="Shipped model name or checkpoint directory."),
        out: Path = typer.Option(Path("out/samples"), help="Folder for the PNGs and a grid."),
        steps: int = typer.Option(20, help="Sampler steps (1-200)."),
        guidance: float = typer.Option(3.0, help="Classifier-free guidance scale (0-20)."),
        seed: int = typer.Option(0, help="Seed of the first image; image i uses seed + i."),
        sampler: str = typer.Option("dpm++", help="dpm++ or ddim."),
        upscale: bool = typer.Option(True, help="Upscale 64 -> 256 px with Real-ESRGAN."),
    ) -> None:
        """Generate product visuals (RGBA PNG) from product text."""
        from rich.progress import Progress

        from adcraft.diffusion.pipeline import TextToImagePipeline
        from adcraft.diffusion.schedule import SAMPLERS, check_sampling_args
        from adcraft.errors import InvalidInputError
        from adcraft.training.samples import make_grid

        texts = prompts or BUILTIN_PROMPTS
        check_sampling_args(steps, guidance)
        if sampler not in SAMPLERS:
            raise InvalidInputError(f"sampler {sampler!r} must be one of {list(SAMPLERS)}")
        pipe = TextToImagePipeline.from_pretrained(model)
        with Progress(transient=True) as progress:
            task = progress.add_task("sampling", total=None)
            images = pipe(texts, num_steps=steps, guidance_scale=guidance, seed=seed, sampler=sampler,
                          callback=lambda done, total: progress.update(task, completed=done, total=total))
        out.mkdir(parents=True, exist_ok=True)
        if upscale:
            from adcraft.upscale import upscale as upscale_image

            images = [upscale_image(img, scale=4) for img in images]
        for i, img in enumerate(images):
            img.save(out / f"sample_{i:02d}.png")
        make_grid(images, cols=min(4, len(images)), scale=1).save(out / "grid.png")
        from adcraft.evaluation.concepts import shipped_index

        report = shipped_index().familiarity(texts)
        (out / "prompts.json").write_text(json.dumps(
            [{"file": f"sample_{i:02d}.png", **dataclasses.asdict(f)} for i, f in enumerate(report)],
            ensure_ascii=False, indent=2), encoding="utf-8")
        for i, f in enumerate(report):
            label, sim = f.nearest[0]
            typer.echo(f"{out / f'sample_{i:02d}.png'}\t{f.prompt}\tnearest: {label} ({sim:.3f})")
            if warning := f.warning():
                typer.echo(f"warning: {warning}", err=True)

    @app.command()
    def train(
        config: Path | None = typer.Option(None, "--config", help="YAML/JSON file with the differences from the defaults."),
        set_: list[str] | None = typer.Option(None, "--set", help="Override one key, e.g. --set steps=1000 --set unet.channels=[16,32]."),
        resume: Path | None = typer.Option(None, help="Run folder or checkpoint to resume exactly."),
    ) -> None:
        """Train the text-to-image UNet on a dataset folder."""
        from adcraft.training.config import load_train_config
        from adcraft.training.loop import train as run_training

        cfg = load_train_config(config, set_ or [])
        _log_to_stderr()
        result = run_training(cfg, resume=resume, on_log=_print_log)
        typer.echo(f"checkpoint: {result.checkpoint} (step {result.steps}, loss {result.final_loss:.4f}, "
                   f"{result.wall_time_s / 60:.1f} min)")

    @app.command()
    def finetune(
        from_: str = typer.Option("default", "--from", help="Checkpoint (or shipped model name) to start from."),
        data: Path = typer.Option(..., help="Dataset folder (adcraft data import)."),
        out: Path = typer.Option(Path("runs/finetune"), help="Output run folder."),
        steps: int = typer.Option(500, help="Optimizer steps."),
        lr: float = typer.Option(1e-4, help="Peak learning rate."),
        set_: list[str] | None = typer.Option(None, "--set", help="Other overrides, key=value."),
    ) -> None:
        """Continue training a model on a merchant's own images + captions (full fine-tune)."""
        from adcraft.training.finetune import finetune_config
        from adcraft.training.loop import train as run_training

        cfg = finetune_config(from_, data, out, steps, lr, set_ or [])
        _log_to_stderr()
        result = run_training(cfg, on_log=_print_log)
        typer.echo(f"checkpoint: {result.checkpoint} (step {result.steps}, loss {result.final_loss:.4f})")

    @app.command()
    def export(
        checkpoint: Path = typer.Argument(..., help="Training checkpoint (run folder's checkpoint/)."),
        out: Path = typer.Option(..., help="Model folder to write (e.g. src/adcraft/models/default)."),
        model_id: str = typer.Option(..., help="Name recorded in config.json and manifests."),
        half: bool = typer.Option(True, help="Store weights as float16 (half the size)."),
    ) -> None:
        """Export a checkpoint's EMA weights as a shippable model (config.json + model.safetensors)."""
        from adcraft.diffusion.checkpoint import export_model

        path = export_model(checkpoint, out, model_id, half=half)
        typer.echo(f"exported {model_id} to {path}")


def _log_to_stderr() -> None:
    logging.getLogger("adcraft").setLevel(logging.INFO)


def _print_log(record: dict) -> None:
    eta = record["eta_s"]
    typer.echo(f"step {record['step']:>6}  loss {record['loss']:.4f}  lr {record['lr']:.2e}  "
               f"{record['images_per_s']:.1f} img/s  ETA {eta // 3600}h{eta % 3600 // 60:02d}m", err=True)
