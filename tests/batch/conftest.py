"""Shared fixtures: one tiny random pipeline per session and a small catalog writer."""

import csv

import pytest


@pytest.fixture(scope="session")
def tiny_pipeline():
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


@pytest.fixture
def write_catalog(tmp_path):
    def write(rows, name="catalog.csv", encoding="utf-8"):
        path = tmp_path / name
        with open(path, "w", newline="", encoding=encoding) as f:
            writer = csv.DictWriter(f, fieldnames=["id", "title", "price"])
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write
