"""Checkpoints in the diffusers layout: config.json beside model.safetensors (and ema.safetensors)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from adcraft.configs import apply_updates
from adcraft.diffusion.schedule import ScheduleConfig
from adcraft.diffusion.unet import ConditionalUNet, UNetConfig
from adcraft.errors import CheckpointError, ConfigError
from adcraft.fileio import atomic_path, write_text_atomic
from adcraft.text.grounding import VOCABULARY_FILE, Vocabulary

logger = logging.getLogger(__name__)

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
EMA_FILE = "ema.safetensors"
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"  # models shipped inside the package
CHECKPOINT_FORMAT = "adcraft-unet/1"


def _shipped_model_ids() -> dict[str, Path]:
    """Model id (config.json's `model_id`, e.g. 'adcraft-base-v9') -> its folder among the shipped models."""
    ids: dict[str, Path] = {}
    for folder in sorted(MODELS_DIR.iterdir()) if MODELS_DIR.is_dir() else []:
        config = folder / CONFIG_FILE
        if config.is_file():
            model_id = json.loads(config.read_text(encoding="utf-8")).get("model_id")
            if isinstance(model_id, str):
                ids[model_id] = folder
    return ids


def resolve_checkpoint(name_or_path: str | os.PathLike) -> Path:
    """A checkpoint directory from a path, a shipped model name ('default') or a shipped model id.

    A model id ('adcraft-base-v9') names one fixed model, so a training config that starts from it
    fails clearly once the shipped model has moved on, instead of silently starting from a newer one.
    """
    path = Path(name_or_path)
    if not path.exists() and (MODELS_DIR / str(name_or_path)).is_dir():
        path = MODELS_DIR / str(name_or_path)
    if not path.is_dir():
        ids = _shipped_model_ids()
        if str(name_or_path) in ids:
            return ids[str(name_or_path)]
        shipped = sorted(p.name for p in ids.values())
        raise CheckpointError(
            f"checkpoint {str(name_or_path)!r} not found: give a checkpoint directory, "
            f"a shipped model name {shipped} or a shipped model id {sorted(ids)}"
        )
    return path


def save_checkpoint(
    directory: str | os.PathLike,
    model: ConditionalUNet,
    schedule: ScheduleConfig,
    encoder: dict,
    extra: dict | None = None,
    ema: dict[str, torch.Tensor] | None = None,
    dtype: torch.dtype = torch.float32,
) -> Path:
    """Write config.json + model.safetensors (+ ema.safetensors) atomically into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = {
        "format": CHECKPOINT_FORMAT,
        "unet": model.config.to_dict(),
        "schedule": schedule.to_dict(),
        "encoder": encoder,
        **(extra or {}),
    }
    _atomic_save(
        {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()},
        directory / WEIGHTS_FILE,
    )
    if ema is not None:
        _atomic_save({k: v.detach().to(dtype).contiguous() for k, v in ema.items()}, directory / EMA_FILE)
    write_text_atomic(directory / CONFIG_FILE, json.dumps(config, indent=2, ensure_ascii=False))
    return directory


def _atomic_save(tensors: dict[str, torch.Tensor], path: Path) -> None:
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp))


def read_config(directory: Path) -> dict:
    """The checkpoint's config.json, checked for format."""
    path = directory / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(f"{directory} is not a checkpoint: {CONFIG_FILE} is missing")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path} is not valid JSON ({exc.__class__.__name__})") from exc
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} must hold a JSON object, got {type(config).__name__}")
    if config.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} has format {config.get('format')!r}; expected {CHECKPOINT_FORMAT!r}")
    return config


def read_model_config(config: dict, where: Path) -> UNetConfig:
    """The UNet config of a checkpoint's config.json, every key type-checked (its schedule too)."""
    try:
        for key in ("unet", "schedule"):
            if key not in config:
                raise ConfigError(f"key {key!r} is missing")
        unet = apply_updates(UNetConfig(), config["unet"], "unet.")
        apply_updates(ScheduleConfig(), config["schedule"], "schedule.")
    except (ConfigError, ValueError, ZeroDivisionError) as exc:
        raise CheckpointError(f"{where} has an invalid model config: {exc}") from exc
    return unet


