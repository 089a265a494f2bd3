"""Shared fixtures: the real text encoder (loaded once), a 4-image dataset, a product photo, copy."""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageDraw

from adcraft.creative.copywriting import Copy
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


def draw_shoe(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """A sneaker-like shape on a white background, like a merchant's product photo."""
    image = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(image)
    w, h = size
    d.polygon(
        [
            (0.1 * w, 0.73 * h),
            (0.22 * w, 0.37 * h),
            (0.5 * w, 0.4 * h),
            (0.65 * w, 0.6 * h),
            (0.9 * w, 0.67 * h),
            (0.9 * w, 0.83 * h),
            (0.1 * w, 0.83 * h),
        ],
        fill=(30, 90, 200),
    )
    d.rectangle([0.1 * w, 0.82 * h, 0.9 * w, 0.87 * h], fill=(60, 60, 60))
    d.line([(0.3 * w, 0.43 * h), (0.45 * w, 0.57 * h)], fill="white", width=6)
    return image


@pytest.fixture
def shoe_photo(tmp_path):
    """Path of a synthetic JPEG product photo."""
    path = tmp_path / "shoe.png"
    draw_shoe().save(path)
    return path


@pytest.fixture
def visual():
    """An RGBA product visual with a transparent background."""
    image = Image.new("RGBA", (256, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([20, 30, 236, 180], fill=(200, 40, 60, 255))
    return image


@pytest.fixture
def zh_copy():
    """Chinese copy with every slot filled."""
    return Copy(
        headline="法式碎花连衣裙",
        subline="轻盈雪纺，春夏通勤约会都合适",
        selling_points=["雪纺面料透气", "收腰显瘦", "三色可选"],
        cta="立即购买",
        price_text="¥199",
        original_price_text="¥299",
        discount_text="6.7折",
        lang="zh",
    )


@pytest.fixture
def en_copy():
    """English copy with every slot filled."""
    return Copy(
        headline="Cloud Runner sneakers",
        subline="Light mesh upper for daily runs",
        selling_points=["Breathable mesh", "Cushioned sole", "Three colours"],
        cta="Shop now",
        price_text="$59.99",
        original_price_text="$79.99",
        discount_text="-25%",
        lang="en",
    )
