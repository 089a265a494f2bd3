"""Exact-resume training state: optimizer moments, EMA, RNG and step, in safetensors + JSON."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from adcraft.diffusion.checkpoint import load_weights
from adcraft.errors import CheckpointError
from adcraft.fileio import atomic_path, write_text_atomic

STATE_FILE = "train_state.safetensors"
STATE_META = "train_state.json"


def save_train_state(
    directory: Path,
    step: int,
    optimizer: torch.optim.Optimizer,
    ema_shadow: dict,
    generator: torch.Generator,
    extra: dict,
) -> None:
    """Write everything an exact resume needs (model weights are saved by save_checkpoint)."""
    tensors = {"rng": generator.get_state()}
    for i, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"opt.{i}.{key}"] = torch.as_tensor(value).contiguous()
    for key, value in ema_shadow.items():
        tensors[f"ema.{key}"] = value.contiguous()
    with atomic_path(directory / STATE_FILE) as tmp:
        save_file(tensors, str(tmp))
    write_text_atomic(directory / STATE_META, json.dumps({"step": step, **extra}, indent=2))


def load_train_state(
    directory: Path, optimizer: torch.optim.Optimizer, ema_shadow: dict, generator: torch.Generator
) -> dict:
    """Restore optimizer, EMA and RNG in place; returns the saved metadata (with `step`)."""
    meta_path = directory / STATE_META
    if not meta_path.is_file():
        raise CheckpointError(f"{directory} has no {STATE_META}: it is not a resumable training checkpoint")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    tensors = load_weights(directory / STATE_FILE)
    generator.set_state(tensors["rng"])
    opt_state = optimizer.state_dict()
    state: dict = {}
    for name, value in tensors.items():
        if name.startswith("opt."):
            _, i, key = name.split(".", 2)
            state.setdefault(int(i), {})[key] = value
        elif name.startswith("ema."):
            ema_shadow[name[4:]].copy_(value)
    opt_state["state"] = state
    optimizer.load_state_dict(opt_state)
    return meta
