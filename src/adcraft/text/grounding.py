"""Prompt grounding: rewrite a shop title to the caption style the model was trained on, when it names a
product the model knows.

Shop titles ("2026夏季新款法式碎花连衣裙女收腰显瘦") are long and full of words the training captions
never had, and a small text encoder's embedding of such a title lands far from the captions of its
product ("连衣裙", "红色连衣裙"). The training data's own concept labels are a much sharper signal:
when a label occurs in the title, the model is conditioned on "{colour}{label}" in the title's language
instead. A title that names no known label is passed through unchanged, so the nearest-concept report
still says how far it is from anything the model knows.

Shops rarely use the emoji-derived labels ("tee", "体恤", "sneakers", "Gala apples"), so a packaged
lexicon of shop-title words per concept (lexicons/shop_terms.yaml, keyed by concept id) is matched too;
the caption is still the concept's own training label. A label inside a brand or product-line name
(lexicons/brands.yaml: "Apple Watch", "Red Bull", "Huawei Mate 60") never counts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from adcraft.errors import CheckpointError
from adcraft.fileio import write_text_atomic
from adcraft.text.attributes import detect_language
from adcraft.text.colors import SINGLE_ZH_COLORS, color_spans, color_words, find_color

VOCABULARY_FILE = "vocabulary.json"  # beside a checkpoint's config.json
ShopTerms = Mapping[str, Mapping[str, Sequence[str]]]  # concept id -> {"zh": [...], "en": [...]}
MIN_ZH_LABEL = 2  # one-character zh labels (糖, 茶 …) occur inside too many unrelated words
MIN_EN_LABEL = 3  # "tie"/"hat" still count; shorter English labels are too ambiguous


@dataclass(frozen=True)
class VocabularyEntry:
    """One concept the model was trained on, with its zh and en labels."""

    concept: str  # the dataset's concept id
    label_zh: str  # e.g. "连衣裙"
    label_en: str  # e.g. "dress"


@dataclass(frozen=True)
class Grounding:
    """What the model is conditioned on for one prompt, and why."""

    prompt: str  # the text as given
    caption: str  # the text the model reads: a training-style caption, or the prompt itself
    concept: str | None  # the matched concept id; None when no label occurs in the prompt
    term: str | None  # the label found in the prompt
    color: str | None  # the colour family named in the prompt, kept in the caption
    style: str | None = None  # the picture style whose words the caption ends with (data.styles)

    def to_json(self) -> dict:
        """JSON form (for prompts.json and API responses)."""
        return asdict(self)


def _en_pattern(label: str) -> re.Pattern:
    # a whole word or phrase, with a plain plural ("dresses", "shoes"); case-insensitive
    return re.compile(r"(?<![a-z])" + re.escape(label) + r"(?:s|es)?(?![a-z])", re.IGNORECASE)


@lru_cache(maxsize=1)
def load_shop_terms() -> dict[str, dict[str, list[str]]]:
    """The packaged shop-title words per concept id (lexicons/shop_terms.yaml)."""
    import yaml

    text = resources.files("adcraft.text").joinpath("lexicons", "shop_terms.yaml").read_text("utf-8")
    return {
        str(concept): {lang: list(terms or []) for lang, terms in langs.items()}
        for concept, langs in yaml.safe_load(text).items()
    }


@lru_cache(maxsize=1)
def load_brand_patterns() -> tuple[re.Pattern, ...]:
    """The packaged brand and product-line names that grounding masks (lexicons/brands.yaml)."""
    import yaml

    text = resources.files("adcraft.text").joinpath("lexicons", "brands.yaml").read_text("utf-8")
    return tuple(re.compile(p, re.IGNORECASE) for p in yaml.safe_load(text)["patterns"])


def brand_spans(text: str) -> list[tuple[int, int]]:
    """Where text names a brand or product line that contains a product word, as (start, end) spans."""
    return [m.span() for pattern in load_brand_patterns() for m in pattern.finditer(text)]


class Vocabulary:
    """The concept labels of a model's training data (and shop words for them), matched against prompts."""

    def __init__(self, entries: Iterable[VocabularyEntry], shop_terms: ShopTerms | None = None) -> None:
        self.entries = list(entries)
        self._terms: list[tuple[str, re.Pattern | None, VocabularyEntry]] = []
        for e in self.entries:
            extra = (shop_terms or {}).get(e.concept, {})
            for term in (e.label_zh, *extra.get("zh", ())):
                if len(term) >= MIN_ZH_LABEL:
                    self._terms.append((term, None, e))
            for term in (e.label_en, *extra.get("en", ())):
                if len(term) >= MIN_EN_LABEL:
                    self._terms.append((term, _en_pattern(term), e))

    @classmethod
    def from_records(cls, records: Iterable) -> Vocabulary:
        """One entry per concept of dataset records (objects with concept, label_zh and label_en)."""
        seen: dict[str, VocabularyEntry] = {}
        for r in records:
            if r.concept and r.concept not in seen and (r.label_zh or r.label_en):
                seen[r.concept] = VocabularyEntry(r.concept, r.label_zh, r.label_en)
        return cls(seen.values())

    def save(self, directory: str | os.PathLike) -> Path:
        """Write vocabulary.json into a model folder (atomically: a reader never sees half a file)."""
        return write_text_atomic(
            Path(directory) / VOCABULARY_FILE,
            json.dumps({"concepts": [asdict(e) for e in self.entries]}, ensure_ascii=False, indent=1),
        )

    @classmethod
    def load(cls, directory: str | os.PathLike, shop_terms: bool = True) -> Vocabulary | None:
        """The vocabulary saved in a model folder (plus the packaged shop words unless shop_terms is
        False); None when the folder has none."""
        path = Path(directory) / VOCABULARY_FILE
        if not path.is_file():
            return None
        try:
            entries = [VocabularyEntry(**e) for e in json.loads(path.read_text(encoding="utf-8"))["concepts"]]
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{path} is not a valid vocabulary ({exc})") from exc
        return cls(entries, load_shop_terms() if shop_terms else None)

    def match(self, text: str) -> tuple[VocabularyEntry, str] | None:
        """The concept whose label occurs in text: the longest label, then the last one (the head noun of a
        title usually comes last: "碎花连衣裙女", "Oxford Dress Shoes"); None when no label occurs.

        A label inside a colour name ("Tomato Red Dress", "巧克力色短靴") or a brand name ("Apple Watch")
        never counts; one right before a
        colour word ("牛油果绿水壶", "T恤白") loses to any other label in the text.
        """
        spans = color_spans(text)
        brands = brand_spans(text)
        best: tuple[tuple[bool, int, int], VocabularyEntry, str] | None = None
        for term, pattern, entry in self._terms:
            for pos in _occurrences(text, term, pattern):  # every one: "apple … Apple Watch" keeps the apple
                if any(s < pos + len(term) and pos < e for s, e in brands):
                    continue
                use = _colour_use(text, pos, pos + len(term), spans)
                if use == 2:
                    continue
                rank = (use == 0, len(term), pos)
                if best is None or rank > best[0]:
                    best = (rank, entry, term)
        return None if best is None else (best[1], best[2])

    def ground(self, prompt: str) -> Grounding:
        """The caption the model should read for prompt (see the module docstring)."""
        found = self.match(prompt)
        if found is None:
            return Grounding(prompt, prompt, None, None, None)
        entry, term = found
        color = find_color(prompt)
        zh = detect_language(prompt) == "zh"
        label = (entry.label_zh or entry.label_en) if zh else (entry.label_en or entry.label_zh)
        if color is None or find_color(label) is not None:  # "red apple" already names its colour
            caption = label
        else:
            zh_word, en_word = color_words(color)
            caption = f"{zh_word}{label}" if zh else f"{en_word} {label}"
        return Grounding(prompt, caption, entry.concept, term, color)


