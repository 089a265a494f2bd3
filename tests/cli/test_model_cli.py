"""CLI: train/sample/finetune end to end on the tiny preset, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from adcraft.diffusion.checkpoint import load_unet
from helpers import run_cli


@pytest.fixture
def tiny_run(tiny_dataset, tmp_path, capsys):
    """A 4-step tiny training run made through the CLI."""
    out = tmp_path / "run"
    code, stdout, _ = run_cli(
        [
            "train",
            "--config",
            "configs/tiny.yaml",
            "--set",
            f"data_dir={tiny_dataset}",
            "--set",
            f"out_dir={out}",
            "--set",
            "steps=4",
            "--set",
            "sample_every=0",
        ],
        capsys,
    )
    assert code == 0 and "checkpoint:" in stdout
    return out / "checkpoint"


def test_train_then_sample_then_finetune(tiny_run, tiny_dataset, tmp_path, capsys):
    samples = tmp_path / "samples"
    code, stdout, stderr = run_cli(
        [
            "sample",
            "red dress",
            "股票市场今日大跌",
            "--model",
            str(tiny_run),
            "--out",
            str(samples),
            "--steps",
            "2",
            "--no-upscale",
        ],
        capsys,
    )
    assert code == 0
    assert (samples / "sample_00.png").is_file() and (samples / "sample_01.png").is_file()
    assert (samples / "grid.png").is_file() and "red dress\tnearest: dress / 连衣裙" in stdout
    report = json.loads((samples / "prompts.json").read_text(encoding="utf-8"))
    assert [r["familiar"] for r in report] == [True, False] and len(report[0]["nearest"]) == 3
    assert report[0]["colour"] == {"word": "red", "family": "red", "trained": None}  # colours not recorded
    assert report[1]["colour"] is None
    assert "'股票市场今日大跌' is far from every product the model knows" in stderr
    code, stdout, _ = run_cli(
        [
            "finetune",
            "--from",
            str(tiny_run),
            "--data",
            str(tiny_dataset),
            "--out",
            str(tmp_path / "ft"),
            "--steps",
            "2",
        ],
        capsys,
    )
    assert code == 0 and (tmp_path / "ft" / "checkpoint" / "model.safetensors").is_file()
    assert (tiny_run / "vocabulary.json").is_file()  # every training checkpoint carries its concept labels
    code, stdout, _ = run_cli(
        ["export", str(tiny_run), "--out", str(tmp_path / "shipped"), "--model-id", "t1"], capsys
    )
    assert code == 0 and "exported t1" in stdout
    assert (tmp_path / "shipped" / "vocabulary.json").read_text() == (
        tiny_run / "vocabulary.json"
    ).read_text()
    assert {v.dtype for v in load_file(str(tmp_path / "shipped" / "model.safetensors")).values()} == {
        torch.float16
    }
    shipped, config = load_unet(tmp_path / "shipped")
    ema, _ = load_unet(tiny_run, use_ema=True)
    assert config["model_id"] == "t1" and not (tmp_path / "shipped" / "ema.safetensors").exists()
    for k, v in ema.state_dict().items():
        torch.testing.assert_close(shipped.state_dict()[k], v, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize(
    "args, message",
    [
        (["sample", "x", "--model", "/nonexistent/ckpt"], "checkpoint '/nonexistent/ckpt' not found"),
        (["sample", "  ", "--model", "CKPT"], "text 0 is empty"),
        (["sample", "x", "--model", "CKPT", "--steps", "0"], "steps 0 must be between 1 and 200"),
        (["sample", "x", "--model", "CKPT", "--guidance", "99"], "guidance 99.0 must be between 0 and 20"),
        (["sample", "x", "--model", "CKPT", "--sampler", "euler"], "sampler 'euler' must be one of"),
        (["sample", "x", "--model", "CKPT", "--style", "oil"], "style 'oil' must be one of 3d, gradient"),
        (["sample", "x", "--model", "CKPT", "--style", "flat"], "style 'flat' must be one of 3d (the"),
        (["train", "--set", "stepz=3"], "unknown config key 'stepz'"),
        (["train", "--config", "/nonexistent.yaml"], "config file '/nonexistent.yaml' not found"),
        (["train", "--set", "preset=huge"], "preset 'huge' must be one of"),
    ],
)
def test_user_mistakes_are_one_line_errors_with_exit_code_2(args, message, tiny_run, capsys):
    args = [str(tiny_run) if a == "CKPT" else a for a in args]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_help_works_for_every_command_and_python_dash_m():
    for command in ([], ["sample"], ["train"], ["finetune"]):
        result = subprocess.run(
            [sys.executable, "-m", "adcraft", *command, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0 and "Usage" in result.stdout, result.stderr
