import dataclasses
import json

import numpy as np
import pytest
from PIL import Image

from adcraft.creative.aigc import ContentLabel, read_label
from adcraft.creative.compliance import check_compliance
from adcraft.delivery.deliver import deliver_network
from adcraft.delivery.mainimage import product_fill, render_main_image, white_share
from adcraft.delivery.networks import get_network
from adcraft.delivery.validate import validate_folder
from adcraft.errors import InvalidInputError

from .conftest import compose


def _label(creative):
    return ContentLabel("generated", "adcraft test", "test-model", "", "AI生成")


def test_main_image_is_pure_white_and_fills_the_frame(product_visual):
    image = render_main_image(product_visual, (1000, 1000))
    assert white_share(image) == 1.0
    assert 0.85 <= product_fill(image) <= 0.92
    corner = np.asarray(image)[:20, :20]
    assert (corner == 255).all()


def test_amazon_delivery_passes_validation_and_carries_the_metadata_label(tmp_path, product_visual):
    amazon = get_network("amazon-main")
    delivery = deliver_network(amazon, [], product_visual, tmp_path, "dress", label_for=_label)
    assert delivery.passed, delivery.failures()
    checks = {c.check for c in delivery.checks}
    assert {"size", "bytes", "format", "white_background", "product_fill", "text"} <= checks
    (name,) = delivery.entries[0]["files"]
    assert read_label((delivery.folder / name).read_bytes())["aigc"]["Label"] == "1"


def test_validate_flags_a_grey_background_small_product_and_oversized_file(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    Image.new("RGB", (600, 600), (230, 230, 230)).save(folder / "main.png")
    failed = {c.check for c in validate_folder(folder, get_network("jd-main")) if not c.passed}
    assert {"size", "white_background"} <= failed
    image = Image.new("RGB", (800, 800), "white")
    image.paste((200, 30, 30), (300, 300, 500, 500))
    image.save(folder / "main.png")
    failed = {c.check for c in validate_folder(folder, get_network("jd-main")) if not c.passed}
    assert failed == {"product_fill"}
    noise = np.random.default_rng(0).integers(0, 255, (250, 300, 3), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "main.png")
    bad = {c.check for c in validate_folder(folder, get_network("google-display")) if not c.passed}
    assert bad == {"bytes"}


def test_validate_refuses_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(InvalidInputError, match="does not exist"):
        validate_folder(tmp_path / "nope", get_network("google-display"))
    with pytest.raises(InvalidInputError, match="has no creatives"):
        validate_folder(tmp_path, get_network("google-display"))


def test_google_delivery_writes_budgeted_images_animations_html5_svg_and_layout(
    tmp_path, composer, product_visual, copy_zh, creative
):
    google = get_network("google-display")
    big = compose(composer, product_visual, copy_zh, "300x600")
    delivery = deliver_network(
        google,
        [creative, big],
        product_visual,
        tmp_path,
        "dress",
        label_for=_label,
        check_text=lambda text: check_compliance(text, lang="zh"),
        reader=composer.reader,
    )
    assert delivery.passed, delivery.failures()
    names = {p.name for p in delivery.folder.iterdir()}
    for key in ("300x250", "300x600"):
        assert {
            f"dress_{key}.svg",
            f"dress_{key}.layout.json",
            f"dress_{key}_animated.gif",
            f"dress_{key}_html5.zip",
        } <= names
    for entry in delivery.entries:
        assert entry["encode"]["bytes"] <= 150 * 1024
        gif = entry["motion"][next(n for n in entry["motion"] if n.endswith(".gif"))]
        assert gif["qa"]["passed"], gif["qa"]["failures"]
    manifest = json.loads((delivery.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["validation"]["passed"] and manifest["network"]["name"] == "google-display"


def test_story_text_and_label_stay_in_the_safe_zone(tmp_path, composer, product_visual, copy_zh):
    stories = dataclasses.replace(get_network("meta-stories"), animation=None)  # the static check only
    story = compose(composer, product_visual, copy_zh, "1080x1920", safe_zone=stories.safe_zone)
    delivery = deliver_network(stories, [story], product_visual, tmp_path, "dress", reader=composer.reader)
    zone = [c for c in delivery.checks if c.check == "safe_zone"]
    assert zone and all(c.passed for c in zone), delivery.failures()
