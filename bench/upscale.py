"""Benchmark upscaling 64 -> 256 px: time, sharpness and fidelity against the dataset's real 256 px images.

Each real 256 px RGBA image is downscaled to 64 px (Lanczos), upscaled back by every method, and compared
with the original. Run: `OMP_NUM_THREADS=1 .venv/bin/python bench/upscale.py --data data/products --n 48`.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from adcraft.data.dataset import read_dataset
from adcraft.upscale import upscale

VARIANTS = [  # (label, method, alpha method)
    ("Real-ESRGAN x4plus, alpha Lanczos", "x4plus", "lanczos"),
    ("Real-ESRGAN x4plus, alpha through net", "x4plus", "net"),
    ("Real-ESRGAN animevideov3, alpha Lanczos", "animevideov3", "lanczos"),
    ("Real-ESRGAN animevideov3, alpha through net", "animevideov3", "net"),
    ("Lanczos", "lanczos", "lanczos"),
    ("Bicubic", "bicubic", "lanczos"),
]


def premultiplied(img: Image.Image) -> np.ndarray:
    """(H, W, 4) float32 in [0, 1], colour multiplied by alpha."""
    a = np.asarray(img.convert("RGBA"), np.float32) / 255.0
    a[..., :3] *= a[..., 3:4]
    return a


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for arrays in [0, 1]."""
    mse = float(((a - b) ** 2).mean())
    return 10 * np.log10(1.0 / max(mse, 1e-12))


def sharpness(img: Image.Image) -> float:
    """Variance of the Laplacian of the alpha-weighted luminance (higher is sharper)."""
    p = premultiplied(img)
    lum = (p[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)) * 255.0
    return float(cv2.Laplacian(lum, cv2.CV_32F).var())


def edge_error(out: Image.Image, ref: Image.Image) -> float:
    """Mean absolute colour error (0-255) over the reference's edge band, on white: halos show here."""
    r, o = premultiplied(ref), premultiplied(out)
    band = (r[..., 3] > 0.02) & (r[..., 3] < 0.98)
    band = cv2.dilate(band.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)

    def on_white(p):
        return p[..., :3] + (1.0 - p[..., 3:4])

    return float(np.abs(on_white(o) - on_white(r))[band].mean() * 255.0) if band.any() else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/products"))
    parser.add_argument(
        "--images",
        type=Path,
        default=None,
        help="instead of --data: a folder of RGBA source images (.png/.webp), e.g. the Fluent 3D assets",
    )
    parser.add_argument(
        "--n", type=int, default=48, help="images (original colours only, spread over concepts)"
    )
    args = parser.parse_args()
    if args.images is not None:
        files = sorted(p for p in args.images.iterdir() if p.suffix in {".png", ".webp"})
    else:
        files = [args.data / r.file for r in read_dataset(args.data) if not r.color]
    step = max(1, len(files) // args.n)
    refs = []
    for file in files[::step][: args.n]:
        with Image.open(file) as img:
            refs.append(img.convert("RGBA").resize((256, 256), Image.Resampling.LANCZOS))
    smalls = [r.resize((64, 64), Image.Resampling.LANCZOS) for r in refs]
    for _, method, alpha in VARIANTS[:4]:  # load each net once before timing
        upscale(smalls[0], 4, method, alpha)
    source = args.images or args.data
    print(
        f"# upscale 64 -> 256 px, {len(refs)} images from {source}; "
        f"{platform.processor() or platform.machine()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, ncnn 1 thread"
    )
    print(f"reference (original 256 px) sharpness: {np.mean([sharpness(r) for r in refs]):.0f}\n")
    print(
        "| method | ms / image | sharpness (var. of Laplacian) | PSNR RGBA (dB) | alpha PSNR (dB) "
        "| edge error on white (0-255) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, method, alpha in VARIANTS:
        t0 = time.perf_counter()
        outs = [upscale(s, 4, method, alpha) for s in smalls]
        ms = (time.perf_counter() - t0) / len(smalls) * 1000
        p = [psnr(premultiplied(o), premultiplied(r)) for o, r in zip(outs, refs, strict=True)]
        pa = [
            psnr(premultiplied(o)[..., 3], premultiplied(r)[..., 3]) for o, r in zip(outs, refs, strict=True)
        ]
        print(
            f"| {label} | {ms:.0f} | {np.mean([sharpness(o) for o in outs]):.0f} | {np.mean(p):.2f} "
            f"| {np.mean(pa):.2f} "
            f"| {np.mean([edge_error(o, r) for o, r in zip(outs, refs, strict=True)]):.2f} |"
        )


if __name__ == "__main__":
    main()
