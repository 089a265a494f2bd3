import json

import pytest

from adcraft.batch.runner import run_batch

from .test_runner import SETTINGS, check_outputs

pytest.importorskip("ray")


def test_ray_engine_runs_the_same_job_on_local_ray(tmp_path, write_catalog):
    catalog = write_catalog([{"id": "a", "title": "Teapot", "price": "20"},
                             {"id": "b", "title": "", "price": "1"},
                             {"id": "c", "title": "蓝色杯子", "price": "9"}])
    out = tmp_path / "out"
    summary = run_batch(catalog, out, SETTINGS, engine="ray", workers=2)
    assert (summary.done, summary.failed) == (2, 1)
    assert [r.number for r in summary.rows] == [1, 2, 3]
    check_outputs(out, 2)
    assert json.loads((out / "report.json").read_text())["errors"][0]["number"] == 2
    again = run_batch(catalog, out, SETTINGS, engine="ray")  # nothing left: Ray is not even started
    assert (again.done, again.skipped) == (0, 2)
