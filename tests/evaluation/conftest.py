"""A small synthetic product dataset (shapes in colours) in the real dataset format."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from adcraft.data.dataset import ImageRecord, write_dataset

COLORS = {"red": (220, 30, 30), "blue": (30, 60, 220), "green": (30, 180, 60)}
SHAPES = {  # concept id -> (label_en, label_zh, draw function, recolourable)
    "c1": ("ball", "球", lambda d, c: d.ellipse((8, 8, 56, 56), fill=c), True),
    "c2": ("box", "盒子", lambda d, c: d.rectangle((12, 12, 52, 52), fill=c), True),
    "c3": ("tent", "帐篷", lambda d, c: d.polygon([(32, 6), (58, 58), (6, 58)], fill=c), True),
    "c4": ("stick", "棍子", lambda d, c: d.rectangle((28, 4, 36, 60), fill=c), False),
}


def draw(concept: str, color=(120, 120, 120), size=64) -> Image.Image:
    """One synthetic product image: a shape on a transparent background."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    SHAPES[concept][2](ImageDraw.Draw(img), (*color, 255))
    return img.resize((size, size), Image.Resampling.LANCZOS) if size != 64 else img


@pytest.fixture(scope="session")
def shapes_dataset(tmp_path_factory):
    """Dataset folder: 4 concepts, 3 recolourable ones with 3 colour variants each."""
    root = tmp_path_factory.mktemp("shapes")
    (root / "images").mkdir()
    records = []
    for cid, (en, zh, _, recolor) in SHAPES.items():
        variants = [(None, (128, 128, 128))] + (list(COLORS.items()) if recolor else [])
        for color, rgb in variants:
            name = f"images/{cid}-{color or 'orig'}.png"
            draw(cid, rgb, size=128).save(root / name)
            caps = [f"a {color} {en}" if color else f"a {en}", f"{zh}"]
            records.append(
                ImageRecord(
                    file=name, captions=caps, concept=cid, label_en=en, label_zh=zh, group="toy", color=color
                )
            )
    write_dataset(root, records, sources=[{"name": "synthetic shapes", "license": "CC0"}])
    return root


@pytest.fixture
def noise_images():
    """Random-noise RGBA images."""
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 256, (64, 64, 4), dtype=np.uint8), "RGBA") for _ in range(6)]


@pytest.fixture(scope="session")
def draw_shape():
    """The draw function, for tests that need a real image of a known concept."""
    return draw


@pytest.fixture(scope="session")
def trained_evaluator(shapes_dataset, tmp_path_factory):
    """(evaluator, report, directory): an evaluator trained on the shapes dataset, saved to disk."""
    from adcraft.evaluation.train import EvaluatorTrainConfig, train_evaluator

    out = tmp_path_factory.mktemp("evaluator")
    cfg = EvaluatorTrainConfig(epochs=30, batch_size=8, lr=1e-2)  # no wall-time stop: a busy host is slow
    evaluator, report = train_evaluator(shapes_dataset, cfg, out=out)
    return evaluator, report, out
