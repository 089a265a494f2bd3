"""configs/ as a recipe: `extends:` chains, and every stage starting from an earlier stage's run."""

import json
from pathlib import Path

import pytest

from adcraft.diffusion.checkpoint import MODELS_DIR, resolve_checkpoint
from adcraft.errors import CheckpointError, ConfigError
from adcraft.training.config import load_train_config

STAGES = sorted((Path(__file__).resolve().parents[2] / "configs" / "stages").glob("*.yaml"))


def test_a_child_inherits_its_parent_and_overrides_it(tmp_path):
    (tmp_path / "parent.yaml").write_text("preset: tiny\nsteps: 50\nlr: 0.001\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nsteps: 70\nunet:\n  cond_standardize: true\n")
    cfg = load_train_config(tmp_path / "child.yaml", ["lr=0.002"])
    assert (cfg.preset, cfg.steps, cfg.lr, cfg.unet.cond_standardize) == ("tiny", 70, 0.002, True)


def test_an_extends_loop_or_missing_parent_is_one_clear_error(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ConfigError, match="extend each other in a loop"):
        load_train_config(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n")
    with pytest.raises(ConfigError, match="nowhere.yaml' not found"):
        load_train_config(tmp_path / "c.yaml")


def test_every_stage_starts_from_an_earlier_stage_never_the_shipped_folder():
    assert len(STAGES) == 10
    outputs: set[str] = set()
    for path in STAGES:
        cfg = load_train_config(path)
        assert "src/adcraft/models" not in cfg.init_from, path.name
        if outputs:  # stage 1 starts from random weights
            assert cfg.init_from in outputs, (path.name, cfg.init_from)
        outputs |= {f"{cfg.out_dir}/checkpoint", f"{cfg.out_dir}/export"}


def test_no_config_starts_from_the_shipped_folder_and_a_model_id_names_one_shipped_model():
    configs = Path(__file__).resolve().parents[2] / "configs"
    for path in sorted(configs.rglob("*.yaml")):
        assert "src/adcraft/models" not in load_train_config(path).init_from, path.name
    shipped = MODELS_DIR / "default"
    model_id = json.loads((shipped / "config.json").read_text(encoding="utf-8"))["model_id"]
    assert resolve_checkpoint(model_id) == shipped
    with pytest.raises(CheckpointError, match="shipped model id"):
        resolve_checkpoint("adcraft-base-v0")
