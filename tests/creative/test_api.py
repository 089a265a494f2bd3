import json

import pytest

import adcraft
from adcraft.creative.api import generate_creatives
from adcraft.creative.copywriting import Copy
from adcraft.creative.placements import PLACEMENTS
from adcraft.creative.product import Product
from adcraft.errors import InvalidInputError


def test_all_placements_from_a_photo_pass_qa_and_write_a_manifest(tmp_path, shoe_photo, en_copy):
    product = Product(
        title="Cloud Runner sneakers",
        price=59.99,
        original_price=79.99,
        currency="USD",
        photo=shoe_photo,
        brand="Cloud",
    )
    out = tmp_path / "out"
    creatives = adcraft.generate_creatives(product, out_dir=out, copy=en_copy, formats=("png", "webp"))
    assert [c.placement.key for c in creatives] == list(PLACEMENTS)
    for creative in creatives:
        assert creative.image.size == creative.placement.size
        assert creative.qa.passed, (creative.placement.key, creative.qa.failures)
        assert creative.qa.ocr["headline"]["score"] >= 0.8
        assert [p.suffix for p in creative.files] == [".png", ".webp"] and all(
            p.is_file() for p in creative.files
        )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["title"] == "Cloud Runner sneakers"
    assert manifest["copy"]["headline"] == en_copy.headline
    assert manifest["visual"]["kind"] == "photo" and len(manifest["visual"]["sha256"]) == 64
    assert manifest["compliance"]["headline"]["blocking"] is False
    first = manifest["creatives"][0]
    assert first["layout"]["boxes"]["headline"] and first["qa"]["passed"] is True
    assert set(first["file_sha256"]) == {p.name for p in creatives[0].files}
    assert not list(out.glob(".*"))  # no temp files left behind


def test_generated_visual_records_model_seed_and_prompt(tmp_path, zh_copy):
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.text.grounding import Vocabulary, VocabularyEntry

    pipeline = TextToImagePipeline.tiny_random(seed=0)
    pipeline.vocabulary = Vocabulary([VocabularyEntry("1f457", "连衣裙", "dress")])
    product = Product(title="法式碎花连衣裙", description="红色雪纺", price=199, original_price=299)
    creatives = generate_creatives(
        product,
        "800x800",
        out_dir=tmp_path,
        pipeline=pipeline,
        seed=7,
        copy=zh_copy,
        num_steps=2,
        formats=("jpeg",),
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    visual = manifest["visual"]
    assert visual["kind"] == "generated" and visual["seed"] == 7 and visual["steps"] == 2
    assert "法式碎花连衣裙" in visual["prompt"] and visual["model_read"] == "红色连衣裙"
    assert visual["model"]["id"] == "tiny-random-0" and len(visual["model"]["sha256"]) == 64
    assert visual["model"]["encoder"]["dim"] == 384
    assert creatives[0].files[0].suffix == ".jpg"


def test_blocking_compliance_hits_stop_generation_unless_allowed(tmp_path, shoe_photo):
    copy = Copy(headline="全网最低价跑鞋", subline="", selling_points=[], cta="立即购买", price_text="¥199")
    product = Product(title="跑鞋", price=199, photo=shoe_photo)
    with pytest.raises(InvalidInputError, match="advertising rules.*--allow-warnings"):
        generate_creatives(product, "300x250", copy=copy)
    creatives = generate_creatives(product, "300x250", copy=copy, allow_warnings=True)
    assert len(creatives) == 1


@pytest.mark.parametrize(
    "fields,match",
    [
        ({"title": ""}, "title is empty"),
        ({"title": "😀😀"}, "no letters or digits"),
        ({"title": "鞋", "price": -1}, "negative"),
        ({"title": "鞋", "price": "abc"}, "not a number"),
        ({"title": "鞋", "currency": "XYZ"}, "currency"),
    ],
)
def test_bad_product_fields_are_named(fields, match):
    with pytest.raises(InvalidInputError, match=match):
        generate_creatives(fields, "300x250")


def test_bad_placement_and_format_are_refused_before_work(shoe_photo):
    product = {"title": "鞋", "photo": str(shoe_photo)}
    with pytest.raises(InvalidInputError, match="100..4096"):
        generate_creatives(product, "50x50")
    with pytest.raises(InvalidInputError, match="format 'gif'"):
        generate_creatives(product, "300x250", formats=("gif",))


def test_the_merchants_banned_terms_stop_generation_like_the_law_does(shoe_photo):
    copy = Copy(
        headline="Lighter than Acme runners", subline="", selling_points=[], cta="Shop now", price_text="$59"
    )
    product = Product(title="Cloud runner", price=59, currency="USD", photo=shoe_photo, banned_terms=["ACME"])
    with pytest.raises(InvalidInputError, match="headline: 'Acme' \\(merchant's banned term"):
        generate_creatives(product, "300x250", copy=copy)
    assert generate_creatives(
        Product(title="Cloud runner", price=59, currency="USD", photo=shoe_photo), "300x250", copy=copy
    )


def test_words_inside_the_merchants_photo_are_read_and_checked(tmp_path, shoe_photo, en_copy):
    from PIL import Image, ImageDraw

    from adcraft.creative.fonts import load_font

    photo = Image.open(shoe_photo).convert("RGB")
    ImageDraw.Draw(photo).text((90, 20), "全网最低价", font=load_font(44, "Bold"), fill=(200, 0, 0))
    photo.save(shoe_photo)
    product = Product(
        title="Cloud Runner sneakers", price=59.99, original_price=79.99, currency="USD", photo=shoe_photo
    )
    out = tmp_path / "out"
    (creative,) = generate_creatives(product, "1080x1080", out_dir=out, copy=en_copy)
    assert "全网最低价" in creative.qa.image_text.replace("\n", "")
    assert not creative.qa.passed and creative.flagged
    assert any("text in the image breaks advertising rules" in f for f in creative.qa.failures)
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["creatives"][0]
    assert entry["flagged"] is True and entry["qa"]["passed"] is False