def load_weights(path: Path) -> dict[str, torch.Tensor]:
    """Tensors from a safetensors file; anything else (a pickle, a truncated file) is refused."""
    if not path.is_file():
        raise CheckpointError(f"weights file {path} is missing")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(
            f"{path} is not a valid safetensors file ({exc}); only safetensors is loaded"
        ) from exc


def load_unet(
    name_or_path: str | os.PathLike,
    encoder: dict | None = None,
    use_ema: bool = True,
    device: str | torch.device = "cpu",
) -> tuple[ConditionalUNet, dict]:
    """Load a ConditionalUNet (EMA weights when present) and its config; refuses a mismatched encoder."""
    directory = resolve_checkpoint(name_or_path)
    config = read_config(directory)
    if encoder is not None:
        check_encoder(config.get("encoder", {}), encoder, directory)
    model = ConditionalUNet(read_model_config(config, directory / CONFIG_FILE))
    weights_path = (
        directory / EMA_FILE if use_ema and (directory / EMA_FILE).is_file() else directory / WEIGHTS_FILE
    )
    state = {k: v.float() for k, v in load_weights(weights_path).items()}
    broken = [k for k, v in state.items() if not torch.isfinite(v).all()]
    if broken:  # NaN/inf weights give blank visuals, never an error of their own
        raise CheckpointError(
            f"{weights_path} has non-finite (NaN or inf) weights in {len(broken)} tensor(s), e.g. {broken[0]}"
        )
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise CheckpointError(
            f"{weights_path} does not match its config.json ({str(exc).splitlines()[0]})"
        ) from exc
    return model.to(device).eval(), config


def check_encoder(saved: dict, current: dict, where: Path) -> None:
    """Refuse a checkpoint trained on another text encoder (name, version or dimension)."""
    if not isinstance(saved, dict):
        raise CheckpointError(f"checkpoint {where}: config.json 'encoder' must be an object, got {saved!r}")
    for key in ("name", "version", "dim"):
        if saved.get(key) != current.get(key):
            raise CheckpointError(
                f"checkpoint {where} was trained with encoder {saved.get('name')} {saved.get('version')} "
                f"({saved.get('dim')}-d), not {current.get('name')} {current.get('version')} "
                f"({current.get('dim')}-d)"
            )


def encoder_info(encoder) -> dict:
    """The identity of a text encoder as recorded in checkpoints."""
    return {"name": encoder.name, "version": encoder.version, "dim": int(encoder.dim)}


def export_model(
    checkpoint: str | os.PathLike,
    out: str | os.PathLike,
    model_id: str,
    half: bool = True,
    vocabulary: Vocabulary | None = None,
) -> Path:
    """Write a training checkpoint's EMA weights as a shippable model folder (fp16 by default), with the
    checkpoint's vocabulary (or `vocabulary`, for checkpoints saved before vocabularies existed)."""
    model, config = load_unet(checkpoint, use_ema=True)
    vocabulary = vocabulary or Vocabulary.load(resolve_checkpoint(checkpoint))
    extra = {k: v for k, v in config.items() if k not in {"format", "unet", "schedule", "encoder"}}
    extra["model_id"] = model_id
    extra.setdefault("training", {}).pop("config", None)  # the run's train_config.json keeps it
    path = save_checkpoint(
        out,
        model,
        ScheduleConfig(**config["schedule"]),
        config["encoder"],
        extra=extra,
        dtype=torch.float16 if half else torch.float32,
    )
    if vocabulary is not None:
        vocabulary.save(path)
    else:
        (path / VOCABULARY_FILE).unlink(missing_ok=True)  # never leave a stale one from an earlier export
    return path
