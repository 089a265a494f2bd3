import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from adcraft.delivery.encode import LOSSLESS_PSNR, encode_to_budget, psnr
from adcraft.errors import BudgetError


def banner(size=(300, 250), noise=0.0, seed=0):
    """A flat ad-like graphic, optionally with photographic noise that defeats PNG compression."""
    image = Image.new("RGB", size, (250, 240, 230))
    d = ImageDraw.Draw(image)
    d.rectangle([20, 20, size[0] - 20, size[1] // 2], fill=(200, 30, 40))
    d.ellipse([40, size[1] // 2, 140, size[1] - 10], fill=(30, 90, 200))
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(image, np.float32) + rng.normal(0, noise, (size[1], size[0], 3))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def test_flat_graphic_fits_as_lossless_png():
    encoded = encode_to_budget(banner(), 150 * 1024, ("png", "jpeg"))
    assert encoded.format == "png" and encoded.settings["lossless"] is True
    assert encoded.psnr == LOSSLESS_PSNR and encoded.bytes <= 150 * 1024
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(encoded.data)).convert("RGB")), np.asarray(banner())
    )


def test_noisy_image_falls_back_to_the_best_lossy_encode_under_budget():
    image = banner((600, 500), noise=25.0)
    budget = 40_000
    encoded = encode_to_budget(image, budget, ("png", "jpeg", "webp"))
    assert encoded.bytes <= budget
    assert encoded.format in ("jpeg", "webp", "png")
    assert encoded.psnr == pytest.approx(psnr(image, encoded.data))
    # the chosen file is the best of the fitting candidates the search made
    lossless = next(t for t in encoded.tried if t.get("lossless"))
    assert lossless["bytes"] > budget
    assert 15 < encoded.psnr < LOSSLESS_PSNR


def test_a_higher_budget_never_gives_lower_quality():
    image = banner((400, 300), noise=20.0)
    small = encode_to_budget(image, 15_000, ("jpeg",))
    large = encode_to_budget(image, 40_000, ("jpeg",))
    assert small.settings["quality"] <= large.settings["quality"]
    assert small.psnr <= large.psnr


def test_impossible_budget_names_the_image_and_smallest_size():
    with pytest.raises(
        BudgetError, match=r"story 1080x1920 cannot fit 500 bytes.*smallest file reached was [\d,]+"
    ):
        encode_to_budget(banner((400, 400), noise=30.0), 500, ("jpeg", "png"), label="story 1080x1920")
