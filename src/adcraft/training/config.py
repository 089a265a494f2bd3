"""Training configuration: one dataclass composed of the UNet and schedule configs, with strict overrides."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from adcraft.configs import apply_updates
from adcraft.defaults import DEFAULT_STEPS
from adcraft.diffusion.schedule import ScheduleConfig
from adcraft.diffusion.unet import UNET_PRESETS, UNetConfig
from adcraft.errors import ConfigError
from adcraft.fileio import decode_text
from adcraft.training.data import BALANCE_MODES

SAMPLE_PROMPTS = [  # fixed prompts of the sample grids, both languages
    "红色连衣裙",
    "red dress",
    "蓝色运动鞋",
    "blue running shoes",
    "笔记本电脑",
    "laptop computer",
    "一杯咖啡",
    "a cup of coffee",
    "黄色手提包",
    "yellow handbag",
    "口红",
    "lipstick",
    "绿色T恤",
    "green t-shirt",
    "西瓜",
    "watermelon",
]


DEVICES = ("cpu", "cuda", "auto")  # where training runs; "auto" takes a CUDA GPU when torch sees one


@dataclass
class TrainConfig:
    """Everything a training run needs; saved resolved beside every checkpoint."""

    preset: str = "base"  # UNet preset the `unet` section starts from
    unet: UNetConfig = field(default_factory=lambda: UNET_PRESETS["base"])  # model shape
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)  # noise schedule and target
    data_dir: str = "data/products"  # dataset folder (adcraft data build-products)
    out_dir: str = "runs/base"  # checkpoints, samples and logs go here
    encoder: str = "e5-small"  # text encoder spec (frozen)
    init_from: str = ""  # checkpoint to start from (fine-tuning); "" = random init
    steps: int = 20000  # optimizer steps
    batch_size: int = 32  # images per step
    lr: float = 3e-4  # peak AdamW learning rate
    warmup_steps: int = 300  # linear warm-up, then cosine decay
    min_lr_ratio: float = 0.1  # cosine decays to lr * this
    lr_decay_steps: int = 0  # the cosine runs over this many steps; 0 = `steps` (nanoGPT's lr_decay_iters)
    weight_decay: float = 0.01  # AdamW weight decay
    adam_betas: tuple[float, float] = (0.9, 0.99)  # AdamW betas
    grad_clip: float = 1.0  # max global gradient norm
    ema_decay: float = 0.999  # EMA of weights, warmed up as min(decay, (1+s)/(10+s))
    cond_drop_prob: float = 0.1  # fraction of steps trained unconditionally, for CFG
    min_snr_gamma: float = 0.0  # Min-SNR-γ loss weighting (5 is the paper's choice); 0 = plain MSE
    noisy_t_frac: float = (
        0.0  # share of images trained at t ≥ noisy_t_from × T, where the condition decides; 0 = off
    )
    noisy_t_from: float = 0.7  # where that noisiest part of the schedule starts, as a fraction of T
    hflip: bool = True  # random horizontal flips (products read the same mirrored)
    balance: str = "image"  # "image": each image equally often; "concept": each concept equally often
    log_every: int = 50  # steps between log lines
    sample_every: int = 1000  # steps between sample grids (0 = never)
    ckpt_every: int = 250  # steps between checkpoints
    sample_steps: int = DEFAULT_STEPS  # sampler steps for the grids
    seed: int = 0  # seeds data order, noise and dropout
    bf16: bool = (
        False  # bf16 autocast: slower than fp32 on one 2-core host, faster on another (docs/benchmarks.md)
    )
    channels_last: bool = False  # measured no faster on this CPU (bench/core.py)
    threads: int = 0  # torch threads, set by the entry point (adcraft train); 0 = torch's default
    device: str = "cpu"  # one of DEVICES; the dataset, model and optimizer all live there
    max_time_s: float = 0.0  # wall-clock budget: stop there, with the cosine run over it (0 = steps decide)
    sample_prompts: list[str] = field(default_factory=lambda: list(SAMPLE_PROMPTS))  # grid prompts

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        d = dataclasses.asdict(self)
        d["unet"], d["schedule"] = self.unet.to_dict(), self.schedule.to_dict()
        d["adam_betas"] = list(self.adam_betas)
        return d


def parse_overrides(items: list[str]) -> dict:
    """`key.sub=value` strings (values parsed as YAML) into a nested dict."""
    out: dict = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"override {item!r} must look like key=value (e.g. steps=1000)")
        key, raw = item.split("=", 1)
        node = out
        parts = key.strip().split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = yaml.safe_load(raw)
    return out


def merge_updates(a: dict, b: dict) -> dict:
    """Deep-merge nested dicts; values in b win."""
    out = dict(a)
    for k, v in b.items():
        out[k] = merge_updates(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def build_config(updates: dict) -> TrainConfig:
    """A TrainConfig from nested updates; `preset` picks the UNet starting point."""
    preset = updates.get("preset", TrainConfig.preset)
    if preset not in UNET_PRESETS:
        raise ConfigError(f"preset {preset!r} must be one of {sorted(UNET_PRESETS)}")
    base = TrainConfig(preset=preset, unet=UNET_PRESETS[preset])
    config = apply_updates(base, {k: v for k, v in updates.items() if k != "preset"})
    if config.balance not in BALANCE_MODES:
        raise ConfigError(f"balance {config.balance!r} must be one of {list(BALANCE_MODES)}")
    if config.device not in DEVICES:
        raise ConfigError(f"device {config.device!r} must be one of {list(DEVICES)}")
    if not 0.0 <= config.noisy_t_frac <= 1.0:
        raise ConfigError(f"noisy_t_frac {config.noisy_t_frac!r} must be in [0, 1]")
    if not 0.0 <= config.noisy_t_from < 1.0:
        raise ConfigError(f"noisy_t_from {config.noisy_t_from!r} must be in [0, 1)")
    return config


MAX_EXTENDS = 32  # a longer `extends:` chain is a loop or a mistake


def read_config_file(path: str | Path, seen: tuple[Path, ...] = ()) -> dict:
    """A YAML/JSON config file's updates, on top of the file its `extends:` names (relative to it)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {str(path)!r} not found")
    if path.resolve() in seen or len(seen) >= MAX_EXTENDS:
        chain = " -> ".join(str(p) for p in (*seen, path.resolve()))
        raise ConfigError(f"config files extend each other in a loop: {chain}")
    try:
        updates = yaml.safe_load(decode_text(path.read_bytes(), f"config file {path}")[0]) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML/JSON ({exc.__class__.__name__})") from exc
    if not isinstance(updates, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys to values")
    parent = updates.pop("extends", None)
    if parent is None:
        return updates
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(f"{path}: extends must name a config file, got {parent!r}")
    return merge_updates(read_config_file(path.parent / parent, (*seen, path.resolve())), updates)


def load_train_config(path: str | Path | None = None, overrides: list[str] | None = None) -> TrainConfig:
    """Read a YAML/JSON override file (only the differences from the defaults, or from the file its
    `extends:` names) plus --set overrides."""
    updates = read_config_file(path) if path is not None else {}
    updates = merge_updates(updates, parse_overrides(overrides or []))
    return build_config(updates)


def save_train_config(config: TrainConfig, path: Path) -> None:
    """Write the resolved config as JSON."""
    path.write_text(json.dumps(config.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
