"""Seconds per creative for the whole-image OCR read-back (TextReader.read_image), per placement.

Composes each placement from a synthetic visual and fixed zh copy, then times read_image (after one
warm-up call). Usage: PYTHONPATH=src python bench/ocr_read_back.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from PIL import Image, ImageDraw


def main() -> None:
    """Print the median seconds per placement and what was read."""
    from adcraft.creative.aigc import AILabel
    from adcraft.creative.compose import CreativeComposer, texts_from_copy
    from adcraft.creative.copywriting import Copy
    from adcraft.creative.placements import PLACEMENTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    visual = Image.new("RGBA", (256, 200), (0, 0, 0, 0))
    ImageDraw.Draw(visual).ellipse([20, 30, 236, 180], fill=(200, 40, 60, 255))
    copy = Copy(
        headline="法式碎花连衣裙",
        subline="轻盈雪纺，春夏通勤约会都合适",
        selling_points=["雪纺面料透气", "收腰显瘦", "三色可选"],
        cta="立即购买",
        price_text="¥199",
        original_price_text="¥299",
        discount_text="6.7折",
        lang="zh",
    )
    composer = CreativeComposer()
    reader = composer.reader
    print(f"{platform.machine()} {platform.processor()} python {platform.python_version()}")
    for key in PLACEMENTS:
        creative = composer.compose(key, visual, texts_from_copy(copy), label=AILabel(lang="zh"))
        reader.read_image(creative.image)  # warm-up (model load)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            lines = reader.read_image(creative.image)
            times.append(time.perf_counter() - t0)
        print(f"{key:>10}  {statistics.median(times):.2f} s  {len(lines)} lines  {' | '.join(lines)[:70]}")


if __name__ == "__main__":
    main()
