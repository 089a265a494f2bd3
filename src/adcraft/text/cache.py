"""Embedding cache keyed by (encoder name, version, text): in memory, optionally backed by a file."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from adcraft.errors import InvalidInputError
from adcraft.fileio import atomic_path
from adcraft.text.base import TextEncoder, check_texts

logger = logging.getLogger(__name__)


def cache_key(encoder: TextEncoder, text: str) -> str:
    """Stable key of one text under one encoder build."""
    return hashlib.sha1(f"{encoder.name}\x1f{encoder.version}\x1f{text}".encode()).hexdigest()


class CachedEncoder:
    """Wraps an encoder so each distinct text is encoded once; `save()` persists to a safetensors file."""

    def __init__(self, encoder: TextEncoder, path: str | Path | None = None) -> None:
        self.encoder = encoder
        self.name, self.version, self.dim = encoder.name, encoder.version, encoder.dim
        self.path = Path(path) if path else None
        self._memory: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0
        if self.path and self.path.is_file():
            self._load()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return (N, dim) vectors, encoding only the texts not seen before."""
        texts = check_texts(texts)
        keys = [cache_key(self.encoder, t) for t in texts]
        missing = sorted({(k, t) for k, t in zip(keys, texts, strict=True) if k not in self._memory})
        if missing:
            vectors = self.encoder.encode([t for _, t in missing])
            for (k, _), v in zip(missing, vectors, strict=True):
                self._memory[k] = v
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._memory[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        """Write every cached vector to the backing file atomically."""
        if self.path is None or not self._memory:
            return
        keys = sorted(self._memory)
        with atomic_path(self.path) as tmp:
            save_file(
                {"vectors": np.stack([self._memory[k] for k in keys])},
                str(tmp),
                metadata={"keys": json.dumps(keys), "encoder": self.name, "version": self.version},
            )

    def _load(self) -> None:
        meta, vectors = read_cache_file(self.path)
        if meta.get("encoder") != self.name or meta.get("version") != self.version:
            logger.warning("ignoring embedding cache %s made by another encoder", self.path)
            return
        self._memory.update(zip(json.loads(meta["keys"]), vectors, strict=True))


def read_cache_file(path: Path) -> tuple[dict[str, str], np.ndarray]:
    """A cache file's metadata (encoder, version, keys as JSON) and its vectors (N, dim)."""
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as f:
        return f.metadata() or {}, f.get_tensor("vectors")


class CacheOnlyEncoder:
    """The vectors of an embedding cache file, standing in for the encoder that wrote them.

    For training on a machine where the encoder is not installed (a GPU machine with no network): the
    dataset's captions were embedded here, and their cache travels with the dataset. A text the cache
    does not hold is refused, never guessed.
    """

    def __init__(self, path: str | Path) -> None:
        from safetensors import SafetensorError

        self.path = Path(path)
        try:
            meta, vectors = read_cache_file(self.path)
            keys = json.loads(meta["keys"])
            self.name, self.version = meta["encoder"], meta["version"]
            self._vectors = dict(zip(keys, vectors, strict=True))  # a length mismatch is a corrupt file
        except (OSError, SafetensorError, KeyError, ValueError) as exc:  # JSONDecodeError is a ValueError
            raise InvalidInputError(
                f"{self.path} is not an embedding cache ({exc.__class__.__name__}: {exc}); "
                "give the .embeddings.safetensors file a training run wrote"
            ) from exc
        self.dim = int(vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The cached vectors of texts; refuses any text the cache does not hold."""
        texts = check_texts(texts)
        keys = [cache_key(self, t) for t in texts]
        missing = [t for k, t in zip(keys, texts, strict=True) if k not in self._vectors]
        if missing:
            raise InvalidInputError(
                f"{len(missing)} texts are not in the embedding cache {self.path} "
                f"(first: {missing[0]!r}); embed them with the real encoder first"
            )
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)
