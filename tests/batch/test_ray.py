"""The Ray engine, run the way a user runs it: `adcraft batch --engine ray` in its own process.

Ray's native threads stay in that child process, so they cannot take the test process down when it
exits (Ray's core worker is not safe to tear down alongside other native libraries at interpreter exit).
"""

import json
import subprocess
import sys

import pytest

from .test_runner import check_outputs

pytest.importorskip("ray")


def _batch(catalog, out, *extra):
    cmd = [sys.executable, "-m", "adcraft", "batch", str(catalog), "--out", str(out), "--engine", "ray",
           "--model", "tiny-random", "--steps", "2", "--placements", "300x250", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)


def test_ray_engine_runs_the_same_job_on_local_ray(tmp_path, write_catalog):
    catalog = write_catalog([{"id": "a", "title": "Teapot", "price": "20"},
                             {"id": "b", "title": "", "price": "1"},
                             {"id": "c", "title": "蓝色杯子", "price": "9"}])
    out = tmp_path / "out"
    first = _batch(catalog, out, "--workers", "2")
    assert first.returncode == 1, first.stderr  # one bad row fails the batch's exit code, not the batch
    check_outputs(out, 2)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (report["total"], report["done"], report["failed"]) == (3, 2, 1)
    assert [e["number"] for e in report["errors"]] == [2]
    again = _batch(catalog, out)  # nothing left to do: Ray is not even started
    assert again.returncode == 1, again.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (report["done"], report["skipped"], report["failed"]) == (0, 2, 1)
