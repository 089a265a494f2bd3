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


def test_simulate_prints_every_policy_with_intervals_and_writes_curves(tmp_path, capsys):
    code, out, err = run_cli(
        [
            "simulate",
            "--impressions",
            "2000",
            "--seeds",
            "2",
            "--batch-size",
            "500",
            "--world",
            "one_best",
            "--out",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 0, err
    for word in (
        "random",
        "best_fixed",
        "segment_thompson",
        "contextual",
        "world one_best",
        "lift vs per-segment",
    ):
        assert word in out
    image = Image.open(tmp_path / "regret_one_best.png")
    assert image.size == (720, 420)
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 5  # coloured lines, not a blank canvas
    rows = pd.read_csv(tmp_path / "results.csv")
    assert list(rows["policy"]) == ["random", "best_fixed", "segment_thompson", "contextual"]
    assert (rows["ctr_low"] <= rows["ctr_mean"]).all() and (rows["ctr_mean"] <= rows["ctr_high"]).all()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--impressions", "10", "--batch-size", "100"], "impressions=10"),
        (["--world", "flat"], "--world 'flat'"),
        (["--seeds", "1"], "--seeds 1"),
    ],
)
def test_simulate_rejects_bad_options(tmp_path, capsys, args, needle):
    code, _, err = run_cli(["simulate", *args, "--out", str(tmp_path)], capsys)
    assert code == 2 and err.startswith("error:") and needle in err


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
    for word in ("logged", "IPS", "SNIPS", "DR", "SwitchDR", "1000 rows", "effective sample size"):
        assert word in out


def test_ope_needs_exactly_one_source(tmp_path, capsys):
    code, _, err = run_cli(["ope"], capsys)
    assert code == 2 and "give one source" in err
    code, _, err = run_cli(["ope", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "does not exist" in err
    code, _, err = run_cli(["ope", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "--campaign" in err


CAMPAIGN = """
id: c1
segments: [a, b]
variants:
  - {id: red, elements: {palette: red}}
  - {id: blue, elements: {palette: blue}}
settings: {attribution_window_s: 10}
"""


def test_campaign_cli_and_idempotent_event_import(tmp_path, capsys):
    (tmp_path / "c.yaml").write_text(CAMPAIGN)
    data = ["--data-dir", str(tmp_path / "d")]
    code, out, err = run_cli(["campaign", "create", str(tmp_path / "c.yaml"), *data], capsys)
    assert code == 0 and "created campaign c1 with 2 variants" in out, err
    code, out, err = run_cli(
        ["campaign", "choose", "c1", "--segment", "a", "--context", "device=mobile", *data], capsys
    )
    assert code == 0 and json.loads(out)["propensity"] > 0, err
    rows = pd.DataFrame(
        {
            "impression_id": [f"i{k}" for k in range(6)] + ["i0"],
            "campaign_id": "c1",
            "variant_id": ["red", "blue", "red", "blue", "red", "green", "red"],
            "segment": ["a", "a", "b", "b", "A", "a", "a"],
            "clicked": [1, 0, 0, 1, 0, 0, 1],
            "propensity": 0.5,
            "timestamp": [f"2026-01-01T00:00:{k:02d}Z" for k in range(7)],
        }
    )
    rows.to_csv(tmp_path / "log.csv", index=False)
    code, out, err = run_cli(["events", "import", str(tmp_path / "log.csv"), *data], capsys)
    assert code == 0, err
    assert 'stored 4 impressions; feedback {"attributed": 2}' in out
    assert '"unknown_segment": 1' in out and '"unknown_variant": 1' in out and '"duplicate_id": 2' in out
    code, out, err = run_cli(["events", "import", str(tmp_path / "log.csv"), *data], capsys)
    assert (
        "stored 0 impressions; feedback {}" in out and '"duplicate_id": 8' in out
    )  # 5 impression rows + 3 clicks
    code, out, err = run_cli(["events", "export", "c1", str(tmp_path / "out.csv"), *data], capsys)
    assert code == 0 and "wrote 5 impressions" in out
    exported = pd.read_csv(tmp_path / "out.csv")
    assert exported["clicked"].sum() == 2 and "el_palette" in exported.columns
    code, out, err = run_cli(["campaign", "report", "c1", "--csv", str(tmp_path / "r.csv"), *data], capsys)
    assert code == 0 and "P(best)" in out, err
    assert pd.read_csv(tmp_path / "r.csv").shape[0] == 4  # two segments x two variants
    code, _, err = run_cli(["campaign", "choose", "c1", "--segment", "A", *data], capsys)
    assert code == 2 and "'A' is not one of campaign 'c1'" in err


def test_events_import_missing_file_or_columns(tmp_path, capsys):
    code, _, err = run_cli(["events", "import", "missing.csv", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "does not exist" in err
    pd.DataFrame({"creative_id": ["a"], "segment": ["s"], "clicked": [1]}).to_csv(
        tmp_path / "old.csv", index=False
    )
    code, _, err = run_cli(
        ["events", "import", str(tmp_path / "old.csv"), "--data-dir", str(tmp_path)], capsys
    )
    assert code == 2 and "missing column(s) impression_id, campaign_id, variant_id" in err
