"""Noise schedule and samplers, from diffusers' schedulers; no weights, never imports the model."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from adcraft.defaults import MAX_GUIDANCE, MAX_STEPS, MIN_STEPS
from adcraft.errors import ConfigError, InvalidInputError

PREDICTION_TYPES = ("v_prediction", "epsilon")
SAMPLERS = ("dpm++", "ddim")
MAX_SEED = 2**31 - 1  # seeds 0..MAX_SEED everywhere (CLI, batches, API); seed + i must stay a 64-bit int


@dataclass
class ScheduleConfig:
    """The forward process the model was trained on, and the sampler used by default."""

    num_train_timesteps: int = 1000  # discrete noise levels
    beta_schedule: str = (
        "squaredcos_cap_v2"  # cosine schedule: better than linear at 64 px (Nichol & Dhariwal)
    )
    prediction_type: str = "v_prediction"  # v stays well-scaled at high noise, where few-step sampling starts
    sampler: str = "dpm++"  # DPM-Solver++ multistep: good images in 10-25 steps

    def __post_init__(self) -> None:
        if self.prediction_type not in PREDICTION_TYPES:
            raise ConfigError(
                f"schedule.prediction_type {self.prediction_type!r} must be one of {PREDICTION_TYPES}"
            )
        if self.sampler not in SAMPLERS:
            raise ConfigError(f"schedule.sampler {self.sampler!r} must be one of {SAMPLERS}")

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        return asdict(self)


def _common(config: ScheduleConfig) -> dict:
    return {
        "num_train_timesteps": config.num_train_timesteps,
        "beta_schedule": config.beta_schedule,
        "prediction_type": config.prediction_type,
    }


def make_train_scheduler(config: ScheduleConfig):
    """The DDPM forward process used in training (`add_noise`, `get_velocity`)."""
    from diffusers import DDPMScheduler

    return DDPMScheduler(**_common(config))


def make_sampler(config: ScheduleConfig, sampler: str | None = None):
    """A fresh sampling scheduler (they keep per-run state, so make one per batch)."""
    from diffusers import DDIMScheduler, DPMSolverMultistepScheduler

    name = sampler or config.sampler
    if name == "dpm++":
        return DPMSolverMultistepScheduler(
            **_common(config), algorithm_type="dpmsolver++", solver_order=2, lower_order_final=True
        )
    if name == "ddim":
        return DDIMScheduler(**_common(config), clip_sample=True, set_alpha_to_one=True)
    raise InvalidInputError(f"sampler {name!r} must be one of {list(SAMPLERS)}")


def check_seed(seed: object) -> int:
    """Refuse a seed that is not a whole number in 0..MAX_SEED (the same rule on every boundary)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InvalidInputError(f"seed {seed!r} must be a whole number from 0 to {MAX_SEED}")
    return seed


def check_sampling_args(num_steps: int, guidance_scale: float) -> None:
    """Refuse step counts and guidance scales outside the supported range."""
    if not MIN_STEPS <= num_steps <= MAX_STEPS:
        raise InvalidInputError(f"steps {num_steps} must be between {MIN_STEPS} and {MAX_STEPS}")
    if not 0.0 <= guidance_scale <= MAX_GUIDANCE:
        raise InvalidInputError(f"guidance {guidance_scale} must be between 0 and {MAX_GUIDANCE}")
