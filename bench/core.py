"""Benchmark the text-to-image core on this machine: FLOPs, training and sampling speed vs matmul peak.

Run: .venv/bin/python bench/core.py [--preset base] [--repeats 3] [--compile]
Prints one table; copy it into docs/benchmarks.md with the date and machine it prints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import platform
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from adcraft.diffusion.schedule import ScheduleConfig
from adcraft.diffusion.unet import UNET_PRESETS, ConditionalUNet
from adcraft.training.objective import DiffusionObjective


def matmul_peak(dtype: torch.dtype, n: int = 2048, repeats: int = 5) -> float:
    """Best GFLOP/s of an n×n matmul in `dtype`."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2 * n**3 / (time.perf_counter() - t0) / 1e9)
    return best


def forward_gflops(model: ConditionalUNet) -> float:
    """GFLOPs of one forward pass on one image (flop_counter counts a multiply-add as 2)."""
    size = model.config.sample_size
    with FlopCounterMode(display=False) as counter:
        model(torch.randn(1, 4, size, size), torch.tensor([500]), torch.randn(1, model.config.cond_dim))
    return counter.get_total_flops() / 1e9


def training_rate(
    model: ConditionalUNet, batch: int, repeats: int, bf16: bool, channels_last: bool, compiled: bool = False
) -> float:
    """Training images per second (forward, backward, AdamW step); `compiled` runs the model through
    torch.compile (inductor), whose compilation the untimed first step absorbs."""
    model = model.to(memory_format=torch.channels_last) if channels_last else model
    model = torch.compile(model) if compiled else model
    objective = DiffusionObjective(ScheduleConfig())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    size = model.config.sample_size
    x0, z = torch.randn(batch, 4, size, size), torch.randn(batch, model.config.cond_dim)
    if channels_last:
        x0 = x0.contiguous(memory_format=torch.channels_last)
    g = torch.Generator().manual_seed(0)
    times = []
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext():
            loss = objective(model, x0, z, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i:  # the first step warms up allocators and kernels
            times.append(time.perf_counter() - t0)
    return batch / min(times)


def sampling_rate(model: ConditionalUNet, batch: int, steps: int) -> float:
    """Sampling images per second: `steps` DPM-Solver++ steps with guidance (2 forwards per step)."""
    from adcraft.diffusion.pipeline import TextToImagePipeline

    class RandomEncoder:
        name, version, dim = "random", "0", model.config.cond_dim

        def encode(self, texts):
            return torch.nn.functional.normalize(torch.randn(len(texts), self.dim), dim=1).numpy()

    pipe = TextToImagePipeline(model.eval(), RandomEncoder(), ScheduleConfig())
    prompts = [f"product {i}" for i in range(batch)]
    pipe(prompts[:2], num_steps=2)
    t0 = time.perf_counter()
    pipe(prompts, num_steps=steps, guidance_scale=3.0, batch_size=batch)
    return batch / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="base", choices=sorted(UNET_PRESETS))
    parser.add_argument("--batch", type=int, default=32, help="training batch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--compile", action="store_true", help="also time torch.compile (compiles for minutes)"
    )
    args = parser.parse_args()
    torch.manual_seed(0)
    model = ConditionalUNet(UNET_PRESETS[args.preset])
    gflops = forward_gflops(model)
    peak32, peak16 = matmul_peak(torch.float32), matmul_peak(torch.bfloat16)
    params = sum(p.numel() for p in model.parameters()) / 1e6
    print(
        f"# adcraft core benchmark — {datetime.date.today()} — {platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} threads, torch {torch.__version__}"
    )
    print(f"preset {args.preset}: {params:.1f} M parameters, {gflops:.2f} GFLOPs per forward (1 image)")
    print(f"matmul peak: fp32 {peak32:.0f} GFLOP/s, bf16 {peak16:.0f} GFLOP/s")
    print("| measure | images/s | GFLOP/s | fraction of fp32 matmul peak |")
    print("|---|---|---|---|")
    variants = [
        (False, False, False),
        (True, False, False),
        (False, True, False),
    ]  # (bf16, channels_last, compiled)
    if args.compile:
        variants.append((False, False, True))
    for bf16, cl, compiled in variants:
        rate = training_rate(
            ConditionalUNet(UNET_PRESETS[args.preset]), args.batch, args.repeats, bf16, cl, compiled
        )
        achieved = rate * 3 * gflops  # backward ≈ 2× forward
        label = (
            f"training, batch {args.batch}, {'bf16 autocast' if bf16 else 'fp32'}"
            f"{', channels_last' if cl else ''}"
            f"{', torch.compile' if compiled else ''}"
        )
        print(f"| {label} | {rate:.1f} | {achieved:.0f} | {achieved / peak32:.0%} |")
    rate = sampling_rate(model, 16, 20)
    achieved = rate * 20 * 2 * gflops
    print(
        f"| sampling, 20 steps, guidance on, batch 16 | {rate:.2f} | {achieved:.0f} "
        f"| {achieved / peak32:.0%} |"
    )


if __name__ == "__main__":
    main()
