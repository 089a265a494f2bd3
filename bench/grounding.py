"""Which product do the held-out shop titles name? Prompt grounding vs e5-small's nearest concept label.

For each of the shipped held-out titles (src/adcraft/evaluation/prompts.jsonl), compares the concept that
prompt grounding (the shipped model's vocabulary.json) finds with the title's true concept, and does the
same for the nearest concept label by e5-small cosine similarity. Figures go into the model card.
Run: `.venv/bin/python bench/grounding.py`.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime

import numpy as np

from adcraft.diffusion.checkpoint import resolve_checkpoint
from adcraft.evaluation.concepts import shipped_index
from adcraft.evaluation.prompts import LANGS, load_prompts
from adcraft.text.grounding import Vocabulary, grounding_counts


def main() -> None:
    prompts = load_prompts()
    vocabulary = Vocabulary.load(resolve_checkpoint("default"))
    if vocabulary is None:
        raise SystemExit("the default model has no vocabulary.json")
    index = shipped_index()
    sims = index.encoder.encode([p.prompt for p in prompts]) @ index.embeddings.T  # (N, C)
    nearest = [index.concepts[j]["id"] for j in sims.argmax(axis=1)]
    grounded = [vocabulary.ground(p.prompt) for p in prompts]
    print(f"{datetime.now(UTC):%Y-%m-%d}  {platform.processor() or platform.machine()}")
    for lang in LANGS:
        sel = [i for i, p in enumerate(prompts) if p.lang == lang]
        counts = grounding_counts([grounded[i] for i in sel], [prompts[i].concept for i in sel])
        matched, right = counts["matched"], counts["correct"]
        near = np.mean([nearest[i] == prompts[i].concept for i in sel])
        print(f"{lang}: {len(sel)} titles; e5 nearest concept right {near:.1%}; grounding matched "
              f"{matched} ({matched / len(sel):.1%}), {right} of them right ({right / max(1, matched):.1%})")


if __name__ == "__main__":
    main()
