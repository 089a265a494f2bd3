"""The training loop: AdamW, warm-up + cosine, clipping, EMA, periodic logs, grids and checkpoints."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from adcraft.data.dataset import read_dataset
from adcraft.data.styles import dataset_styles
from adcraft.diffusion.checkpoint import encoder_info, load_unet, save_checkpoint
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.diffusion.unet import ConditionalUNet, standardized_copy
from adcraft.errors import ConfigError
from adcraft.seeding import seeded_torch
from adcraft.text.encoder import load_encoder
from adcraft.text.grounding import Vocabulary
from adcraft.training.config import DEVICES, TrainConfig, save_train_config
from adcraft.training.data import load_tensor_dataset
from adcraft.training.ema import EMA
from adcraft.training.objective import DiffusionObjective
from adcraft.training.samples import make_grid
from adcraft.training.state import load_train_state, save_train_state

logger = logging.getLogger(__name__)

CHECKPOINT_DIR = "checkpoint"  # latest checkpoint inside out_dir (model + EMA + train state)
METRICS_FILE = "metrics.jsonl"  # one JSON line per log interval: the loss curve


@dataclass
class TrainResult:
    """What a finished (or resumed-and-finished) run produced."""

    checkpoint: Path
    steps: int
    final_loss: float
    wall_time_s: float


def lr_at(step: int, config: TrainConfig, elapsed_s: float = 0.0) -> float:
    """Linear warm-up to config.lr, then cosine decay to lr * min_lr_ratio over lr_decay_steps (or steps),
    or, for a run with a wall-clock budget (max_time_s), over that budget."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    decay_steps = config.lr_decay_steps or config.steps
    progress = (step - config.warmup_steps) / max(1, decay_steps - config.warmup_steps)
    if config.max_time_s > 0:
        progress = elapsed_s / config.max_time_s
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return config.lr * (config.min_lr_ratio + (1.0 - config.min_lr_ratio) * cosine)


def initial_model(config: TrainConfig, encoder, embeddings: torch.Tensor) -> ConditionalUNet:
    """The UNet a run starts from: `init_from`'s EMA weights, or a seeded random init."""
    mean, std = embeddings.mean(0), embeddings.std(0)  # (D,) each: the captions' statistics
    with seeded_torch(config.seed):  # layer init (and null-condition noise) depends on the seed only
        if config.init_from:
            model, _ = load_unet(config.init_from, encoder=encoder_info(encoder), use_ema=True)
            if config.unet.cond_standardize:
                model = standardized_copy(model, mean, std)
            return model.train()
        unet_config = type(config.unet)(
            **{**config.unet.to_dict(), "channels": config.unet.channels, "cond_dim": encoder.dim}
        )
        model = ConditionalUNet(unet_config)
        if unet_config.cond_standardize:
            model.set_condition_stats(mean, std)
        return model


