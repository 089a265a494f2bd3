"""`adcraft generate`: every option it accepts changes the creative it writes (guidance included)."""

import json

import pytest

from adcraft.cli import main

BASE = {
    "--price": "199",
    "--placements": "300x300",  # shorter side 300: the sub-line (from the description) shows
    "--model": "tiny-random",
    "--steps": "2",
    "--upscaler": "lanczos",
}


def _run(tmp_path, name, title="红色连衣裙", **options):
    out = tmp_path / name
    args = ["generate", title, "--out", str(out)]
    for flag, value in {**BASE, **options}.items():
        args += [flag] if value is True else [flag, value]
    main(args)  # returns on success; a user error would exit 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (image,) = [p for p in out.iterdir() if p.name != "manifest.json"]
    return image.read_bytes(), manifest


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("base"), "base")


@pytest.mark.parametrize(
    "options",
    [
        {"title": "蓝色运动鞋"},
        {"--description": "轻盈雪纺，春夏通勤，三色可选，收腰显瘦"},  # four points: one becomes the sub-line
        {"--price": "99"},
        {"--original-price": "299"},
        {"--currency": "USD"},
        {"--audience": "seniors"},
        {"--format": "jpeg"},
        {"--seed": "1"},
        {"--lang": "en"},
        {"--model": "default"},
        {"--steps": "3"},
        {"--guidance": "6"},
        {"--upscaler": "bicubic"},
        {"--placements": "728x90"},
    ],
    ids=lambda o: next(iter(o)),
)
def test_each_option_changes_the_creative(tmp_path, baseline, options):
    image, _ = _run(tmp_path, "changed", **options)
    assert image != baseline[0]


def test_brand_is_recorded_and_exempt_from_the_law_checker(tmp_path):
    # the neutral tone's first headline is the title alone, so the brand shows in the manifest, not the image
    _, manifest = _run(tmp_path, "brand", **{"--brand": "花间"})
    assert manifest["input"]["brand"] == "花间"


def test_quality_changes_a_jpeg_and_guidance_is_recorded(tmp_path):
    low, _ = _run(tmp_path, "low", **{"--format": "jpeg", "--quality": "20"})
    high, manifest = _run(tmp_path, "high", **{"--format": "jpeg", "--quality": "95", "--guidance": "5"})
    assert low != high and manifest["quality"] == 95 and manifest["visual"]["guidance"] == 5.0


def test_product_file_and_photo_change_the_creative(tmp_path, baseline, shoe_photo):
    product = tmp_path / "product.json"
    product.write_text(json.dumps({"title": "法式碎花连衣裙", "price": 199}), encoding="utf-8")
    from_file, manifest = _run(tmp_path, "file", title="", **{"--product": str(product)})
    assert from_file != baseline[0] and manifest["input"]["title"] == "法式碎花连衣裙"
    from_photo, manifest = _run(tmp_path, "photo", **{"--photo": str(shoe_photo)})
    assert from_photo != baseline[0] and manifest["visual"]["kind"] == "photo"


def test_allow_warnings_lets_flagged_copy_through(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "全网最低价跑鞋", "--out", str(tmp_path / "x"), *sum(map(list, BASE.items()), [])])
    assert exc.value.code == 2 and "--allow-warnings" in capsys.readouterr().err
    image, manifest = _run(tmp_path, "allowed", title="全网最低价跑鞋", **{"--allow-warnings": True})
    assert image and manifest["compliance"]["headline"]["blocking"] is True
