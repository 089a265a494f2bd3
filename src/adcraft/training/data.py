"""A dataset folder held in memory as tensors: images, and an embedding per caption."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image, UnidentifiedImageError

from adcraft.data.dataset import dataset_fingerprint, read_dataset
from adcraft.diffusion.image import rgba_to_tensor
from adcraft.errors import DataError
from adcraft.text.cache import CachedEncoder
from adcraft.text.encoder import TextEncoder

logger = logging.getLogger(__name__)

EMBEDDING_CACHE = ".embeddings.safetensors"  # per-dataset cache of caption embeddings
BALANCE_MODES = (
    "image",
    "concept",
)  # what sample_batch draws uniformly: images, or concepts then their images


@dataclass
class TensorDataset:
    """Images (N, 4, S, S) in [-1, 1], caption embeddings (M, D) and, per image, its caption range."""

    images: torch.Tensor
    embeddings: torch.Tensor
    caption_start: torch.Tensor  # (N,) index of each image's first caption in `embeddings`
    caption_count: torch.Tensor  # (N,) number of captions of each image
    fingerprint: str
    weights: torch.Tensor | None = None  # (N,) sampling weights; None draws every image equally often

    def __len__(self) -> int:
        return self.images.shape[0]

    def to(self, device: str | torch.device) -> TensorDataset:
        """A copy with every tensor on `device` (the whole dataset fits on a GPU: batches never leave it)."""

        def move(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.to(device)

        return TensorDataset(
            move(self.images),
            move(self.embeddings),
            move(self.caption_start),
            move(self.caption_count),
            self.fingerprint,
            move(self.weights),
        )

    def sample_batch(
        self, batch_size: int, generator: torch.Generator, hflip: bool
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch of images and, for each, one of its captions' embeddings, drawn on the
        generator's device (where the dataset must be)."""
        device = generator.device
        if self.weights is None:
            idx = torch.randint(0, len(self), (batch_size,), generator=generator, device=device)  # (B,)
        else:
            idx = torch.multinomial(self.weights, batch_size, replacement=True, generator=generator)  # (B,)
        pick = (torch.rand(batch_size, generator=generator, device=device) * self.caption_count[idx]).long()
        z = self.embeddings[self.caption_start[idx] + pick]  # (B, D)
        x = self.images[idx]  # (B, 4, S, S)
        flip = torch.rand(batch_size, generator=generator, device=device) < 0.5
        if hflip:
            x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        return x, z


def concept_weights(concepts: list[str]) -> torch.Tensor:
    """Per-image weights that draw every concept equally often (an image without a concept is its own)."""
    keys = [c or f"\0{i}" for i, c in enumerate(concepts)]
    counts = Counter(keys)
    return torch.tensor([1.0 / counts[k] for k in keys])


def load_tensor_dataset(
    root: str | Path, size: int, encoder: TextEncoder, balance: str = "image"
) -> TensorDataset:
    """Read a dataset folder, resize images to `size`, and embed every caption (cached on disk).

    balance "concept" draws each concept equally often, whatever its number of images (a food with one
    image as often as a dress with nine colour variants); "image" draws each image equally often.
    """
    if balance not in BALANCE_MODES:
        raise DataError(f"balance {balance!r} must be one of {list(BALANCE_MODES)}")
    root = Path(root)
    records = read_dataset(root)
    images, captions, starts, counts = [], [], [], []
    for rec in records:
        try:
            with Image.open(root / rec.file) as img:
                images.append(rgba_to_tensor(img, size))
        except (UnidentifiedImageError, OSError) as exc:
            raise DataError(f"{root / rec.file}: unreadable image ({exc})") from exc
        starts.append(len(captions))
        counts.append(len(rec.captions))
        captions.extend(rec.captions)
    cached = CachedEncoder(encoder, root / EMBEDDING_CACHE)
    embeddings = torch.from_numpy(cached.encode(captions))  # (M, D)
    cached.save()
    logger.info("dataset %s: %d images, %d captions", root, len(images), len(captions))
    weights = concept_weights([rec.concept for rec in records]) if balance == "concept" else None
    return TensorDataset(
        torch.stack(images),
        embeddings,
        torch.tensor(starts),
        torch.tensor(counts),
        dataset_fingerprint(root),
        weights,
    )
