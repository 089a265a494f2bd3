"""The diffusion training objective: a small object around the model protocol `model(x_t, t, z)`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from adcraft.diffusion.schedule import ScheduleConfig, make_train_scheduler


class DiffusionObjective:
    """Mean-squared error between the model's prediction and the epsilon or v target."""

    def __init__(self, schedule: ScheduleConfig, cond_drop_prob: float = 0.1) -> None:
        self.noise_scheduler = make_train_scheduler(schedule)
        self.prediction_type = schedule.prediction_type
        self.num_timesteps = schedule.num_train_timesteps
        self.cond_drop_prob = cond_drop_prob

    def __call__(self, model, x0: torch.Tensor, z: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Loss for clean images x0 (B, 4, H, W) and conditions z (B, D)."""
        b = x0.shape[0]
        noise = torch.randn(x0.shape, generator=generator).to(x0.device)  # (B, 4, H, W)
        t = torch.randint(0, self.num_timesteps, (b,), generator=generator).to(x0.device)  # (B,)
        drop = (torch.rand(b, generator=generator) < self.cond_drop_prob).to(x0.device)  # (B,)
        x_t = self.noise_scheduler.add_noise(x0, noise, t)
        target = noise if self.prediction_type == "epsilon" else self.noise_scheduler.get_velocity(x0, noise, t)
        pred = model(x_t, t, model.drop_condition(z, drop))
        return F.mse_loss(pred.float(), target)