def _occurrences(text: str, term: str, pattern: re.Pattern | None) -> list[int]:
    """Start of every occurrence of term in text: plain substrings, or the pattern's word-bounded matches."""
    if pattern is not None:
        return [m.start() for m in pattern.finditer(text)]
    starts, pos = [], text.find(term)
    while pos >= 0:
        starts.append(pos)
        pos = text.find(term, pos + 1)
    return starts


def _colour_use(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> int:
    """How surely text[start:end] is part of a colour name rather than a product: 2 inside a colour word
    (樱桃红, "tomato red") or right before 色 (奶茶色, 蜂蜜色); 1 right before a colour word (牛油果绿,
    "Honey Yellow"), which a title listing "T恤白" also does; 0 otherwise (连衣裙白色)."""
    rest = text[end:]
    if rest[:1] == "色" or any(s <= start and end <= e for s, e, _ in spans):
        return 2
    if not text[start:end].isascii():  # "连衣裙白色" lists the colour after the product: not a colour name
        return int(rest[:1] in SINGLE_ZH_COLORS and rest[1:2] != "色")
    gap = len(rest) - len(rest.lstrip(" -"))
    return int(gap > 0 and any(s == end + gap for s, _, _ in spans))


def grounding_counts(groundings: Iterable[Grounding], concepts: Iterable[str]) -> dict[str, int]:
    """How many prompts grounding matched to a concept, and how many of those to their true concept."""
    pairs = [(g.concept, c) for g, c in zip(groundings, concepts, strict=True) if g.concept is not None]
    return {"matched": len(pairs), "correct": sum(found == true for found, true in pairs)}
