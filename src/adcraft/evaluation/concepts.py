"""Nearest known concepts of a prompt, so callers can warn when it is far from anything the model knows."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from adcraft.errors import CheckpointError, InvalidInputError
from adcraft.evaluation.classifier import CONCEPTS_FILE, EVALUATOR_DIR
from adcraft.text.encoder import TextEncoder, check_texts, l2_normalise

EMBEDDINGS_FILE = "concept_embeddings.safetensors"
MAX_K = 50
# e5 similarities crowd into 0.8-0.95 for any text, so a prompt is judged against a "none of the above"
# class: it is familiar when its nearest concept beats its nearest non-product topic below.
BACKGROUND_TOPICS = (
    "news",
    "新闻",
    "weather",
    "天气",
    "history",
    "历史",
    "politics",
    "政治",
    "finance and stocks",
    "股票金融",
    "science",
    "科学",
    "mathematics",
    "数学",
    "philosophy",
    "哲学",
    "travel and landscape",
    "旅游风景",
    "animals and pets",
    "动物宠物",
    "people",
    "人物",
    "sports event",
    "体育比赛",
    "a city street",
    "城市街道",
    "nature",
    "大自然",
    "software and programming",
    "软件编程",
    "law and government",
    "法律政府",
    "medicine and illness",
    "医学疾病",
    "music concert",
    "音乐会",
    "movie",
    "电影",
    "insurance",
    "保险",
    "service",
    "服务",
    "job and career",
    "工作职业",
    "education",
    "教育",
    "religion",
    "宗教",
    "war",
    "战争",
    "space and planets",
    "太空星球",
    "emotion and feelings",
    "情感",
    "transportation",
    "交通",
    "real estate",
    "房地产",
    "random letters",
    "乱码",
)


@dataclass(frozen=True)
class Familiarity:
    """How close a prompt is to what the model was trained on."""

    prompt: str
    nearest: list[tuple[str, float]]  # (concept label, cosine similarity), best first
    margin: float  # nearest concept's cosine minus the nearest background topic's
    familiar: bool  # margin >= 0

    def warning(self) -> str | None:
        """A one-line warning for an unfamiliar prompt, None otherwise."""
        if self.familiar:
            return None
        label, sim = self.nearest[0]
        return (
            f"{self.prompt!r} is far from every product the model knows (nearest: {label}, cosine "
            f"{sim:.3f}, {-self.margin:.3f} below a non-product topic); expect a generic visual"
        )


def _check_k(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise InvalidInputError(f"k {k} must be between 1 and {MAX_K}")


def concept_label(concept: dict) -> str:
    """'running shoe / 跑鞋': the English and Chinese labels of a concept-table entry."""
    parts = [concept.get("label_en", ""), concept.get("label_zh", "")]
    return " / ".join(p for p in parts if p) or concept["id"]


def build_concept_embeddings(concepts: list[dict], encoder: TextEncoder) -> np.ndarray:
    """(C, D) unit vectors: the mean of each concept's English and Chinese label embeddings."""
    texts, owner = [], []
    for i, c in enumerate(concepts):
        for text in (c.get("label_en"), c.get("label_zh")):
            if text:
                texts.append(text)
                owner.append(i)
    if not texts:
        raise InvalidInputError("the concept table has no labels to embed")
    vectors = encoder.encode(texts)  # (T, D)
    sums = np.zeros((len(concepts), vectors.shape[1]), np.float32)
    np.add.at(sums, np.asarray(owner), vectors)
    return l2_normalise(sums)


def save_concept_embeddings(
    directory: str | os.PathLike, embeddings: np.ndarray, encoder: TextEncoder
) -> Path:
    """Store the table as float16 safetensors, recording which encoder made it."""
    path = Path(directory) / EMBEDDINGS_FILE
    meta = {"encoder_name": encoder.name, "encoder_version": encoder.version, "dim": str(encoder.dim)}
    save_file({"embeddings": embeddings.astype(np.float16)}, str(path), metadata=meta)
    return path


