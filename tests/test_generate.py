import json

import pytest

import adcraft
from adcraft.creative.copywriting import Copy
from adcraft.creative.placements import PLACEMENTS
from adcraft.creative.product import Product
from adcraft.creative.style import CreativeStyle
from adcraft.errors import InvalidInputError, NotFoundError
from adcraft.generate import generate_creatives


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
        steps=2,
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


# settings reach the output ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_pipeline():
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


BASE = {"placements": "300x250", "steps": 2, "upscaler": "lanczos", "copy": None}


def _image_bytes(tiny_pipeline, **overrides):
    from adcraft.generate import GenerationRequest, generate

    options = {**BASE, **overrides}
    product = options.pop("product", {"title": "红色连衣裙", "price": 199})
    result = generate(GenerationRequest(product, **options), pipeline=tiny_pipeline)
    return result.creatives[0].image.tobytes()


@pytest.mark.parametrize(
    "overrides",
    [
        {"seed": 1},
        {"steps": 3},
        {"guidance": 6.0},
        {"upscaler": "bicubic"},
        {"audience": "seniors"},
        {"style": CreativeStyle(palette="night", family="bold")},
        {"lang": "en"},
        {"product": {"title": "蓝色运动鞋", "price": 199}},
    ],
    ids=lambda o: next(iter(o)),
)
def test_every_request_setting_changes_the_image(tiny_pipeline, overrides):
    assert _image_bytes(tiny_pipeline, **overrides) != _image_bytes(tiny_pipeline)


def test_same_request_gives_the_same_image(tiny_pipeline):
    assert _image_bytes(tiny_pipeline, seed=3) == _image_bytes(tiny_pipeline, seed=3)


def test_guidance_of_batch_and_service_settings_reaches_the_model(tmp_path, tiny_pipeline):
    # GenerationSettings.guidance used to be dropped: every image was sampled at 3.0
    from adcraft.generate import GenerationSettings, generate_for_product

    images = []
    for guidance in (1.0, 3.0, 6.0):
        settings = GenerationSettings(placements=("300x250",), steps=2, guidance=guidance, upscaler="lanczos")
        files = generate_for_product(
            {"title": "红色连衣裙"}, settings, tiny_pipeline, tmp_path / str(guidance)
        )
        images.append(files[0].image.read_bytes())
        manifest = json.loads(files[0].manifest.read_text(encoding="utf-8"))
        assert manifest["visual"]["guidance"] == guidance
    assert len(set(images)) == 3


def test_render_variants_writes_every_variant(tmp_path, tiny_pipeline):
    # render_variants used to import a name adcraft.creative does not export and raised ImportError
    from adcraft.generate import render_variants
    from adcraft.personalize.segments import get_segment

    rendered = render_variants(
        {"title": "红色连衣裙", "price": 199},
        [get_segment("students_budget")],
        n=2,
        out_dir=tmp_path,
        pipeline=tiny_pipeline,
        placements=["300x250"],
    )
    (first, a), (second, b) = rendered["students_budget"]
    assert first.variant_id != second.variant_id
    assert a[0].image.tobytes() != b[0].image.tobytes()
    manifest = json.loads((tmp_path / "students_budget" / second.variant_id / "manifest.json").read_text())
    assert manifest["variant"]["variant_id"] == second.variant_id
    assert manifest["style"]["family"] == second.template and manifest["visual"]["seed"] == second.visual_seed


def test_unknown_template_family_is_an_error_not_the_default(visual, zh_copy):
    # an unknown family in a segment used to become "classic" silently
    from adcraft.creative.compose import compose

    with pytest.raises(InvalidInputError, match="template family 'bogus' must be one of .*classic"):
        CreativeStyle(family="bogus")
    with pytest.raises(InvalidInputError, match="template family 'bogus'"):
        compose("300x250", visual, zh_copy, family="bogus")


def test_bad_sampling_settings_are_refused_before_work():
    from adcraft.generate import GenerationRequest, GenerationSettings

    with pytest.raises(InvalidInputError, match="guidance 25.0 must be a number from 0 to 20"):
        GenerationRequest({"title": "鞋"}, guidance=25.0)
    with pytest.raises(InvalidInputError, match="steps 0 must be an integer from 1 to 200"):
        GenerationSettings(steps=0)
    with pytest.raises(InvalidInputError, match="upscaler 'magic' must be one of"):
        GenerationRequest({"title": "鞋"}, upscaler="magic")
    with pytest.raises(NotFoundError, match="unknown segment 'gamers'"):
        GenerationRequest({"title": "鞋"}, audience="gamers")
