"""The wheel, installed into an empty venv as a user would: `adcraft generate` runs, missing extras say so.

One build and one install for the module (about two minutes here: torch comes from a local wheel through
scripts/install-torch.sh, everything else from pip's cache). The venv has no access to the checkout, so a
runtime dependency missing from pyproject.toml, or a data file missing from the wheel, fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with torch (CPU) and the adcraft wheel built from this checkout; returns its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a clean copy: setuptools' build/ folder could hold files deleted since
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = work / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source], work
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("adcraft-*.whl")
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    torch = _run(["bash", ROOT / "scripts" / "install-torch.sh", bin_dir / "python"], work)
    assert torch.returncode == 0, torch.stderr
    install = _run([bin_dir / "python", "-m", "pip", "install", wheel], work)
    assert install.returncode == 0, install.stderr
    assert "ERROR:" not in install.stdout + install.stderr
    return bin_dir


def test_wheel_dependencies_are_complete_and_consistent(installed):
    check = _run([installed / "python", "-m", "pip", "check"], installed)
    assert check.returncode == 0, check.stdout
    listed = _run([installed / "python", "-m", "pip", "list", "--format=json"], installed)
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert "opencv-python-headless" in names
    assert "opencv-python" not in names  # the GUI build, which needs libGL and clashes with headless
    assert not names & {"fastapi", "uvicorn", "ray"}  # extras stay optional


def test_wheel_runs_adcraft_generate_with_the_shipped_model(installed, tmp_path):
    out = tmp_path / "creatives"
    product = ROOT / "examples" / "products" / "dress.yaml"
    args = ["generate", "--product", product, "--out", out, "--placements", "300x250,728x90", "--steps", "2"]
    proc = _run([installed / "adcraft", *args], tmp_path)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["visual"]["model"]["id"].startswith("adcraft-base")  # the model inside the wheel
    sizes = sorted("x".join(map(str, c["placement"]["size"])) for c in manifest["creatives"])
    assert sizes == ["300x250", "728x90"]
    for creative in manifest["creatives"]:  # OCR read-back ran and read the headline
        assert creative["qa"]["ocr"]["headline"]["score"] >= 0.8, creative["qa"]
    assert sorted(p.name.split("_")[-1] for p in out.glob("*.png")) == ["300x250.png", "728x90.png"]


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["serve", "--port", "8999"], "service"),
        (["batch", "catalog.csv", "--out", "out", "--engine", "ray"], "ray"),
    ],
)
def test_a_command_needing_a_missing_extra_names_it_in_one_line(installed, tmp_path, args, extra):
    (tmp_path / "catalog.csv").write_text("id,title,price\na,Teapot,20\n", encoding="utf-8")
    proc = _run([installed / "adcraft", *args], tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"pip install 'adcraft[{extra}]'" in proc.stderr.strip().splitlines()[-1]
