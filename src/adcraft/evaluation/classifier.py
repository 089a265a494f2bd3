"""The evaluator: a compact CNN concept classifier over RGBA product images, separate from the generator.

No Inception or CLIP weights can be installed offline, so adcraft measures its generator with this
classifier, trained only on real dataset images. Its penultimate layer gives the image features used
by the Fréchet distance and the diversity metric.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from adcraft.defaults import VISUAL_SIZE
from adcraft.errors import CheckpointError, ConfigError, InvalidInputError
from adcraft.fileio import atomic_path, write_text_atomic

EVALUATOR_DIR = Path(__file__).resolve().parent.parent / "models" / "evaluator"  # shipped checkpoint
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
CONCEPTS_FILE = "concepts.json"
EVALUATOR_FORMAT = "adcraft-evaluator/1"


@dataclass
class EvaluatorConfig:
    """Shape of the concept classifier."""

    num_classes: int = 2  # number of concepts; set from the dataset's concept table
    image_size: int = VISUAL_SIZE  # input side in pixels (the generated visual's)
    in_channels: int = 4  # premultiplied RGB + alpha, in [-1, 1] like the generator's images
    channels: tuple[int, ...] = (32, 64, 128, 192)  # width per stage; the stem halves the size first
    feature_dim: int = 256  # width of the penultimate layer (the "evaluator features")
    dropout: float = 0.2  # before the classification layer, during training only

    def __post_init__(self) -> None:
        self.channels = tuple(int(c) for c in self.channels)
        if self.num_classes < 2:
            raise ConfigError(f"evaluator.num_classes {self.num_classes} must be at least 2")
        if self.image_size % 2 ** len(self.channels):
            raise ConfigError(
                f"evaluator.image_size {self.image_size} must be divisible by 2**{len(self.channels)}"
            )

    def to_dict(self) -> dict:
        """Plain-JSON form, saved beside the weights."""
        d = asdict(self)
        d["channels"] = list(self.channels)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> EvaluatorConfig:
        """Inverse of to_dict; unknown keys raise."""
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"unknown evaluator config keys {sorted(unknown)}")
        return cls(**d)


def _block(c_in: int, c_out: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)
    )


class ConceptClassifier(nn.Module):
    """Stride-2 stem, then conv stages with max-pooling, global average pool, an MLP feature layer."""

    def __init__(self, config: EvaluatorConfig) -> None:
        super().__init__()
        self.config = config
        c = config.channels
        stages = [_block(config.in_channels, c[0], stride=2)]
        for c_in, c_out in itertools.pairwise(c):
            stages += [_block(c_in, c_out), nn.MaxPool2d(2)]
        self.stages = nn.Sequential(*stages, _block(c[-1], c[-1]))
        self.feature = nn.Sequential(nn.Linear(c[-1], config.feature_dim), nn.ReLU(inplace=True))
        self.head = nn.Sequential(
            nn.Dropout(config.dropout), nn.Linear(config.feature_dim, config.num_classes)
        )

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features (B, feature_dim) of images (B, 4, H, W) in [-1, 1]."""
        h = self.stages(x)  # (B, C, H/2**k, W/2**k)
        return self.feature(h.mean(dim=(2, 3)))  # (B, feature_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Concept logits (B, num_classes)."""
        return self.head(self.features(x))


def images_to_batch(images: Sequence[Image.Image], size: int) -> torch.Tensor:
    """PIL images -> (N, 4, size, size) premultiplied RGBA in [-1, 1], the generator's own format."""
    from adcraft.diffusion.image import rgba_to_tensor

    if not images:
        return torch.zeros(0, 4, size, size)
    for i, img in enumerate(images):
        if not isinstance(img, Image.Image):
            raise InvalidInputError(f"image {i} must be a PIL image, got {type(img).__name__}")
    return torch.stack([rgba_to_tensor(img, size) for img in images])


class Evaluator:
    """A trained ConceptClassifier plus its concept table; scores and embeds PIL images."""

    def __init__(self, model: ConceptClassifier, concepts: list[dict], info: dict | None = None) -> None:
        if len(concepts) != model.config.num_classes:
            raise CheckpointError(
                f"evaluator has {model.config.num_classes} classes but {len(concepts)} concepts"
            )
        self.model = model.eval()
        self.concepts = concepts
        self.concept_ids = [c["id"] for c in concepts]
        self.index = {cid: i for i, cid in enumerate(self.concept_ids)}
        self.info = info or {}

    @torch.no_grad()
    def _run(self, images: Sequence[Image.Image], batch_size: int = 128) -> tuple[np.ndarray, np.ndarray]:
        feats, probs = [], []
        for start in range(0, len(images), batch_size):
            x = images_to_batch(images[start : start + batch_size], self.model.config.image_size)
            f = self.model.features(x)
            feats.append(f.numpy())
            probs.append(torch.softmax(self.model.head(f), dim=1).numpy())
        dim, n = self.model.config.feature_dim, self.model.config.num_classes
        return (
            np.concatenate(feats) if feats else np.zeros((0, dim), np.float32),
            np.concatenate(probs) if probs else np.zeros((0, n), np.float32),
        )

    def predict_proba(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Concept probabilities (N, num_classes), columns in concept_ids order."""
        return self._run(images)[1]

    def features(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Penultimate features (N, feature_dim) for the Fréchet distance and diversity."""
        return self._run(images)[0]

    def features_and_proba(self, images: Sequence[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """Both at once (one forward pass)."""
        return self._run(images)

    def save(self, directory: str | os.PathLike) -> Path:
        """Write config.json, model.safetensors and concepts.json into directory."""
        return save_evaluator(directory, self.model, self.concepts, self.info)


def save_evaluator(
    directory: str | os.PathLike, model: ConceptClassifier, concepts: list[dict], info: dict | None = None
) -> Path:
    """Save weights (safetensors), config and the concept table beside each other."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with atomic_path(directory / WEIGHTS_FILE) as tmp:
        save_file({k: v.detach().float().contiguous() for k, v in model.state_dict().items()}, str(tmp))
    write_text_atomic(directory / CONCEPTS_FILE, json.dumps(concepts, ensure_ascii=False, indent=1))
    config = {"format": EVALUATOR_FORMAT, "model": model.config.to_dict(), **(info or {})}
    write_text_atomic(directory / CONFIG_FILE, json.dumps(config, ensure_ascii=False, indent=2))
    return directory


def load_evaluator(path: str | os.PathLike | None = None) -> Evaluator:
    """Load the shipped evaluator (path None or 'default') or one saved by `adcraft evaluator train`."""
    directory = EVALUATOR_DIR if path in (None, "default") else Path(path)
    if not (directory / CONFIG_FILE).is_file() or not (directory / WEIGHTS_FILE).is_file():
        raise CheckpointError(
            f"no evaluator in {str(directory)!r}: train one with `adcraft evaluator train --data DIR`"
        )
    config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    if config.get("format") != EVALUATOR_FORMAT:
        raise CheckpointError(f"{directory} holds {config.get('format')!r}, not {EVALUATOR_FORMAT!r}")
    model = ConceptClassifier(EvaluatorConfig.from_dict(config["model"]))
    try:
        model.load_state_dict(load_file(str(directory / WEIGHTS_FILE)))
    except (SafetensorError, RuntimeError) as exc:
        raise CheckpointError(f"evaluator weights in {directory} do not load: {exc}") from exc
    concepts = json.loads((directory / CONCEPTS_FILE).read_text(encoding="utf-8"))
    info = {k: v for k, v in config.items() if k not in ("format", "model")}
    return Evaluator(model, concepts, info)
