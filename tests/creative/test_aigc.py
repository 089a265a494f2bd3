import json

import numpy as np
import pytest
from PIL import Image

from adcraft.creative.aigc import (
    LABEL_ELEMENT,
    AILabel,
    ContentLabel,
    embed_label,
    read_label,
    stamp_label,
)
from adcraft.creative.compose import CreativeComposer
from adcraft.creative.export import encode_image, save_image
from adcraft.creative.layout import Box
from adcraft.creative.render import Rendered, TextItem
from adcraft.errors import InvalidInputError


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_the_metadata_label_reads_back_from_every_format(tmp_path, fmt):
    label = ContentLabel("generated", "adcraft 0.1.0", "adcraft-base-v9", "c0ffee", "AI生成")
    path = save_image(Image.new("RGB", (64, 48), "teal"), tmp_path / f"x.{fmt}", fmt, 90, label)
    back = read_label(path.read_bytes())
    assert back["digital_source_type"].endswith("/compositeWithTrainedAlgorithmicMedia")
    assert back["producer"] == "adcraft 0.1.0" and back["model_id"] == "adcraft-base-v9"
    assert back["document_id"] == "xmp.did:c0ffee" and back["description"] == "AI生成"
    assert back["aigc"] == {
        "Label": "1",
        "ContentProducer": "adcraft 0.1.0",
        "ProduceID": "c0ffee",
        "ReservedCode1": "adcraft-base-v9",
    }
    with Image.open(path) as reopened:  # still a valid image of the same size
        assert reopened.size == (64, 48)


def test_a_photo_only_creative_is_labelled_as_a_composite_without_an_aigc_field():
    data = encode_image(Image.new("RGB", (32, 32)), "png", label=ContentLabel("photo", "adcraft"))
    back = read_label(data)
    assert back["digital_source_type"].endswith("/composite") and back["aigc"] == {}
    assert back["model_id"] == "" and back["document_id"].startswith("xmp.did:")


def test_no_label_writes_no_xmp_and_a_bad_source_is_named():
    assert read_label(encode_image(Image.new("RGB", (8, 8)), "png"))["digital_source_type"] == ""
    with pytest.raises(InvalidInputError, match="must be one of"):
        embed_label(encode_image(Image.new("RGB", (8, 8)), "png"), ContentLabel("drawn", "x"))


PRODUCT_BOX = Box(0, 0, 200, 300)


def _rendered(size=(400, 300), product=PRODUCT_BOX, texts=()):
    image = Image.new("RGB", size, (240, 240, 240))
    mask = np.zeros((size[1], size[0]), bool)
    mask[product.y : product.bottom, product.x : product.right] = True
    return Rendered(image, image.copy(), mask, product, list(texts))


def test_the_visible_label_avoids_the_product_and_the_copy():
    headline = TextItem("headline", "x", ["x"], Box(220, 10, 170, 60), (0, 0, 0), 20, "Bold")
    out = stamp_label(_rendered(texts=[headline]), AILabel(lang="en"))
    item = out.texts[-1]
    assert item.element == LABEL_ELEMENT and item.text == "AI-generated"
    assert item.box.x >= 200 and item.box.y > 70  # bottom-right: clear of both
    assert out.image.getpixel((item.box.x - 1, item.box.y)) != (240, 240, 240)  # the pill is drawn
    assert out.backdrop.getpixel((item.box.x - 1, item.box.y)) == out.image.getpixel(
        (item.box.x - 1, item.box.y)
    )


def test_a_fixed_position_is_kept_even_over_the_product_and_bad_positions_are_named():
    out = stamp_label(_rendered(), AILabel(text="AI合成", position="top-left"))
    assert out.texts[-1].box.x < 50 and out.texts[-1].box.y < 50 and out.texts[-1].text == "AI合成"
    with pytest.raises(InvalidInputError, match="must be one of"):
        stamp_label(_rendered(), AILabel(position="middle"))


def test_composed_creatives_carry_a_legible_label_checked_by_qa(visual, zh_copy):
    composer = CreativeComposer()
    creative = composer.compose("1080x1080", visual, _texts(zh_copy), label=AILabel(lang="zh"))
    assert creative.qa.passed, creative.qa.failures
    assert creative.qa.ocr[LABEL_ELEMENT]["score"] >= 0.8
    assert creative.qa.contrast[LABEL_ELEMENT]["ratio"] >= 4.5
    assert "AI生成" in composer.reader.read(creative.image)


def _texts(copy):
    from adcraft.creative.compose import texts_from_copy

    return texts_from_copy(copy)


def test_generated_creatives_are_labelled_in_pixels_and_files(tmp_path, zh_copy):
    from adcraft.creative.product import Product
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.generate import generate_creatives

    product = Product(title="法式碎花连衣裙", price=199, original_price=299)
    pipeline = TextToImagePipeline.tiny_random(seed=0)
    creatives = generate_creatives(
        product, "800x800", out_dir=tmp_path, pipeline=pipeline, copy=zh_copy, steps=2, formats=("webp",)
    )
    assert any(t.element == LABEL_ELEMENT for t in creatives[0].texts)
    back = read_label(creatives[0].files[0].read_bytes())
    assert back["model_id"] == "tiny-random-0" and back["aigc"]["Label"] == "1"
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["creatives"][0]["content_label"]["Xmp.iptcExt.AISystemUsed"] == "tiny-random-0"


def test_the_label_text_and_position_are_configurable_and_bad_ones_refused_before_work(tmp_path, en_copy):
    from adcraft.creative.product import Product
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.generate import generate_creatives

    product = Product(title="Cloud Runner sneakers", price=59.99, original_price=79.99, currency="USD")
    pipeline = TextToImagePipeline.tiny_random(seed=0)
    with pytest.raises(InvalidInputError, match="position 'middle' must be one of"):
        generate_creatives(
            product,
            "800x800",
            out_dir=tmp_path / "bad",
            pipeline=pipeline,
            copy=en_copy,
            ai_label=AILabel(position="middle"),
        )
    assert not (tmp_path / "bad").exists()
    (default,) = generate_creatives(product, "800x800", pipeline=pipeline, copy=en_copy, steps=2)
    assert default.texts[-1].text == "AI-generated"  # the default follows the copy's language
    (custom,) = generate_creatives(
        product,
        "800x800",
        pipeline=pipeline,
        copy=en_copy,
        steps=2,
        ai_label=AILabel("Made with AI", "top-left"),
    )
    item = custom.texts[-1]
    assert item.text == "Made with AI" and item.box.x < 100 and item.box.y < 100
