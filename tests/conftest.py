"""Shared fixtures: the real text encoder (loaded once) and a 4-image dataset in the dataset format."""

from __future__ import annotations

import os

import pytest

from helpers import FIXTURE_ITEMS, draw_item

os.environ.setdefault("OMP_NUM_THREADS", "2")


@pytest.fixture(scope="session")
def encoder():
    """The real multilingual-e5-small encoder (loads in a few seconds)."""
    from adcraft.text.encoder import load_encoder

    return load_encoder()


@pytest.fixture
def tiny_dataset(tmp_path):
    """A 4-image dataset folder in the adcraft format."""
    from adcraft.data.dataset import ImageRecord, write_dataset

    root = tmp_path / "tiny-data"
    (root / "images").mkdir(parents=True)
    records = []
    for stem, shape, colour, captions in FIXTURE_ITEMS:
        draw_item(shape, colour).save(root / "images" / f"{stem}.png")
        records.append(ImageRecord(file=f"images/{stem}.png", captions=captions, concept=stem))
    write_dataset(root, records, sources=[{"name": "test fixture", "licence": "CC0"}])
    return root
