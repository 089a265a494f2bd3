"""configs/ as a recipe: `extends:` chains, and every stage starting from an earlier stage's run."""

from pathlib import Path

import pytest

from adcraft.errors import ConfigError
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
