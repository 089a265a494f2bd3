"""A one-seed check on a slice of the held-out prompts: evaluator top-1/top-5, colour, alpha quality.

Minutes instead of `adcraft eval`'s quarter hour, for comparing checkpoints, guidance scales and grounding
during a session (the model card quotes its figures as such). With --labels it generates from each
concept's own training labels instead (how well the model draws what it was trained on), and splits the
figures into concepts with one image in the dataset (food, drink: colour intrinsic) and the rest.
Run: .venv/bin/python scripts/quick_eval.py runs/base-std/checkpoint --stride 3 --guidance 3,5,8 [--no-ground]
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from adcraft.data.dataset import read_dataset
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.evaluation import metrics as M
from adcraft.evaluation.classifier import load_evaluator
from adcraft.evaluation.prompts import load_prompts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--stride", type=int, default=3, help="every n-th prompt (or labelled concept)")
    parser.add_argument("--guidance", default="3", help="comma-separated guidance scales")
    parser.add_argument("--no-ground", dest="ground", action="store_false")
    parser.add_argument("--labels", metavar="DATA", help="dataset folder: prompt with its concepts' labels")
    args = parser.parse_args()
    judge = load_evaluator()
    single: set[str] = set()  # concepts with one image in the dataset
    if args.labels:
        dataset = read_dataset(args.labels)
        images_of = Counter(r.concept for r in dataset)
        single = {c for c, n in images_of.items() if n == 1}
        records = [r for r in dataset if r.file.endswith("-orig.png") and r.concept in judge.index]
        items = [
            (label, r.concept, None) for r in records[:: args.stride] for label in (r.label_zh, r.label_en)
        ]
    else:
        items = [
            (p.prompt, p.concept, p.color) for p in load_prompts()[:: args.stride] if p.concept in judge.index
        ]
    pipe = TextToImagePipeline.from_pretrained(args.model)
    targets = np.array([judge.index[c] for _, c, _ in items])
    for g in (float(x) for x in args.guidance.split(",")):
        images = pipe([t for t, _, _ in items], num_steps=20, seed=0, guidance_scale=g, ground=args.ground)
        proba = judge.predict_proba(images)
        colour = [M.color_family(im) == c for im, (_, _, c) in zip(images, items, strict=True) if c]
        print(
            f"{args.model} guidance {g} ground {args.ground} n={len(items)}: "
            f"top-1 {M.topk_hits(proba, targets, 1).mean():.3f} "
            f"top-5 {M.topk_hits(proba, targets, 5).mean():.3f} "
            f"colour {np.mean(colour) if colour else float('nan'):.3f} (n={len(colour)}) "
            f"alpha {np.mean([M.alpha_is_one_object(im) for im in images]):.3f}",
            flush=True,
        )
        if single:
            one = np.array([c in single for _, c, _ in items])
            for name, sel in (("one-image concepts", one), ("the rest", ~one)):
                print(
                    f"  {name} n={sel.sum()}: top-1 {M.topk_hits(proba[sel], targets[sel], 1).mean():.3f} "
                    f"top-5 {M.topk_hits(proba[sel], targets[sel], 5).mean():.3f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
