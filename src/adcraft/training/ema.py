"""Exponential moving average of model weights, with the usual warm-up of the decay."""

from __future__ import annotations

import torch
from torch import nn


class EMA:
    """Shadow copy of a model's parameters and buffers, updated after every optimizer step."""

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        self.decay = decay
        self.shadow = {k: v.detach().clone().float() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        """Blend the current weights in, with decay min(decay, (1 + step) / (10 + step))."""
        d = min(self.decay, (1 + step) / (10 + step))
        shadow, current = [], []
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                shadow.append(self.shadow[k])
                current.append(v.detach().float())
            else:
                self.shadow[k].copy_(v)
        torch._foreach_lerp_(shadow, current, 1 - d)  # one fused update on a GPU instead of one per tensor

    def copy_to(self, model: nn.Module) -> None:
        """Load the averaged weights into `model`."""
        model.load_state_dict(self.shadow)