class ConceptIndex:
    """Concept labels and their text embeddings, searchable by a prompt's embedding."""

    def __init__(self, concepts: list[dict], embeddings: np.ndarray, encoder: TextEncoder) -> None:
        if len(concepts) != len(embeddings) or embeddings.shape[1] != encoder.dim:
            raise CheckpointError(
                f"concept table ({len(concepts)}) and embeddings {embeddings.shape} "
                f"do not match each other or the encoder's dim {encoder.dim}"
            )
        self.concepts = concepts
        self.embeddings = l2_normalise(embeddings.astype(np.float32))
        self.encoder = encoder
        self._background: np.ndarray | None = None  # (B, D), encoded on first use

    @classmethod
    def load(
        cls, directory: str | os.PathLike | None = None, encoder: TextEncoder | None = None
    ) -> ConceptIndex:
        """The index shipped beside the evaluator (or in another evaluator directory)."""
        directory = Path(directory) if directory is not None else EVALUATOR_DIR
        try:
            concepts = json.loads((directory / CONCEPTS_FILE).read_text(encoding="utf-8"))
            with safe_open(
                str(directory / EMBEDDINGS_FILE), "np"
            ) as f:  # one read: tensor and who embedded it
                embeddings = f.get_tensor("embeddings")
                made_by = (f.metadata() or {}).get("encoder_name")
        except (OSError, SafetensorError, json.JSONDecodeError) as exc:
            raise CheckpointError(
                f"no concept index in {str(directory)!r}: train the evaluator first ({exc})"
            ) from exc
        if encoder is None:
            from adcraft.text.encoder import load_encoder

            encoder = load_encoder()
        elif made_by is not None and made_by != encoder.name:
            raise CheckpointError(
                f"the concept index in {str(directory)!r} was embedded with {made_by}, not {encoder.name}"
            )
        return cls(concepts, embeddings, encoder)

    def nearest(self, prompts: list[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """For each prompt, its k most similar concepts as (label, cosine similarity), best first."""
        _check_k(k)
        sims = self.encoder.encode(check_texts(prompts)) @ self.embeddings.T  # (N, C)
        return self._top(sims, k)

    def _top(self, sims: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return [
            [(concept_label(self.concepts[j]), round(float(sims[i, j]), 4)) for j in row]
            for i, row in enumerate(top)
        ]

    def familiarity(self, prompts: list[str], k: int = 3) -> list[Familiarity]:
        """Nearest concepts of each prompt and whether it is close enough for a recognisable visual."""
        _check_k(k)
        vectors = self.encoder.encode(check_texts(prompts))  # (N, D)
        if self._background is None:
            self._background = self.encoder.encode(list(BACKGROUND_TOPICS))
        sims = vectors @ self.embeddings.T  # (N, C)
        margins = sims.max(axis=1) - (vectors @ self._background.T).max(axis=1)  # (N,)
        return [
            Familiarity(p, n, round(float(m), 4), bool(m >= 0))
            for p, n, m in zip(prompts, self._top(sims, k), margins, strict=True)
        ]


@functools.lru_cache(maxsize=1)
def shipped_index() -> ConceptIndex:
    return ConceptIndex.load()


def index_for(encoder: TextEncoder) -> ConceptIndex:
    """The shipped index on an encoder already loaded (a pipeline's), when the index was embedded with that
    encoder; otherwise the shipped index with its own encoder."""
    try:
        return ConceptIndex.load(encoder=encoder)
    except CheckpointError:
        return shipped_index()


def nearest_concepts(prompt: str, k: int = 3, index: ConceptIndex | None = None) -> list[tuple[str, float]]:
    """The k concepts the shipped evaluator knows that are closest to a prompt, with cosine similarity."""
    if not isinstance(prompt, str):
        raise InvalidInputError(f"prompt must be a string, got {type(prompt).__name__}")
    return (index or shipped_index()).nearest([prompt], k)[0]
