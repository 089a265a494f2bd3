"""Load test: start `adcraft serve` in a second process on loopback, drive it with N concurrent clients.

Prints throughput, p50/p95/p99 latency, status counts (incl. 429s) and the server's peak RSS.

    python bench/load.py --clients 4 --duration 30 --scenario generate --model tiny-random
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np

PRODUCTS = [
    {"title": "法式碎花连衣裙", "description": "红色雪纺，夏季新款", "price": "199", "original_price": "299"},
    {
        "title": "Cloud Runner sneakers",
        "price": "59.99",
        "currency": "USD",
        "selling_points": ["Breathable mesh"],
    },
    {"title": "陶瓷马克杯", "price": "39"},
    {"title": "Bamboo desk lamp", "price": "24.50", "currency": "USD"},
]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (VmHWM) of a live process, from /proc, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(args: argparse.Namespace, data_dir: str) -> tuple[subprocess.Popen, str]:
    """Run `adcraft serve` in a child process and wait until /healthz answers."""
    port = free_port()
    env = {**os.environ, "ADCRAFT_DEFAULT_PLACEMENTS": f'["{args.placement}"]'}
    cmd = [
        sys.executable,
        "-m",
        "adcraft",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        data_dir,
        "--model",
        args.model,
        "--workers",
        str(args.workers),
        "--queue-size",
        str(args.queue_size),
        "--steps",
        str(args.steps),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 180 s")


def client_loop(url: str, scenario: str, product_id: str | None, stop: float, out: list, seed: int) -> None:
    """One client: send requests back to back until `stop`; record (status, seconds)."""
    rng = np.random.default_rng(seed)
    with httpx.Client(base_url=url, timeout=600) as http:
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                if scenario == "generate":
                    product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
                    r = http.post("/v1/creatives", json={"product": product, "seed": int(rng.integers(1000))})
                else:
                    r = http.post("/v1/choose", json={"campaign_id": product_id, "segment": "s"})
                    if r.status_code == 200 and rng.random() < 0.05:  # a click on one choice in twenty
                        click = {"id": f"k{seed}-{len(out)}", "kind": "click",
                                 "impression_id": r.json()["impression_id"]}  # fmt: skip
                        http.post("/v1/events", json={"events": [click]})
                status = r.status_code
                if status == 429:  # a well-behaved client waits as told
                    time.sleep(min(float(r.headers.get("Retry-After", 1)), max(0.0, stop - time.monotonic())))
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            out.append((status, time.perf_counter() - start))


def main() -> None:
    """Run the load test and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    ap.add_argument("--scenario", choices=("generate", "choose"), default="generate")
    ap.add_argument("--model", default="default", help="'default', a checkpoint dir or 'tiny-random'")
    ap.add_argument("--workers", type=int, default=1, help="server generation threads")
    ap.add_argument("--queue-size", type=int, default=2, help="server queue before 429")
    ap.add_argument("--steps", type=int, default=20, help="sampler steps per visual")
    ap.add_argument("--placement", default="feed-square", help="one placement per creative request")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="adcraft-load-") as data_dir:
        proc, url = start_server(args, data_dir)
        try:
            product_id = None
            if args.scenario == "choose":  # one campaign with three variants to choose among
                variants = [
                    {"id": f"v{k}", "elements": {"palette": p}} for k, p in enumerate(("red", "blue", "teal"))
                ]
                campaign = {"id": "bench", "segments": ["s"], "variants": variants}
                httpx.post(url + "/v1/campaigns", json=campaign, timeout=60).raise_for_status()
                product_id = "bench"
            else:  # warm up: the model loads on the first generation
                httpx.post(
                    url + "/v1/creatives", json={"product": PRODUCTS[0]}, timeout=600
                ).raise_for_status()
            results: list = []
            stop = time.monotonic() + args.duration
            threads = [
                threading.Thread(target=client_loop, args=(url, args.scenario, product_id, stop, results, i))
                for i in range(args.clients)
            ]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - t0
            peak = peak_rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)

    statuses = Counter(s for s, _ in results)
    ok = np.array([d for s, d in results if s in (200, 201)])
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    print(
        f"scenario={args.scenario} model={args.model} clients={args.clients} duration={args.duration:.0f}s "
        f"workers={args.workers} queue={args.queue_size} steps={args.steps} placement={args.placement}"
    )
    print(f"requests: {len(results)} in {wall:.1f}s; ok {len(ok)} -> {len(ok) / wall:.2f} ok/s")
    print("status counts: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
    if len(ok):
        p50, p95, p99 = np.percentile(ok, [50, 95, 99])
        print(
            f"latency of ok requests: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms"
        )
    print(f"server peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
