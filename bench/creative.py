"""Creatives per second: composition alone (fixed visual) and end to end (with generation).

Run: OMP_NUM_THREADS=1 .venv/bin/python bench/creative.py [--rounds 1]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time

from PIL import Image, ImageDraw

from adcraft.creative.compose import ComposeConfig, CreativeComposer, texts_from_copy
from adcraft.creative.copywriting import Copy
from adcraft.creative.placements import PLACEMENTS
from adcraft.creative.product import Product
from adcraft.creative.quality import QAThresholds
from adcraft.errors import CheckpointError
from adcraft.generate import generate_creatives

COPY = Copy(
    headline="法式碎花连衣裙",
    subline="轻盈雪纺，春夏通勤约会都合适",
    selling_points=["雪纺面料透气", "收腰显瘦", "两色可选"],
    cta="立即购买",
    price_text="¥199",
    original_price_text="¥299",
    discount_text="6.7折",
    lang="zh",
)


def fixed_visual() -> Image.Image:
    """A 256 px RGBA visual, the size generated visuals have after upscaling."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    ImageDraw.Draw(image).polygon([(128, 20), (200, 236), (56, 236)], fill=(200, 60, 90, 255))
    return image


def machine() -> str:
    """CPU model and core count."""
    name = platform.processor() or "cpu"
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{name}, {os.cpu_count()} cores"


def bench_compose(rounds: int, ocr: bool) -> float:
    """Creatives per second composing all 8 placements with a fixed visual."""
    composer = CreativeComposer(ComposeConfig(thresholds=QAThresholds(ocr=ocr)))
    visual, texts = fixed_visual(), texts_from_copy(COPY)
    composer.compose(PLACEMENTS["300x250"], visual, texts)  # warm-up: fonts, OCR models
    start, n = time.perf_counter(), 0
    for _ in range(rounds):
        for placement in PLACEMENTS.values():
            creative = composer.compose(placement, visual, texts)
            n += 1
            if not creative.qa.passed:
                print(f"  flagged: {placement.key} {creative.qa.failures}")
    return n / (time.perf_counter() - start)


def bench_end_to_end(pipeline, label: str) -> None:
    """Creatives per second for generate_creatives (visual generation + upscale + 8 placements)."""
    product = Product(title="法式碎花连衣裙", description="红色雪纺", price=199, original_price=299)
    composer = CreativeComposer()
    start = time.perf_counter()
    creatives = generate_creatives(product, pipeline=pipeline, copy=COPY, composer=composer)
    seconds = time.perf_counter() - start
    passed = sum(c.qa.passed for c in creatives)
    print(
        f"end to end ({label}): {len(creatives) / seconds:.2f} creatives/s "
        f"({seconds:.1f} s for {len(creatives)} placements, {passed} passed QA)"
    )


def main() -> None:
    """Print the figures with machine and date."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the 8 placements")
    args = parser.parse_args()
    print(f"machine: {machine()}; date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"composition alone, QA with OCR: {bench_compose(args.rounds, True):.2f} creatives/s")
    print(f"composition alone, QA without OCR: {bench_compose(args.rounds, False):.2f} creatives/s")
    from adcraft.diffusion.pipeline import TextToImagePipeline

    try:
        bench_end_to_end(TextToImagePipeline.from_pretrained("default"), "default model")
    except CheckpointError as exc:
        print(f"end to end with the default model: not measured ({exc})")
        bench_end_to_end(
            TextToImagePipeline.tiny_random(seed=0), "tiny random UNet, 20 steps; not the shipped model"
        )


if __name__ == "__main__":
    main()
