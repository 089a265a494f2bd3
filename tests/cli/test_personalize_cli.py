"""CLI: adcraft simulate / ope / events import on small inputs."""

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from helpers import run_cli


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to 80 columns when not on a terminal


def test_simulate_prints_every_policy_and_writes_the_curve(tmp_path, capsys):
    code, out, err = run_cli(
        ["simulate", "--impressions", "2000", "--seeds", "2", "--batch-size", "500", "--out", str(tmp_path)],
        capsys,
    )
    assert code == 0, err
    for policy in ("random", "best_fixed", "segment_thompson", "contextual"):
        assert policy in out
    image = Image.open(tmp_path / "regret_curve.png")
    assert image.size == (720, 420)
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 5  # coloured lines, not a blank canvas


def test_simulate_rejects_bad_sizes(tmp_path, capsys):
    code, _, err = run_cli(
        ["simulate", "--impressions", "10", "--batch-size", "100", "--out", str(tmp_path)], capsys
    )
    assert code == 2 and err.startswith("error:") and "impressions=10" in err


def _log(path, n=2000):
    rng = np.random.default_rng(0)
    segs = rng.choice(["a", "b"], n)
    arms = rng.integers(0, 3, n)
    ctr = np.where((segs == "a") == (arms == 0), 0.3, 0.05)
    pd.DataFrame(
        {
            "creative_id": [f"cr{k}" for k in arms],
            "segment": segs,
            "clicked": (rng.random(n) < ctr) * 1,
            "propensity": 1 / 3,
            "el_palette": [("red", "blue", "teal")[k] for k in arms],
        }
    ).to_csv(path, index=False)


def test_ope_on_an_event_log(tmp_path, capsys):
    _log(tmp_path / "log.csv")
    code, out, err = run_cli(["ope", str(tmp_path / "log.csv")], capsys)
    assert code == 0, err
    for word in ("logging", "IPS", "SNIPS", "DR", "1000 rows"):
        assert word in out


def test_ope_needs_exactly_one_source(tmp_path, capsys):
    code, _, err = run_cli(["ope"], capsys)
    assert code == 2 and "either a LOG file or --obp-sample" in err
    code, _, err = run_cli(["ope", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "does not exist" in err


def test_events_import_reports_rows_and_updates_state(tmp_path, capsys):
    pd.DataFrame(
        {"creative_id": ["a", "b", "a"], "segment": ["s", "s", "s"], "clicked": ["1", "x", "0"]}
    ).to_csv(tmp_path / "ev.csv", index=False)
    code, out, err = run_cli(
        ["events", "import", str(tmp_path / "ev.csv"), "--state", str(tmp_path / "st.json")], capsys
    )
    assert code == 0, err
    assert "kept 2 of 3 rows (1 clicks), rejected 1" in out and "row 2: field 'clicked'" in err
    assert json.loads((tmp_path / "st.json").read_text())["counts"] == {"s": {"a": [2, 1]}}


@pytest.mark.parametrize("args", [["events", "import", "missing.csv"]])
def test_events_import_missing_file(args, capsys):
    code, _, err = run_cli(args, capsys)
    assert code == 2 and "does not exist" in err
