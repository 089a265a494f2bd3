import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from adcraft.delivery.animate import (
    HOLD_SECONDS,
    MOTION_SECONDS,
    animate_to_budget,
    last_frame,
    layer_state,
    make_frames,
)
from adcraft.delivery.html5 import html5_to_budget
from adcraft.delivery.layers import split_layers
from adcraft.delivery.spec import CreativeSpec
from adcraft.errors import BudgetError


@pytest.fixture(scope="module")
def layers(creative, product_visual):
    return split_layers(CreativeSpec.from_creative(creative, product_visual))


def test_every_layer_is_at_rest_once_the_motion_ends():
    for name in ("product", "headline", "price", "badge", "cta", "label"):
        state = layer_state(name, MOTION_SECONDS, 250)
        assert (state.dx, state.dy, state.scale, state.opacity) == (0, 0, 1, 1)
    assert layer_state("product", 0.0, 250).opacity == 0.0  # the product enters
    assert layer_state("label", 0.0, 250).opacity == 1.0  # the AI label shows in every frame


def test_frames_end_on_the_static_creative_and_hold_it(layers, creative):
    frames = make_frames(layers, fps=5)
    assert np.array_equal(np.asarray(frames.images[-1]), np.asarray(creative.image))
    assert frames.durations_ms[-1] == HOLD_SECONDS * 1000 and frames.durations_ms[0] == 200
    assert not np.array_equal(np.asarray(frames.images[0]), np.asarray(creative.image))


def test_google_gif_stays_within_5_fps_30_s_and_150_kb(layers, creative):
    gif = animate_to_budget(layers, "gif", 150 * 1024, max_fps=5, max_seconds=30, plays=3, label="300x250")
    assert gif.bytes <= 150 * 1024 and gif.settings["fps"] <= 5
    assert gif.seconds * gif.plays <= 30
    with Image.open(io.BytesIO(gif.data)) as image:
        assert image.format == "GIF" and image.n_frames == gif.frames and image.info["loop"] == 2
        assert image.info["duration"] >= 200
    end = np.asarray(last_frame(gif.data), np.float32)
    assert np.abs(end - np.asarray(creative.image, np.float32)).mean() < 4.0  # one 256-colour palette


def test_lossless_webp_last_frame_is_exact(layers, creative):
    webp = animate_to_budget(layers, "webp", 400 * 1024, max_fps=10, max_seconds=15, plays=1, label="300x250")
    assert webp.settings.get("lossless") and webp.bytes <= 400 * 1024
    assert np.array_equal(np.asarray(last_frame(webp.data)), np.asarray(creative.image))


def test_a_tighter_budget_lowers_fps_or_colours_and_an_impossible_one_names_the_smallest(layers):
    roomy = animate_to_budget(layers, "gif", 150 * 1024, 5, 30, 3, "300x250")
    tight = animate_to_budget(layers, "gif", roomy.bytes - 1, 5, 30, 3, "300x250")
    assert tight.bytes < roomy.bytes
    assert (tight.settings["fps"], tight.settings["colors"]) < (
        roomy.settings["fps"],
        roomy.settings["colors"],
    )
    with pytest.raises(BudgetError, match=r"300x250 animated gif cannot fit 1,000 bytes.*smallest"):
        animate_to_budget(layers, "gif", 1000, 5, 30, 3, "300x250")


def test_html5_zip_has_ad_size_click_tag_css_animation_and_fits(layers):
    ad = html5_to_budget(layers, 150 * 1024, 40, "300x250")
    assert ad.bytes <= 150 * 1024 and len(ad.files) <= 40
    with zipfile.ZipFile(io.BytesIO(ad.data)) as archive:
        names = archive.namelist()
        index = archive.read("index.html").decode("utf-8")
        for name in names:
            if name.endswith(".png"):
                Image.open(io.BytesIO(archive.read(name))).verify()
    assert "index.html" in names and "product.png" in names and "label.png" in names
    assert '<meta name="ad.size" content="width=300,height=250">' in index
    assert "var clickTag" in index and "@keyframes rise" in index and "infinite" not in index
    for name in names:
        if name != "index.html":
            assert name in index  # every asset is used


def test_html5_over_the_file_limit_is_refused(layers):
    with pytest.raises(BudgetError, match="files; at most 3 allowed"):
        html5_to_budget(layers, 150 * 1024, 3, "300x250")
