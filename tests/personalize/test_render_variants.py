"""Variants rendered through the one generation path: what a variant changes is what a shopper sees."""

import colorsys
import json

import numpy as np
import pytest
from PIL import Image

from adcraft.personalize.segments import get_segment


def _share_near(image: Image.Image, colours: list[str], tol: int = 24) -> float:
    """Share of pixels within `tol` (max channel difference) of any of the colours."""
    rgb = np.asarray(image.convert("RGB"), dtype=int).reshape(-1, 3)
    targets = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours])
    return float((np.abs(rgb[:, None, :] - targets[None]).max(axis=2) <= tol).any(axis=1).mean())


def _vivid(colour: str) -> bool:
    """A saturated, not-dark palette colour: what an accent (a button, a headline) is drawn in."""
    _, sat, val = colorsys.rgb_to_hsv(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))
    return sat > 0.4 and val > 0.2


@pytest.fixture(scope="module")
def tiny_pipeline():
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tiny_pipeline):
    from adcraft.generate import render_variants

    out = tmp_path_factory.mktemp("variants")
    product = {"title": "Running shoes", "price": 199, "selling_points": ["Light foam sole"]}
    result = render_variants(product, [get_segment("students_budget")], 3, out, pipeline=tiny_pipeline,
                             placements=["300x250"])  # fmt: skip
    return out, result["students_budget"]


def test_three_variants_differ_in_copy_palette_and_layout_as_specified(rendered):
    out, pairs = rendered
    assert len(pairs) == 3
    palettes = {}
    for variant, creatives in pairs:
        manifest = json.loads((out / "students_budget" / variant.variant_id / "manifest.json").read_text())
        colours = variant.palette.removeprefix("custom:").split(",")
        assert manifest["style"]["palette"] == colours and manifest["style"]["family"] == variant.template
        assert manifest["copy"]["cta_id"].endswith(f".cta.{variant.cta_id}")
        assert manifest["copy"]["headline_id"].endswith(f".headline.{variant.headline_id}")
        assert manifest["visual"]["seed"] == variant.visual_seed
        assert variant.prompt_modifier in manifest["visual"]["prompt"]
        palettes[variant.variant_id] = (colours, creatives[0].image)
    assert len({v.cta_id for v, _ in pairs} | {v.headline_id + 10 for v, _ in pairs}) > 2  # copy varies
    assert len({tuple(c) for c, _ in palettes.values()}) == 3
    for vid, (colours, image) in palettes.items():
        own = [c for c in colours if _vivid(c)]
        others = [
            c for k, (o, _) in palettes.items() if k != vid for c in o if _vivid(c) and c not in colours
        ]
        assert _share_near(image, own) > max(0.005, 2 * _share_near(image, others)), vid  # its palette shows
    layouts = {}
    for variant, _ in pairs:
        manifest = json.loads((out / "students_budget" / variant.variant_id / "manifest.json").read_text())
        layouts.setdefault(variant.template, set()).add(
            json.dumps(manifest["creatives"][0]["layout"]["boxes"])
        )
    if len(layouts) > 1:  # different template families lay the same placement out differently
        assert len(set().union(*layouts.values())) > 1
    images = [np.asarray(c[0].image.convert("RGB")) for _, c in pairs]
    assert all(not np.array_equal(a, b) for i, a in enumerate(images) for b in images[i + 1 :])


def test_generate_with_several_audiences_writes_variant_folders_and_contact_sheets(tmp_path, capsys):
    from helpers import run_cli

    out = tmp_path / "out"
    args = ["generate", "Running shoes", "--price", "199", "--audience", "parents,seniors", "--variants", "2",
            "--placements", "300x250", "--model", "tiny-random", "--steps", "2",
            "--out", str(out)]  # fmt: skip
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    for audience in ("parents", "seniors"):
        specs = json.loads((out / audience / "variants.json").read_text())
        assert len(specs) == 2 and all(s["segment"] == audience and s["elements"]["palette"] for s in specs)
        for spec in specs:
            assert list((out / audience / spec["id"]).glob("*_300x250_*.png"))
        sheet = Image.open(out / audience / "contact_sheet.png")
        assert sheet.width > 2 * 300
    code, _, err = run_cli([*args[:4], "--audience", "parents,Seniors", *args[6:]], capsys)
    assert code == 2 and "unknown segment 'Seniors'" in err and "seniors" in err
