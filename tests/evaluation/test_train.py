import math

import numpy as np
import pytest
import torch

from adcraft.data.dataset import read_dataset
from adcraft.errors import CheckpointError, ConfigError
from adcraft.evaluation.classifier import load_evaluator
from adcraft.evaluation.train import (
    EvaluatorTrainConfig,
    augment,
    concept_table,
    hue_rotation,
    split_holdout,
)


@pytest.fixture
def trained(trained_evaluator):
    return trained_evaluator


def test_concept_table_marks_recolourable_concepts(shapes_dataset):
    table = concept_table(read_dataset(shapes_dataset))
    assert [c["id"] for c in table] == ["c1", "c2", "c3", "c4"]
    assert [c["recolorable"] for c in table] == [True, True, True, False]
    assert sorted(table[0]["colors"]) == ["blue", "green", "red"]


def test_holdout_keeps_originals_and_one_image_per_concept(shapes_dataset):
    records = read_dataset(shapes_dataset)
    train, held = split_holdout(records, per_concept=1, seed=0)
    assert len(held) == 3 and not set(train) & set(held)
    assert all(records[i].color for i in held)
    assert {records[i].concept for i in train} == {"c1", "c2", "c3", "c4"}
    assert split_holdout(records, 1, seed=0) == (train, held)  # deterministic


def test_hue_rotation_by_zero_is_identity_and_keeps_grey():
    m = hue_rotation(torch.tensor([0.0, 2.0]))
    assert torch.allclose(m[0], torch.eye(3), atol=1e-3)
    grey = torch.tensor([0.5, 0.5, 0.5])
    assert torch.allclose(m[1] @ grey, grey, atol=1e-2)


def test_augment_keeps_premultiplied_range_and_transparent_border():
    x = torch.full((4, 4, 16, 16), -1.0)
    x[:, :, 4:12, 4:12] = 1.0
    out = augment(
        x, torch.tensor([True, False, True, False]), EvaluatorTrainConfig(), torch.Generator().manual_seed(0)
    )
    assert out.shape == x.shape and out.min() >= -1 and out.max() <= 1
    assert torch.all(out[:, :3] <= out[:, 3:4] + 1e-6)  # colour never exceeds alpha
    assert torch.allclose(out[1, :3, 8, 8], torch.ones(3), atol=0.05)  # white stays white without hue jitter


def test_training_learns_the_shapes_and_reports_heldout_accuracy(trained):
    _, report, _ = trained
    assert report.heldout_images == 3 and report.concepts == 4
    assert report.train_top1 >= 0.9
    assert report.top1 >= 2 / 3  # held-out recolourings of shapes it knows
    assert report.top5 == 1.0  # only 4 classes
    assert not math.isnan(report.seconds)


def test_saved_evaluator_reloads_identically(trained, draw_shape):
    evaluator, _, out = trained
    images = [draw_shape("c1", (200, 40, 40)), draw_shape("c4")]
    again = load_evaluator(out)
    assert again.concept_ids == evaluator.concept_ids
    assert np.allclose(again.predict_proba(images), evaluator.predict_proba(images), atol=1e-5)
    assert again.features(images).shape == (2, again.model.config.feature_dim)
    assert again.info["report"]["heldout_images"] == 3


def test_load_evaluator_refuses_missing_directory(tmp_path):
    with pytest.raises(CheckpointError):
        load_evaluator(tmp_path)


def test_train_config_refuses_nonsense():
    with pytest.raises(ConfigError):
        EvaluatorTrainConfig(epochs=0)