def train(
    config: TrainConfig,
    resume: str | Path | None = None,
    encoder=None,
    on_log: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Train (or resume) a conditional UNet on a dataset folder; returns the final checkpoint."""
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = resolve_device(config.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick its fastest kernels
    encoder = encoder or load_encoder(config.encoder)
    data = load_tensor_dataset(config.data_dir, config.unet.sample_size, encoder, config.balance)
    records = read_dataset(config.data_dir)
    vocabulary = Vocabulary.from_records(records)  # saved with every checkpoint
    styles = dataset_styles(records)  # the style words the captions carry; [] for a dataset without styles
    colors = sorted({r.color for r in records if r.color})  # the colour families the images were made in
    model = initial_model(config, encoder, data.embeddings)
    model, data = model.to(device), data.to(device)
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=config.lr,
        betas=tuple(config.adam_betas),
        weight_decay=config.weight_decay,
        fused=device.type == "cuda",
    )
    ema = EMA(model, config.ema_decay)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    objective = DiffusionObjective(
        config.schedule, config.cond_drop_prob, config.min_snr_gamma, config.noisy_t_frac, config.noisy_t_from
    )
    step, elapsed = 0, 0.0
    if resume:
        resume = Path(resume)
        ckpt = resume / CHECKPOINT_DIR if (resume / CHECKPOINT_DIR).is_dir() else resume
        resumed, _ = load_unet(ckpt, encoder=encoder_info(encoder), use_ema=False)
        model.load_state_dict(resumed.state_dict())
        meta = load_train_state(ckpt, optimizer, ema.shadow, generator)
        step, elapsed = int(meta["step"]), float(meta.get("wall_time_s", 0.0))
        logger.info("resumed from %s at step %d", ckpt, step)
    save_train_config(config, out / "train_config.json")
    model.train()
    window, n_window, t_window, loss = torch.zeros((), device=device), 0, time.perf_counter(), float("nan")
    autocast = (
        (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if config.bf16 else contextlib.nullcontext
    )
    budget = config.max_time_s if config.max_time_s > 0 else math.inf
    while step < config.steps and elapsed < budget:
        t0 = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, config, elapsed)
        x0, z = data.sample_batch(config.batch_size, generator, config.hflip)
        if config.channels_last:
            x0 = x0.contiguous(memory_format=torch.channels_last)
        with autocast():
            loss_t = objective(model, x0, z, generator)
        optimizer.zero_grad(set_to_none=True)
        loss_t.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        ema.update(model, step)
        step += 1
        window += loss_t.detach()  # summed on the device: no synchronisation until the log line
        n_window += 1
        elapsed += time.perf_counter() - t0
        done = step == config.steps or elapsed >= budget
        if step % config.log_every == 0 or done:
            loss = float(window) / n_window
            rate = n_window * config.batch_size / max(1e-9, time.perf_counter() - t_window)
            eta = min(budget - elapsed, (config.steps - step) * config.batch_size / max(rate, 1e-9))
            record = {
                "step": step,
                "loss": round(loss, 5),
                "lr": optimizer.param_groups[0]["lr"],
                "grad_norm": round(float(grad_norm), 4),
                "images_per_s": round(rate, 2),
                "eta_s": round(max(0.0, eta)),
                "wall_time_s": round(elapsed, 1),
            }
            with open(out / METRICS_FILE, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            (on_log or (lambda r: logger.info("%s", r)))(record)
            window, n_window, t_window = torch.zeros((), device=device), 0, time.perf_counter()
        if config.sample_every and (step % config.sample_every == 0 or done):
            write_sample_grid(model, ema, encoder, config, out / "samples" / f"step_{step:06d}.png")
        if step % config.ckpt_every == 0 or done:
            save_training_checkpoint(
                out / CHECKPOINT_DIR,
                model,
                ema,
                optimizer,
                generator,
                encoder,
                config,
                step,
                elapsed,
                data.fingerprint,
                vocabulary,
                styles,
                colors,
            )
    return TrainResult(out / CHECKPOINT_DIR, step, loss, elapsed)


def resolve_device(spec: str) -> torch.device:
    """The training device: "cpu", "cuda" (refused where none is present) or "auto" (cuda when present)."""
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' was asked for but torch sees no CUDA GPU; use device=cpu or auto")
    if spec not in DEVICES:
        raise ConfigError(f"device {spec!r} must be one of {list(DEVICES)}")
    return torch.device(spec)


def save_training_checkpoint(
    directory: Path,
    model: ConditionalUNet,
    ema: EMA,
    optimizer,
    generator,
    encoder,
    config: TrainConfig,
    step: int,
    elapsed: float,
    fingerprint: str,
    vocabulary: Vocabulary | None = None,
    styles: list[str] | None = None,
    colors: list[str] | None = None,
) -> None:
    """Model + EMA weights (loadable by the pipeline) and the exact-resume state, in one folder."""
    extra = {
        "model_id": f"{Path(config.out_dir).name}-step{step}",
        "styles": list(styles or []),
        "colors": list(colors or []),
        "data": {"dir": str(config.data_dir), "fingerprint": fingerprint},
        "training": {
            "step": step,
            "wall_time_s": round(elapsed, 1),
            "machine": machine_description(),
            "config": config.to_dict(),
        },
    }
    save_checkpoint(directory, model, config.schedule, encoder_info(encoder), extra=extra, ema=ema.shadow)
    save_train_state(directory, step, optimizer, ema.shadow, generator, {"wall_time_s": elapsed})
    if vocabulary is not None:
        vocabulary.save(directory)


def write_sample_grid(model: ConditionalUNet, ema: EMA, encoder, config: TrainConfig, path: Path) -> None:
    """Sample the fixed prompts with the EMA weights (on the CPU) and save a grid."""
    ema_model = ConditionalUNet(model.config)
    ema.copy_to(ema_model)
    pipe = TextToImagePipeline(ema_model, encoder, config.schedule)
    images = pipe(config.sample_prompts, num_steps=config.sample_steps, seed=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_grid(images, cols=min(8, len(images))).save(path)


def machine_description() -> str:
    """A short description of the machine, for model cards and benchmarks."""
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}"
