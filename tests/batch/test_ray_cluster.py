"""docs/batch.md's cluster recipe end to end on one machine: `ray start --head`, a second node joining it
with `ray start --address`, then `adcraft batch --engine ray --address` as a separate driver process.

Each node offers one CPU and two actors are asked for, so one actor runs on each node; the actors' logs
(under the output folder) name their node. Every process the two `ray start` commands started is
stopped afterwards, found through its parent (never `ray stop`, which would end every Ray on the machine).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .test_runner import check_outputs

pytestmark = pytest.mark.slow
pytest.importorskip("ray")
psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).with_name("ray")  # the CLI of the Ray this interpreter imports
NODE_MEMORY = 1024**3  # bytes of Ray memory resource per node; each actor asks for a quarter of it
WAIT_CLUSTER = """
import sys, time, ray
ray.init(address=sys.argv[1], log_to_driver=False)
deadline = time.monotonic() + 120
while sum(n["Alive"] for n in ray.nodes()) < 2 and time.monotonic() < deadline:
    time.sleep(1)
print(sum(n["Alive"] for n in ray.nodes()))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "w") as f:
        return subprocess.Popen(
            [str(RAY), "start", *args, "--disable-usage-stats", "--block"],
            stdout=f,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def _wait_started(proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while "Ray runtime started" not in log.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.5)


def _stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM every process these started (raylet, GCS, agents, actors), then SIGKILL what is left."""
    tree = []
    for proc in procs:
        try:
            parent = psutil.Process(proc.pid)
            tree += [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    for p in tree:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(tree, timeout=15)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=15)


@pytest.fixture
def cluster(tmp_path):
    """A two-node Ray cluster on this machine; yields (address, environment for its drivers)."""
    # a token of its own, so neither this cluster nor a driver reads ~/.ray/auth_token
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    temp = Path(tempfile.mkdtemp(prefix="adcraft-ray-"))  # short: Ray's socket paths must fit 107 bytes
    address = f"127.0.0.1:{_free_port()}"
    resources = ["--num-cpus=1", f"--memory={NODE_MEMORY}"]
    procs = []
    try:
        procs.append(
            _start(
                [
                    "--head",
                    f"--port={address.split(':')[1]}",
                    "--include-dashboard=false",
                    f"--temp-dir={temp}",
                ]
                + resources,
                tmp_path / "head.log",
                env,
            )
        )
        _wait_started(procs[0], tmp_path / "head.log")
        procs.append(_start([f"--address={address}", *resources], tmp_path / "node.log", env))
        _wait_started(procs[1], tmp_path / "node.log")
        nodes = subprocess.run(
            [sys.executable, "-c", WAIT_CLUSTER, address],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert nodes.stdout.strip().endswith("2"), nodes.stderr[-3000:]
        yield address, env
    finally:
        _stop(procs)
        shutil.rmtree(temp, ignore_errors=True)


def test_docs_cluster_recipe_runs_a_batch_on_both_nodes(cluster, tmp_path, write_catalog):
    address, env = cluster
    catalog = write_catalog(
        [
            {"id": "a", "title": "Teapot", "price": "20"},
            {"id": "b", "title": "蓝色杯子", "price": "9"},
            {"id": "c", "title": "Running shoes", "price": "59"},
        ]
    )
    out = tmp_path / "shared" / "out"  # on a real cluster: storage every node mounts at the same path
    args = ["batch", catalog, "--out", out, "--engine", "ray", "--address", address, "--workers", "2"]
    args += ["--worker-cpus", "1", "--worker-memory", "0.25", "--model", "tiny-random", "--steps", "2"]
    args += ["--placements", "300x250"]
    proc = subprocess.run(
        [sys.executable, "-m", "adcraft", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = "".join(proc.stderr.split())  # rich wraps long lines
    assert "3done," in said and f"workerlogs:{out / 'logs'}" in said
    check_outputs(out, 3)
    logs = sorted((out / "logs").glob("worker-*.log"))
    nodes = {re.search(r"node ([0-9a-f]+)", p.read_text()).group(1) for p in logs}
    assert len(logs) == 2 and len(nodes) == 2  # one actor on the head node, one on the joined node
