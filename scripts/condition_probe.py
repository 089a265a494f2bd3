"""How much does a checkpoint's drawing depend on which product is asked for? A denoising-loss probe.

For training images of two kinds (concepts with one image: food, drink; concepts with colour variants:
their original image), it noises each image at a few timesteps and measures the model's loss with the
image's own caption, with the caption of another image of the same kind, and with the null condition. A
model that has learnt a concept predicts its image much better from the right caption than from a wrong
one; where right and wrong score alike, it draws the same thing (an average) for every concept of that
kind. The model card quotes its figures as such.
Run: .venv/bin/python scripts/condition_probe.py default runs/base-std6/checkpoint --data data/products
"""

from __future__ import annotations

import argparse
from collections import Counter

import torch
import torch.nn.functional as F

from adcraft.data.dataset import read_dataset
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.training.data import load_tensor_dataset
from adcraft.training.objective import DiffusionObjective

TIMESTEPS = (200, 500, 800, 950)


@torch.no_grad()
def probe(pipe: TextToImagePipeline, data, groups: dict[str, list[int]], repeats: int, seed: int) -> dict:
    """{(group, t): (right, wrong, null) mean losses} over `repeats` noise draws per image."""
    unet = pipe.unet.float()
    objective = DiffusionObjective(pipe.schedule)
    out = {}
    for name, members in groups.items():
        generator = torch.Generator().manual_seed(seed)
        idx = torch.tensor(members)[torch.randperm(len(members), generator=generator)]
        wrong_idx = torch.roll(idx, 1)  # every image gets the caption of another one
        x0 = data.images[idx]  # (N, 4, S, S)
        conditions = {
            "right": data.embeddings[data.caption_start[idx]],  # each image's first caption (zh label)
            "wrong": data.embeddings[data.caption_start[wrong_idx]],
            "null": unet.null_condition(len(idx)),
        }
        for t in TIMESTEPS:
            losses = dict.fromkeys(conditions, 0.0)
            for _ in range(repeats):
                noise = torch.randn(x0.shape, generator=generator)
                tt = torch.full((len(idx),), t)
                x_t, target = objective.noised(x0, noise, tt)
                for key, z in conditions.items():
                    losses[key] += F.mse_loss(unet(x_t, tt, z), target).item() / repeats
            out[(name, t)] = (losses["right"], losses["wrong"], losses["null"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="shipped model names or checkpoint directories")
    parser.add_argument("--data", default="data/products", help="dataset folder")
    parser.add_argument("--per-group", type=int, default=64, help="images per kind")
    parser.add_argument("--repeats", type=int, default=2, help="noise draws per image and timestep")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    records = read_dataset(args.data)
    images_of = Counter(r.concept for r in records)
    groups = {
        "one image": [i for i, r in enumerate(records) if images_of[r.concept] == 1],
        "colour variants": [
            i for i, r in enumerate(records) if images_of[r.concept] > 1 and r.file.endswith("-orig.png")
        ],
    }
    step = {k: max(1, len(v) // args.per_group) for k, v in groups.items()}
    groups = {k: v[:: step[k]][: args.per_group] for k, v in groups.items()}
    data = None
    print("| model | concepts | t | loss, right caption | wrong caption | null | condition gain |")
    print("|---|---|---|---|---|---|---|")
    for model in args.models:
        pipe = TextToImagePipeline.from_pretrained(model)
        data = data or load_tensor_dataset(args.data, pipe.unet.config.sample_size, pipe.encoder)
        for (name, t), (right, wrong, null) in probe(pipe, data, groups, args.repeats, args.seed).items():
            print(
                f"| {pipe.model_id} | {name} ({len(groups[name])}) | {t} "
                f"| {right:.4f} | {wrong:.4f} | {null:.4f} "
                f"| {(wrong - right) / wrong:.1%} |"
            )


if __name__ == "__main__":
    main()
