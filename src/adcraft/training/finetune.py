"""Fine-tuning: the training config of an existing checkpoint, pointed at a merchant's dataset."""

from __future__ import annotations

from pathlib import Path

from adcraft.diffusion.checkpoint import read_config, resolve_checkpoint
from adcraft.training.config import TrainConfig, build_config, merge_updates, parse_overrides


def finetune_config(
    checkpoint: str, data_dir: str | Path, out_dir: str | Path, steps: int, lr: float, overrides: list[str]
) -> TrainConfig:
    """A TrainConfig that starts from `checkpoint`'s weights with its UNet shape and schedule."""
    directory = resolve_checkpoint(checkpoint)
    saved = read_config(directory)
    updates = {
        "unet": saved["unet"],
        "schedule": saved["schedule"],
        "init_from": str(directory),
        "data_dir": str(data_dir),
        "out_dir": str(out_dir),
        "steps": steps,
        "lr": lr,
        "warmup_steps": min(50, steps),
        "sample_every": 0,
        "ckpt_every": max(1, min(250, steps)),
    }
    updates["unet"] = {**updates["unet"], "channels": list(updates["unet"]["channels"])}
    return build_config(merge_updates(updates, parse_overrides(overrides)))
