"""The visual decoder: a conditional UNet over RGBA images, built from diffusers through a small config."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
from torch import nn

from adcraft.defaults import VISUAL_SIZE
from adcraft.errors import ConfigError


@dataclass
class UNetConfig:
    """Shape of the conditional UNet; every other diffusers knob keeps its default."""

    sample_size: int = VISUAL_SIZE  # image side in pixels
    in_channels: int = 4  # premultiplied RGB + alpha, so the model also draws the product's mask
    channels: tuple[int, ...] = (24, 48, 96, 128)  # width per resolution level (64, 32, 16, 8 px)
    layers_per_block: int = 1  # resnet blocks per level on the way down (one more on the way up)
    attention_max_resolution: int = 16  # self/cross-attention only at this side length and below
    head_dim: int = 32  # attention head width
    norm_groups: int = 8  # GroupNorm groups; must divide every width
    cond_dim: int = 384  # width of the semantic vector z (the text encoder's dim)
    cond_tokens: int = 4  # cross-attention tokens made from z; a few, not 77
    token_dim: int = 128  # width of each conditioning token
    # standardise z per dimension with the training captions' mean and std before the model reads it:
    # e5 vectors share one dominant direction (per-dimension std ~0.02 around a mean of norm 0.92), so
    # raw z barely moves the first layers and AdamW learns the condition ~50x slower
    cond_standardize: bool = False

    def __post_init__(self) -> None:
        self.channels = tuple(int(c) for c in self.channels)
        if any(c % self.norm_groups for c in self.channels):
            raise ConfigError(
                f"unet.channels {self.channels} must all be divisible by norm_groups={self.norm_groups}"
            )
        if self.sample_size % 2 ** (len(self.channels) - 1):
            raise ConfigError(f"unet.sample_size {self.sample_size} must be divisible by 2**(levels-1)")

    def attention_at(self, level: int) -> bool:
        """Whether resolution level `level` (0 = full size) has attention."""
        return self.sample_size // 2**level <= self.attention_max_resolution

    def to_dict(self) -> dict:
        """Plain-JSON form, saved beside every checkpoint."""
        d = asdict(self)
        d["channels"] = list(self.channels)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> UNetConfig:
        """Inverse of to_dict; unknown keys raise."""
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown unet config keys {sorted(unknown)}; allowed: {sorted(known)}")
        return cls(**{**d, "channels": tuple(d.get("channels", cls.channels))})


UNET_PRESETS: dict[str, UNetConfig] = {
    # tests: trains in seconds, 16 px so a 4-image fixture overfits quickly
    "tiny": UNetConfig(
        sample_size=16,
        channels=(16, 32),
        layers_per_block=1,
        head_dim=16,
        norm_groups=8,
        cond_tokens=2,
        token_dim=32,
        attention_max_resolution=8,
    ),
    # the shipped model: about 2 GFLOPs per 64x64 forward on this CPU (bench/core.py measures it)
    "base": UNetConfig(),
}


class ConditionalUNet(nn.Module):
    """UNet denoiser `model(x_t, t, z)`: z is added to the timestep embedding and read as a few tokens."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        from diffusers import UNet2DConditionModel

        self.config = config
        levels = range(len(config.channels))
        down = ["CrossAttnDownBlock2D" if config.attention_at(i) else "DownBlock2D" for i in levels]
        up = ["CrossAttnUpBlock2D" if config.attention_at(i) else "UpBlock2D" for i in reversed(levels)]
        self.unet = UNet2DConditionModel(
            sample_size=config.sample_size,
            in_channels=config.in_channels,
            out_channels=config.in_channels,
            down_block_types=tuple(down),
            up_block_types=tuple(up),
            block_out_channels=config.channels,
            layers_per_block=config.layers_per_block,
            norm_num_groups=config.norm_groups,
            cross_attention_dim=config.token_dim,
            attention_head_dim=config.head_dim,
            class_embed_type="projection",  # z -> MLP -> added to the timestep embedding
            projection_class_embeddings_input_dim=config.cond_dim,
        )
        self.to_tokens = nn.Sequential(
            nn.Linear(config.cond_dim, config.cond_tokens * config.token_dim),
            nn.LayerNorm(config.cond_tokens * config.token_dim),
        )
        # the learned "no condition" vector for classifier-free guidance
        self.null_cond = nn.Parameter(torch.randn(config.cond_dim) * 0.02)
        if config.cond_standardize:  # identity until set_condition_stats; saved with the weights
            self.register_buffer("cond_mean", torch.zeros(config.cond_dim))
            self.register_buffer("cond_std", torch.ones(config.cond_dim))

    def set_condition_stats(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Set the standardisation of z from training embeddings; the null condition starts at the mean."""
        if not self.config.cond_standardize:
            raise ConfigError("set_condition_stats needs a model built with unet.cond_standardize=true")
        self.cond_mean.copy_(mean)
        self.cond_std.copy_(std.clamp(min=1e-6))
        with torch.no_grad():
            self.null_cond.copy_(mean + torch.randn_like(mean) * 0.02 * self.cond_std)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Predict the training target (epsilon or v) for noisy images x_t at timesteps t given z."""
        b = x_t.shape[0]
        if self.config.cond_standardize:
            z = (z - self.cond_mean) / self.cond_std  # (B, cond_dim)
        tokens = self.to_tokens(z).view(b, self.config.cond_tokens, self.config.token_dim)  # (B, K, D)
        return self.unet(x_t, t, encoder_hidden_states=tokens, class_labels=z).sample  # (B, 4, H, W)

    def null_condition(self, batch: int) -> torch.Tensor:
        """The unconditional z, repeated for a batch."""
        return self.null_cond.unsqueeze(0).expand(batch, -1)  # (B, cond_dim)

    def drop_condition(self, z: torch.Tensor, drop: torch.Tensor) -> torch.Tensor:
        """Replace the rows of z where `drop` is True by the null condition."""
        return torch.where(drop.unsqueeze(1), self.null_condition(z.shape[0]), z)


def standardized_copy(model: ConditionalUNet, mean: torch.Tensor, std: torch.Tensor) -> ConditionalUNet:
    """The same function as `model`, rebuilt to read standardised z (so training learns the condition faster).

    The two layers that read z are refolded: W' = W·diag(std) and b' = b + W·mean, so that
    W'·(z − mean)/std + b' = W·z + b for every z, and the learned null condition is kept as it is.
    """
    if model.config.cond_standardize:
        return model
    config = UNetConfig.from_dict({**model.config.to_dict(), "cond_standardize": True})
    out = ConditionalUNet(config)
    missing, unexpected = out.load_state_dict(model.state_dict(), strict=False)
    if sorted(missing) != ["cond_mean", "cond_std"] or unexpected:  # only the two new buffers may differ
        raise ConfigError(f"standardized_copy: unexpected state differences {missing + unexpected}")
    out.set_condition_stats(mean, std)
    with torch.no_grad():
        out.null_cond.copy_(model.null_cond)
        for old, new in (
            (model.to_tokens[0], out.to_tokens[0]),
            (model.unet.class_embedding.linear_1, out.unet.class_embedding.linear_1),
        ):
            new.weight.copy_(old.weight * out.cond_std)
            new.bias.copy_(old.bias + old.weight @ out.cond_mean)
    return out.train(model.training)
