"""Delivery to ad networks: bytes, encode time and quality (PSNR) against each network's byte budget.

For the sample dress product (visual from the shipped model, seed 0, theme 双11) it composes every size of
each network, delivers it (budget encode, animated GIF/WebP, HTML5 zip, SVG, layout file) and validates
it; then sweeps the byte budget on two creatives to show quality against budget.

Run: OMP_NUM_THREADS=1 .venv/bin/python bench/delivery.py [--networks google-display,taobao-main]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from PIL import Image

from adcraft.creative.aigc import AILabel, ContentLabel
from adcraft.creative.compliance import check_compliance
from adcraft.creative.compose import CreativeComposer, texts_from_copy
from adcraft.creative.copywriting import write_copy
from adcraft.creative.product import load_product
from adcraft.creative.themes import apply_theme_copy, get_theme
from adcraft.delivery.deliver import deliver_network
from adcraft.delivery.encode import encode_to_budget
from adcraft.delivery.networks import get_network, load_networks

PRODUCT = Path(__file__).resolve().parents[1] / "examples" / "products" / "dress.yaml"
BUDGETS_KB = (20, 35, 50, 80, 150, 400)  # the sweep's byte budgets


def shipped_visual(product) -> Image.Image:
    """The product visual from the shipped model (20 steps, seed 0), upscaled as generation does."""
    from adcraft.creative.api import visual_prompt
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.upscale import upscale

    pipeline = TextToImagePipeline.from_pretrained("default")
    caption = pipeline.ground_prompts([visual_prompt(product)])[0].caption
    return upscale(pipeline([caption], num_steps=20, seed=0, ground=False)[0], scale=4)


def run_network(name, composer, visual, texts, theme, out) -> dict:
    """Compose and deliver one network; per-file figures and the validation verdict."""
    profile = get_network(name)
    t0 = time.perf_counter()
    creatives = (
        []
        if profile.main_image
        else [
            composer.compose(
                p,
                visual,
                texts,
                theme.palette,
                theme=theme,
                label=AILabel(lang="zh"),
                safe_zone=profile.safe_zone,
            )
            for p in profile.placements()
        ]
    )
    composed = time.perf_counter() - t0
    delivery = deliver_network(
        profile,
        creatives,
        visual,
        out,
        "dress",
        label_for=lambda c: ContentLabel("generated", "adcraft bench", "adcraft-base", "", "AI生成"),
        check_text=lambda text: check_compliance(text, lang="zh"),
        reader=composer.reader,
    )
    rows = []
    for entry in delivery.entries:
        w, h = entry["placement"]["size"]
        enc = entry["encode"]
        rows.append(
            {
                "size": f"{w}x{h}",
                "limit": profile.byte_limit(w, h),
                "bytes": enc["bytes"],
                "format": enc["format"],
                "settings": enc["settings"],
                "psnr_db": enc["psnr_db"],
                "encode_s": enc["encode_seconds"],
                "motion": {
                    k: {"bytes": v["bytes"], "settings": v.get("settings"), "s": v.get("encode_seconds")}
                    for k, v in entry.get("motion", {}).items()
                },
            }
        )
    return {
        "network": name,
        "compose_s": round(composed, 2),
        "deliver_s": round(time.perf_counter() - t0 - composed, 2),
        "passed": delivery.passed,
        "failures": delivery.failures(),
        "files": rows,
    }


def sweep(creative) -> list[dict]:
    """Best encode (format, setting, PSNR) of one creative at each budget, PNG/JPEG/WebP allowed."""
    out = []
    for kb in BUDGETS_KB:
        try:
            enc = encode_to_budget(creative.image, kb * 1024, ("png", "jpeg", "webp"), creative.placement.key)
            out.append(
                {
                    "budget_kb": kb,
                    "format": enc.format,
                    "settings": enc.settings,
                    "bytes": enc.bytes,
                    "psnr_db": round(enc.psnr, 2),
                    "encode_s": round(enc.seconds, 3),
                }
            )
        except Exception as exc:  # BudgetError: the smallest size is in the message
            out.append({"budget_kb": kb, "error": str(exc)[:120]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--networks", default=",".join(load_networks()))
    parser.add_argument("--out", default=None, help="keep the delivered files here (default: a temp dir)")
    parser.add_argument("--json", default=None, help="write the figures to this JSON file")
    args = parser.parse_args()
    product = load_product(PRODUCT)
    theme = get_theme("双11")
    copy = apply_theme_copy(write_copy(product, lang=product.lang), theme)
    texts = texts_from_copy(copy)
    t0 = time.perf_counter()
    visual = shipped_visual(product)
    visual_s = time.perf_counter() - t0
    composer = CreativeComposer()
    out = Path(args.out or tempfile.mkdtemp(prefix="adcraft-delivery-"))
    results = [run_network(n, composer, visual, texts, theme, out) for n in args.networks.split(",")]
    square = composer.compose(
        "1080x1080", visual, texts, theme.palette, theme=theme, label=AILabel(lang="zh")
    )
    rect = composer.compose("300x250", visual, texts, theme.palette, theme=theme, label=AILabel(lang="zh"))
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "visual_s": round(visual_s, 2),
        "networks": results,
        "sweep": {"1080x1080": sweep(square), "300x250": sweep(rect)},
    }
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
