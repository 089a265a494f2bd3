import io

import numpy as np
import pytest
from PIL import Image

from adcraft.creative.layout import Box
from adcraft.creative.photo import MAX_PHOTO_PIXELS, BackgroundRemover, open_image
from adcraft.creative.render import place_product
from adcraft.errors import InvalidInputError


def test_cut_out_keeps_the_photo_pixels_and_separates_product_from_background(shoe_photo):
    photo = open_image(shoe_photo)
    cut = BackgroundRemover().cut_out(photo)
    alpha = np.asarray(cut.getchannel("A"))
    assert np.array_equal(np.asarray(cut.convert("RGB")), np.asarray(photo.convert("RGB")))
    assert alpha[150, 150] > 200  # inside the shoe
    assert alpha[10, 10] < 20 and alpha[290, 390] < 20  # white background corners


def test_placed_photo_pixels_are_unchanged_inside_the_mask(shoe_photo):
    cut = BackgroundRemover().cut_out(open_image(shoe_photo))
    canvas = Image.new("RGB", (900, 700), (240, 200, 180))
    placed, mask = place_product(canvas, cut, Box(50, 50, 800, 600), allow_upscale=False)
    trimmed = cut.crop(cut.getchannel("A").point(lambda v: 255 if v > 16 else 0).getbbox())
    assert (placed.w, placed.h) == trimmed.size  # never enlarged
    region = np.asarray(canvas)[placed.y : placed.bottom, placed.x : placed.right]
    opaque = np.asarray(trimmed.getchannel("A")) == 255
    assert opaque.sum() > 1000
    assert np.array_equal(region[opaque], np.asarray(trimmed.convert("RGB"))[opaque])
    assert mask.sum() >= opaque.sum()


def test_not_an_image_and_corrupt_files_are_refused(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(InvalidInputError, match="photo 'notes.png' is not a readable image"):
        open_image(text)
    good = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(good, "PNG")
    with pytest.raises(InvalidInputError, match="not a readable image"):
        open_image(good.getvalue()[:60])
    with pytest.raises(InvalidInputError, match="does not exist"):
        open_image(tmp_path / "missing.jpg")


def test_decompression_bomb_is_refused(tmp_path):
    side = int(MAX_PHOTO_PIXELS**0.5) + 100
    path = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(path)  # tiny file, huge image
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InvalidInputError, match="bomb|at most"):
        open_image(path)
