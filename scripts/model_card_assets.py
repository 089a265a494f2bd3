"""Make the model card's and README's pictures from a training run and a model.

Run: .venv/bin/python scripts/model_card_assets.py --run runs/base --model default --out docs/images
Writes loss_curve.png (from the run's metrics.jsonl) and samples.png (fixed zh/en prompts, seed 0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from adcraft.creative.fonts import load_font
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.training.report import captioned_grid, plot_loss_curve

CARD_PROMPTS = [  # pairs in both languages, and shop-style titles
    "红色连衣裙",
    "red dress",
    "蓝色运动鞋",
    "blue running shoes",
    "笔记本电脑",
    "laptop",
    "黄色手提包",
    "yellow handbag",
    "一杯咖啡",
    "a cup of coffee",
    "口红",
    "lipstick",
    "绿色T恤",
    "green t-shirt",
    "西瓜",
    "watermelon",
    "紫色背包",
    "purple backpack",
    "吉他",
    "guitar",
    "手机",
    "mobile phone",
    "粉色高跟鞋",
    "pink high-heeled shoe",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("runs/base"))
    parser.add_argument("--model", default="default")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if (args.run / "metrics.jsonl").is_file():
        plot_loss_curve(args.run / "metrics.jsonl", args.out / "loss_curve.png")
    pipe = TextToImagePipeline.from_pretrained(args.model)
    images = pipe(CARD_PROMPTS, num_steps=args.steps, seed=0)
    from adcraft.upscale import upscale

    images = [upscale(img, scale=4) for img in images]
    captioned_grid(images, CARD_PROMPTS, cols=8, font=load_font(13)).save(args.out / "samples.png")
    print(f"wrote {args.out / 'loss_curve.png'} and {args.out / 'samples.png'} with model {pipe.model_id}")


if __name__ == "__main__":
    main()
