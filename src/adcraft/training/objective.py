"""The diffusion training objective: a small object around the model protocol `model(x_t, t, z)`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from adcraft.diffusion.schedule import ScheduleConfig, make_train_scheduler


class DiffusionObjective:
    """Mean-squared error between the model's prediction and the epsilon or v target.

    With `min_snr_gamma > 0` each image's error is weighted by Min-SNR-γ (Hang et al., 2023):
    min(SNR, γ) / SNR for epsilon and min(SNR, γ) / (SNR + 1) for v, which stops the nearly clean,
    easy timesteps from dominating the gradient and speeds up convergence.

    With `noisy_t_frac > 0` that share of the images draws its timestep from the noisiest part of the
    schedule (t ≥ `noisy_t_from` × T) instead of all of it: there the image is nearly pure noise and only
    the condition says which product to draw, so the condition gets more of the gradient.
    """

    def __init__(
        self,
        schedule: ScheduleConfig,
        cond_drop_prob: float = 0.1,
        min_snr_gamma: float = 0.0,
        noisy_t_frac: float = 0.0,
        noisy_t_from: float = 0.7,
    ) -> None:
        self.noise_scheduler = make_train_scheduler(schedule)
        self.prediction_type = schedule.prediction_type
        self.num_timesteps = schedule.num_train_timesteps
        self.cond_drop_prob = cond_drop_prob
        self.min_snr_gamma = min_snr_gamma
        self.noisy_t_frac = noisy_t_frac
        self.noisy_t_start = int(noisy_t_from * self.num_timesteps)
        alphas_cumprod = self.noise_scheduler.alphas_cumprod.double()
        self.snr = (alphas_cumprod / (1 - alphas_cumprod)).float()  # (T,)

    def weights(self, t: torch.Tensor) -> torch.Tensor:
        """Per-image loss weights (B,) for timesteps t (B,); all ones when Min-SNR is off."""
        if self.min_snr_gamma <= 0:
            return torch.ones(t.shape, dtype=torch.float32, device=t.device)
        snr = self.snr.to(t.device)[t]
        clipped = snr.clamp(max=self.min_snr_gamma)
        return clipped / (snr + 1) if self.prediction_type == "v_prediction" else clipped / snr

    def timesteps(self, b: int, generator: torch.Generator) -> torch.Tensor:
        """Training timesteps (B,) on the generator's device: uniform, or skewed to noise by noisy_t_frac."""
        device = generator.device
        t = torch.randint(0, self.num_timesteps, (b,), generator=generator, device=device)
        if self.noisy_t_frac > 0:  # extra draws only here, so an unskewed run keeps its random stream
            noisy = torch.randint(
                self.noisy_t_start, self.num_timesteps, (b,), generator=generator, device=device
            )
            t = torch.where(torch.rand(b, generator=generator, device=device) < self.noisy_t_frac, noisy, t)
        return t

    def noised(
        self, x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x_t, the images noised to timesteps t, and what the model must predict from it (epsilon or v)."""
        x_t = self.noise_scheduler.add_noise(x0, noise, t)
        target = (
            noise if self.prediction_type == "epsilon" else self.noise_scheduler.get_velocity(x0, noise, t)
        )
        return x_t, target

    def __call__(self, model, x0: torch.Tensor, z: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Loss for clean images x0 (B, 4, H, W) and conditions z (B, D); the noise, timesteps and
        condition dropout are drawn on the generator's device and moved to x0's."""
        b, device = x0.shape[0], generator.device
        noise = torch.randn(x0.shape, generator=generator, device=device).to(x0.device)  # (B, 4, H, W)
        t = self.timesteps(b, generator).to(x0.device)  # (B,)
        drop = (torch.rand(b, generator=generator, device=device) < self.cond_drop_prob).to(x0.device)  # (B,)
        x_t, target = self.noised(x0, noise, t)
        pred = model(x_t, t, model.drop_condition(z, drop))
        per_image = F.mse_loss(pred.float(), target, reduction="none").mean(dim=(1, 2, 3))  # (B,)
        return (per_image * self.weights(t)).mean()
