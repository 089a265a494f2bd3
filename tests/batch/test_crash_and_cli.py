import json
import os
import signal
import subprocess
import sys
import time

from typer.testing import CliRunner

from adcraft.batch.runner import PRODUCTS_DIR, REPORT_FILE, run_batch
from adcraft.cli import _register_commands, app

from .test_runner import SETTINGS, check_outputs

ROWS = [{"id": f"p{i:02d}", "title": f"Product number {i}", "price": str(10 + i)} for i in range(12)]


def test_killed_batch_reruns_to_complete_intact_outputs_without_duplicates(
    tmp_path, write_catalog, tiny_pipeline
):
    catalog = write_catalog(ROWS)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "adcraft",
        "batch",
        str(catalog),
        "--out",
        str(out),
        "--model",
        "tiny-random",
        "--steps",
        "2",
        "--placements",
        "300x250",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        products = out / PRODUCTS_DIR
        if products.is_dir() and len(list(products.iterdir())) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / REPORT_FILE).exists()  # killed mid-run
    finished_before = {p.name for p in (out / PRODUCTS_DIR).iterdir()}
    assert 2 <= len(finished_before) < len(ROWS)
    summary = run_batch(catalog, out, SETTINGS, pipeline=tiny_pipeline)
    assert summary.failed == 0 and summary.skipped == len(finished_before)
    assert summary.done + summary.skipped == len(ROWS)
    folders = check_outputs(out, len(ROWS))
    assert sorted(f.name.split("-")[0] for f in folders) == [r["id"] for r in ROWS]  # each product once


def test_cli_batch_summary_errors_and_exit_code(tmp_path, write_catalog):
    _register_commands()
    catalog = write_catalog(
        [{"id": "ok", "title": "Mug", "price": "3"}, {"id": "bad", "title": "", "price": "1"}]
    )
    out = tmp_path / "out"
    args = [
        "batch",
        str(catalog),
        "--out",
        str(out),
        "--model",
        "tiny-random",
        "--steps",
        "1",
        "--placements",
        "300x250",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "1 done, 0 skipped (finished earlier), 1 failed of 2" in result.output
    assert "row 2 (bad)" in result.output
    assert json.loads((out / REPORT_FILE).read_text())["failed"] == 1
    bad = CliRunner().invoke(app, ["batch", str(catalog), "--out", str(out), "--engine", "spark"])
    assert bad.exit_code != 0 and "spark" in str(bad.exception)
