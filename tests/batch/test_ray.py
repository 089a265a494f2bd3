"""The Ray engine, run in a child process.

Ray's native threads stay in that child process, so they cannot take the test process down when it
exits (Ray's core worker is not safe to tear down alongside other native libraries at interpreter exit).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .test_runner import check_outputs

pytest.importorskip("ray")

CHILD = """
import json, sys
from adcraft.batch.runner import run_batch
from tests.batch.test_runner import SETTINGS
s = run_batch(sys.argv[1], sys.argv[2], SETTINGS, engine="ray", workers=2)
print(json.dumps({"done": s.done, "failed": s.failed, "skipped": s.skipped, "numbers": [r.number for r in s.rows]}))
"""


def _run_batch_on_ray(catalog, out) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(catalog), str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_ray_engine_runs_the_same_job_on_local_ray(tmp_path, write_catalog):
    catalog = write_catalog(
        [
            {"id": "a", "title": "Teapot", "price": "20"},
            {"id": "b", "title": "", "price": "1"},
            {"id": "c", "title": "蓝色杯子", "price": "9"},
        ]
    )
    out = tmp_path / "out"
    summary = _run_batch_on_ray(catalog, out)
    assert (summary["done"], summary["failed"]) == (2, 1)
    assert summary["numbers"] == [1, 2, 3]
    check_outputs(out, 2)
    assert json.loads((out / "report.json").read_text())["errors"][0]["number"] == 2
    again = _run_batch_on_ray(catalog, out)  # nothing left: Ray is not even started
    assert (again["done"], again["skipped"]) == (0, 2)
