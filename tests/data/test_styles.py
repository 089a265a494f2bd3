"""Styles: the registry, its licences, the style words, and an Iconify SVG set built into the dataset."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from tests.data.test_products import npm_layout  # noqa: F401  (fixture)

from adcraft.data.dataset import read_dataset
from adcraft.data.products import build_products
from adcraft.data.styles import ALLOWED_LICENCES, DEFAULT_STYLE, STYLES, check_style, styled_caption
from adcraft.data.svgsets import load_icon_set, render_svg
from adcraft.errors import DataError, InvalidInputError
from adcraft.text.colors import dominant_color_family


def test_registry_has_the_default_and_only_permissive_licences():
    assert DEFAULT_STYLE == "3d" and list(STYLES)[0] == "3d"
    assert {s.licence for s in STYLES.values()} <= ALLOWED_LICENCES
    assert len({s.zh for s in STYLES.values()}) == len(STYLES) == len({s.en for s in STYLES.values()})


def test_unknown_style_names_the_styles():
    with pytest.raises(InvalidInputError, match="must be one of 3d, gradient, flat"):
        check_style("watercolour")
    assert styled_caption("跑鞋", "flat", "zh") == "跑鞋，扁平插画风格"
    assert styled_caption("running shoe", "3d", "en") == "running shoe, 3D render style"


@pytest.fixture
def iconify_set(tmp_path):
    """A two-icon Iconify JSON package: the dress found by code point, the shoe by name."""
    pkg = tmp_path / "iconify" / "package"
    pkg.mkdir(parents=True)
    circle = '<circle cx="16" cy="16" r="12" fill="#1e8c3c"/>'
    icons = {"prefix": "demo", "width": 32, "height": 32, "icons": {"dress-x": {"body": circle}}}
    icons["icons"]["runningshoe"] = {"body": circle.replace("#1e8c3c", "#e0e0e0")}
    (pkg / "icons.json").write_text(json.dumps(icons))
    (pkg / "info.json").write_text(json.dumps({"license": {"spdx": "MIT"}}))
    (pkg / "chars.json").write_text(json.dumps({"1f457": "dress-x"}))
    return pkg


def test_svg_set_renders_and_is_found_by_code_point_or_name(iconify_set):
    icons = load_icon_set(iconify_set)
    assert (
        icons.find("1f457", ["dress"]) == "dress-x" and icons.find("1f45f", ["running-shoe"]) == "runningshoe"
    )
    assert icons.find("1f34e", ["red-apple"]) is None
    img = render_svg(icons.svg("dress-x", 64))
    assert img.size == (64, 64) and dominant_color_family(img) == "green"
    with pytest.raises(DataError, match="not an Iconify JSON package"):
        load_icon_set(iconify_set.parent)


def test_build_with_a_second_style(npm_layout, iconify_set, tmp_path):  # noqa: F811
    manifest = build_products(
        tmp_path / "ds",
        size=32,
        fluent_dir=npm_layout[0],
        emojibase_dir=npm_layout[1],
        styles=("3d", "flat"),
        package_dirs={"flat": iconify_set},
        hr_size=64,
    )
    records = read_dataset(tmp_path / "ds")
    flat = [r for r in records if r.extra["style"] == "flat"]
    assert {r.label_en for r in flat} == {"dress", "running shoe"}  # the set has no apple
    assert {s.get("style") for s in manifest["sources"]} >= {"3d", "flat"}
    for rec in flat:
        with (
            Image.open(tmp_path / "ds" / rec.file) as img,
            Image.open(tmp_path / "ds" / rec.extra["file_hr"]) as hr,
        ):
            assert img.size == (32, 32) and hr.size == (64, 64)
            if rec.extra["variant"] != "orig":
                assert dominant_color_family(img) == rec.color
        assert any("扁平插画" in c or "flat illustration" in c for c in rec.captions)
    white_shoe = next(r for r in flat if r.label_en == "running shoe" and r.extra["variant"] == "orig")
    assert white_shoe.color == "white" and "跑鞋" in white_shoe.captions


@pytest.mark.parametrize("styles", [("flat",), ("3d", "oil-painting"), ("3d", "3d")])
def test_bad_style_lists_are_refused_before_writing(npm_layout, tmp_path, styles):  # noqa: F811
    with pytest.raises(DataError, match="must start with 3d"):
        build_products(tmp_path / "ds", fluent_dir=npm_layout[0], emojibase_dir=npm_layout[1], styles=styles)
    assert not (tmp_path / "ds").exists()
