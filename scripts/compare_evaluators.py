"""Score one model's `adcraft eval` images with several evaluators: how much the figures owe to the judge.

Generates the held-out prompt set once (as `adcraft eval` does, same seeds and settings) and scores the
same images with each evaluator, writing each one's results.json and grid under OUT/<n>-<evaluator name>/
and printing one row per evaluator: its own held-out accuracy on real images, then the model's figures
and the real-image ceiling and random-concept floor as that evaluator sees them.
Run: .venv/bin/python scripts/compare_evaluators.py default --evaluators default runs/evaluator-s1 \
     --out runs/cmp
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.evaluation.classifier import load_evaluator
from adcraft.evaluation.prompts import load_prompts
from adcraft.evaluation.report import write_results
from adcraft.evaluation.run import EvalConfig, EvalResult, generate, score_run

COLUMNS = ("concept_top1_zh", "concept_top1_en", "concept_top5_zh", "concept_top5_en", "colour_adherence")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="shipped model name or checkpoint directory")
    parser.add_argument(
        "--evaluators", nargs="+", required=True, help="evaluator directories ('default': the shipped one)"
    )
    parser.add_argument("--data", default="data/products", help="dataset for the ceiling and the floor")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, help="only the first N prompts (a smoke check)")
    args = parser.parse_args()
    judges = [(name, load_evaluator(name)) for name in args.evaluators]  # a bad path fails before generating
    cfg = EvalConfig(seeds=args.seeds)
    prompts = load_prompts()[: args.limit]
    pipe = TextToImagePipeline.from_pretrained(args.model)
    read = pipe.ground_prompts([p.prompt for p in prompts], cfg.ground)
    generated = generate(pipe, [g.caption for g in read], cfg)
    rows = []
    for i, (name, judge) in enumerate(judges):
        summary = score_run(generated, read, prompts, judge, cfg, args.data, model_id=pipe.model_id)
        write_results(EvalResult(summary, generated, prompts), args.out / f"{i}-{Path(name).name}")
        m, rep = summary["metrics"], summary["evaluator"]
        one = summary["by_dataset_images"]["generated"]["one image"]
        rows.append(
            {
                "evaluator": name,
                "seed": judge.info.get("train", {}).get("seed"),
                "heldout_top1": rep.get("top1"),
                "heldout_top5": rep.get("top5"),
                "epochs": rep.get("epochs"),
                **{k: m["generated"][k] for k in COLUMNS},
                "one_image_top1": one["top1"],
                "one_image_top5": one["top5"],
                "ceiling_top1": (m["real"]["concept_top1_zh"] + m["real"]["concept_top1_en"]) / 2,
                "floor_top5": (m["random"]["concept_top5_zh"] + m["random"]["concept_top5_en"]) / 2,
                "frechet": m["generated"]["feature_frechet_distance"],
            }
        )
    comparison = {"model": pipe.model_id, "seeds": args.seeds, "rows": rows}
    (args.out / "comparison.json").write_text(json.dumps(comparison, indent=2), encoding="utf-8")
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))


if __name__ == "__main__":
    main()
