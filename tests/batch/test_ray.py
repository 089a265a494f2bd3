"""The Ray engine, run in a child process.

Ray's native threads stay in that child process, so they cannot take the test process down when it
exits (Ray's core worker is not safe to tear down alongside other native libraries at interpreter exit).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adcraft.batch.ray_engine import GiB, RayOptions, actors_fitting, death_reason
from adcraft.errors import ConfigError

from .test_runner import check_outputs

CHILD = """
import json, os, sys
from adcraft.batch.ray_engine import RayOptions, RowWorker
from adcraft.batch.runner import run_batch
from tests.batch.test_runner import SETTINGS

class CrashingWorker(RowWorker):
    '''Dies as a native crash or the OOM killer would: always on "crash", on the first try on "crash once".'''

    def run(self, row):
        marker = self.out_dir.parent / ("crashed-" + row.id)  # beside the output folder
        title = (row.product or {}).get("title")
        if title == "crash" or (title == "crash once" and not marker.exists()):
            marker.touch()
            print("crashing on row", row.number, flush=True)  # stdout goes to the actor's log too
            os._exit(3)
        return super().run(row)

actor_class = CrashingWorker if sys.argv[3] == "crashing" else None
options = RayOptions(workers=2, memory_per_worker=256 * 2**20, actor_class=actor_class)
s = run_batch(sys.argv[1], sys.argv[2], SETTINGS, engine="ray", ray_options=options)
print(json.dumps({"done": s.done, "failed": s.failed, "skipped": s.skipped,
                  "rows": [[r.number, r.status, r.error] for r in s.rows]}))
"""


def _run_batch_on_ray(catalog, out, worker="plain") -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(catalog), str(out), worker],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_ray_engine_runs_the_same_job_on_local_ray(tmp_path, write_catalog):
    pytest.importorskip("ray")
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
    assert [r[0] for r in summary["rows"]] == [1, 2, 3]
    check_outputs(out, 2)
    assert json.loads((out / "report.json").read_text())["errors"][0]["number"] == 2
    logs = sorted((out / "logs").glob("worker-*.log"))  # each actor's log, under the output folder
    assert len(logs) == 2
    assert "row 1 (a) done" in "".join(p.read_text() for p in logs)
    again = _run_batch_on_ray(catalog, out)  # nothing left: Ray is not even started
    assert (again["done"], again["skipped"]) == (0, 2)


@pytest.mark.slow
def test_a_dead_actors_row_is_retried_once_on_another_then_reported_and_the_run_goes_on(
    tmp_path, write_catalog
):
    pytest.importorskip("ray")
    catalog = write_catalog(
        [
            {"id": "a", "title": "Teapot", "price": "20"},
            {"id": "b", "title": "crash", "price": "1"},
            {"id": "c", "title": "crash once", "price": "2"},
            {"id": "d", "title": "蓝色杯子", "price": "9"},
        ]
    )
    out = tmp_path / "out"
    summary = _run_batch_on_ray(catalog, out, "crashing")
    status = {number: (state, error) for number, state, error in summary["rows"]}
    assert [status[n][0] for n in (1, 2, 3, 4)] == ["done", "failed", "done", "done"]
    assert status[2][1].startswith("tried 2 times; Ray worker ")
    assert "died (its process exited" in status[2][1] and "see logs/worker-" in status[2][1]
    check_outputs(out, 3)
    report = json.loads((out / "report.json").read_text())
    assert [e["number"] for e in report["errors"]] == [2]
    logs = {p.name: p.read_text() for p in (out / "logs").glob("worker-*.log")}
    assert len(logs) >= 4  # two actors, plus one started for each that died while rows were left
    tried_b = [name for name, text in logs.items() if "crashing on row 2" in text]
    assert len(tried_b) == 2  # twice, each time on another actor


def test_actors_fitting_counts_cpus_and_memory_per_node():
    options = RayOptions(cpus_per_worker=2, memory_per_worker=3 * GiB)
    assert actors_fitting({"CPU": 8, "memory": 20 * GiB}, options) == 4  # CPU-bound
    assert actors_fitting({"CPU": 8, "memory": 7 * GiB}, options) == 2  # memory-bound
    assert actors_fitting({"CPU": 1, "memory": 20 * GiB}, options) == 0
    assert actors_fitting({"CPU": 3}, RayOptions(cpus_per_worker=0.5, memory_per_worker=0)) == 6


@pytest.mark.parametrize(
    "kwargs",
    [{"workers": 0}, {"cpus_per_worker": 0}, {"memory_per_worker": -1}],
)
def test_ray_options_refuse_impossible_sizes(kwargs):
    with pytest.raises(ConfigError):
        RayOptions(**kwargs)


def test_death_reason_is_one_line_naming_the_cause():
    started = (
        "The actor died because of an error raised in its creation task, ray::RowWorker.__init__()\n"
        '  File "x.py", line 3, in __init__\n    import rapidocr\n'
        "ModuleNotFoundError: No module named 'rapidocr'"
    )
    assert (
        death_reason(RuntimeError(started))
        == "failed to start: ModuleNotFoundError: No module named 'rapidocr'"
    )
    killed = (
        "The actor died unexpectedly before finishing this task.\n\tpid: 7\nThe actor is dead because its "
        "worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly "
        "exits with a connection error code 2. End of file. Some common causes include: (1) OOM"
    )
    assert death_reason(RuntimeError(killed)) == (
        "its process exited: Worker unexpectedly exits with a connection error code 2"
    )
