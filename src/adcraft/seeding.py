"""Seeded blocks for code whose randomness torch gives no generator for (module init, nn.Dropout)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def seeded_torch(seed: int) -> Iterator[None]:
    """Run a block with torch's global RNG seeded, then restore the caller's RNG state (CPU and CUDA).

    Sampling and data order take a torch.Generator; this is only for layer initialisation and dropout,
    which draw from the global RNG. The caller's random state is the same before and after the block.
    """
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
