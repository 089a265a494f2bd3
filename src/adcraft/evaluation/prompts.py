"""The held-out prompt set: shop-style product titles in Chinese and English, never training captions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from adcraft.defaults import LANGUAGES
from adcraft.errors import DataError

PROMPTS_FILE = Path(__file__).resolve().parent / "prompts.jsonl"  # the shipped set
# issue 20's extension: 10 titles per colour family (13 families) and 30 without a colour, written before
# any v10 result (docs/eval-v10.md says by whom and with what in view); never edited after measuring
SHOP_PROMPTS_FILE = Path(__file__).resolve().parent / "prompts_shop.jsonl"
LANGS = LANGUAGES  # every prompt set has both languages


@dataclass(frozen=True)
class EvalPrompt:
    """One evaluation prompt and what a correct image shows."""

    prompt: str  # a product title as a shop writes it
    lang: str  # "zh" or "en"
    concept: str  # the dataset concept id the image should show
    color: str | None = None  # requested colour family, or None when the prompt names no colour


def load_prompts(path: str | Path | None = None) -> list[EvalPrompt]:
    """Read a prompts.jsonl (default: the shipped set); refuses malformed lines with their line number."""
    path = Path(path) if path is not None else PROMPTS_FILE
    if not path.is_file():
        raise DataError(f"prompt file {str(path)!r} does not exist")
    prompts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            p = EvalPrompt(
                prompt=str(d["prompt"]).strip(),
                lang=d["lang"],
                concept=str(d["concept"]),
                color=d.get("color"),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{n}: needs prompt, lang, concept (and color or null): {exc}") from exc
        if not p.prompt or p.lang not in LANGS or not p.concept:
            raise DataError(
                f"{path}:{n}: prompt must be non-empty and lang one of {list(LANGS)}, got {p.lang!r}"
            )
        prompts.append(p)
    if not prompts:
        raise DataError(f"{path} has no prompts")
    return prompts


def prompt_problems(prompts: list[EvalPrompt], concepts: list[dict], captions: set[str]) -> list[str]:
    """What is wrong with a prompt set for a dataset: unknown concepts, a colour asked of a concept the
    dataset never recolours, prompts equal to a training caption. Empty when the set is usable.

    A recoloured concept may be asked for in a colour its variants do not show (yellow socks when the
    data has red and blue ones): that measures whether colour and concept compose."""
    table = {c["id"]: c for c in concepts}
    folded = {c.strip().casefold() for c in captions}
    problems = []
    for p in prompts:
        if p.concept not in table:
            problems.append(f"{p.prompt!r}: concept {p.concept!r} is not in the dataset")
        elif p.color is not None and not table[p.concept].get("colors"):
            problems.append(
                f"{p.prompt!r}: colour {p.color!r} asked of {p.concept!r}, which the dataset never recolours"
            )
        if p.prompt.casefold() in folded:
            problems.append(f"{p.prompt!r} is a training caption")
    return problems
