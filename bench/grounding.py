"""Which product do held-out shop titles name? Prompt grounding vs e5-small's nearest concept label.

Three title sets: the evaluation's held-out titles (src/adcraft/evaluation/prompts.jsonl), a second set
written later, independently of the shop-word lexicon (bench/grounding_titles.jsonl,
docs/history/model-history.md), and a third of titles whose colour is named after a food or object
(巧克力色, "Wine Red", 牛油果绿), written after the colour-name rule without seeing it
(bench/colour_name_titles.jsonl); last, how often
Chinese titles' colour names are read right (bench/zh_colour_titles.jsonl, also written blind).
For each, compares the concept that prompt grounding finds with the
title's true concept, with the model's training labels only and with the packaged shop words
(text/lexicons/shop_terms.yaml) too, and does the same for the nearest concept label by e5-small cosine
similarity. Figures go into the model card. Run: `.venv/bin/python bench/grounding.py`.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from adcraft.diffusion.checkpoint import resolve_checkpoint
from adcraft.evaluation.concepts import shipped_index
from adcraft.evaluation.prompts import LANGS, load_prompts
from adcraft.text.colors import find_color
from adcraft.text.grounding import Vocabulary, grounding_counts

TITLE_SETS = {
    "eval prompts.jsonl": None,
    "bench grounding_titles.jsonl": Path(__file__).with_name("grounding_titles.jsonl"),
    "bench colour_name_titles.jsonl": Path(__file__).with_name("colour_name_titles.jsonl"),
}


def main() -> None:
    model = resolve_checkpoint("default")
    vocabularies = {
        "labels only": Vocabulary.load(model, shop_terms=False),
        "labels + shop words": Vocabulary.load(model),
    }
    if vocabularies["labels only"] is None:
        raise SystemExit("the default model has no vocabulary.json")
    index = shipped_index()
    print(f"{datetime.now(UTC):%Y-%m-%d}  {platform.processor() or platform.machine()}")
    for set_name, path in TITLE_SETS.items():
        prompts = load_prompts(path)
        sims = index.encoder.encode([p.prompt for p in prompts]) @ index.embeddings.T  # (N, C)
        nearest = [index.concepts[j]["id"] for j in sims.argmax(axis=1)]
        print(f"\n{set_name}: {len(prompts)} titles, {len({p.concept for p in prompts})} concepts")
        for lang in LANGS:
            sel = [i for i, p in enumerate(prompts) if p.lang == lang]
            near = np.mean([nearest[i] == prompts[i].concept for i in sel])
            coloured = [prompts[i] for i in sel if prompts[i].color]
            colour_right = sum(find_color(p.prompt) == p.color for p in coloured)
            print(
                f"  {lang}: {len(sel)} titles; e5 nearest concept right {near:.1%}; colour word read right "
                f"in {colour_right} of the {len(coloured)} titles with a colour family"
            )
            for vocab_name, vocabulary in vocabularies.items():
                counts = grounding_counts(
                    [vocabulary.ground(prompts[i].prompt) for i in sel], [prompts[i].concept for i in sel]
                )
                matched, right = counts["matched"], counts["correct"]
                print(
                    f"    grounding, {vocab_name}: matched {matched} ({matched / len(sel):.1%}), "
                    f"{right} of them right ({right / max(1, matched):.1%}); right overall "
                    f"{right / len(sel):.1%}"
                )

    colour_names()


def colour_names() -> None:
    """How often find_color reads Chinese shop titles' colour right (bench/zh_colour_titles.jsonl: 62 titles
    with a colour family, 38 without one, 30 of them with colour characters inside other words:
    红酒, 口红)."""
    import json

    rows = [
        json.loads(line) for line in Path(__file__).with_name("zh_colour_titles.jsonl").open(encoding="utf-8")
    ]
    found = [(find_color(r["prompt"]), r["color"]) for r in rows]
    right = sum(f == c for f, c in found if c)
    wrong = sum(f is not None and f != c for f, c in found if c)
    named = sum(c is not None for _, c in found)
    false = sum(f is not None for f, c in found if c is None)
    print(
        f"\nbench zh_colour_titles.jsonl: colour family read right in {right} of {named} titles naming one "
        f"({wrong} wrong family, the rest none); "
        f"a colour found in {false} of the {len(rows) - named} naming none"
    )


if __name__ == "__main__":
    main()
