"""What every text encoder is: the protocol, and the input checks and normalisation they share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from adcraft.errors import InvalidInputError

MAX_TEXT_CHARS = 512  # longer texts are refused: the encoder only reads its first ~512 tokens anyway


@runtime_checkable
class TextEncoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    version: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array (N, dim), one unit vector per text."""
        ...


def check_texts(texts: Sequence[str]) -> list[str]:
    """Refuse empty, whitespace-only or over-long texts with a message naming the limit."""
    if isinstance(texts, str):
        raise InvalidInputError("texts must be a list of strings, not one string")
    cleaned = []
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"text {i} is empty; give a product title or description")
        if len(text) > MAX_TEXT_CHARS:
            raise InvalidInputError(
                f"text {i} has {len(text)} characters; at most {MAX_TEXT_CHARS} are allowed"
            )
        cleaned.append(text.strip())
    return cleaned


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (rows of zeros stay zero)."""
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norm, 1e-12)).astype(np.float32)
