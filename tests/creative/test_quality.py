import numpy as np
import pytest

from adcraft.creative.compose import texts_from_copy
from adcraft.creative.layout import Content, make_layout
from adcraft.creative.palette import PALETTES, brand_palette, contrast_ratio
from adcraft.creative.placements import PLACEMENTS
from adcraft.creative.quality import QAThresholds, check_rendered, read_back_score, text_contrast
from adcraft.creative.render import render_creative


def test_wcag_contrast_reference_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    "palette",
    list(PALETTES.values())
    + [brand_palette(["#f7c6d0", "#e85d8e", "#fff5f7", "#3d2c3e"]), brand_palette(["#ff6b00", "#00b4d8"])],
)
def test_palettes_keep_text_legible(palette):
    for bg in (palette.background, palette.background_end):
        assert contrast_ratio(palette.text, bg) >= 4.5
    assert contrast_ratio(palette.accent, palette.accent_text) >= 4.5


def test_read_back_score_normalises_width_space_and_punctuation():
    assert read_back_score("¥199，立即购买", "￥199 立即购买") == 1.0
    assert read_back_score("Shop now", "SHOP NOW!") == 1.0
    assert read_back_score("法式碎花连衣裙", "法式花裙") < 0.8


@pytest.mark.parametrize("key,lang", [("1200x628", "zh"), ("728x90", "en")])
def test_rendered_creatives_pass_ocr_and_contrast(key, lang, visual, zh_copy, en_copy):
    copy = zh_copy if lang == "zh" else en_copy
    placement = PLACEMENTS[key]
    layout = make_layout(placement, "split" if key == "1200x628" else "banner", Content())
    rendered = render_creative(layout, PALETTES["warm"], visual, texts_from_copy(copy), style="pattern")
    report = check_rendered(rendered)
    assert report.passed, report.failures
    assert {"headline", "price", "cta"} <= set(report.ocr)
    assert all(v["score"] >= 0.8 for v in report.ocr.values())
    assert all(v["ratio"] >= 4.5 for v in report.contrast.values())
    assert report.metrics["overlap"] == 0 and report.metrics["occlusion"] == 0
    assert report.metrics["out_of_bounds"] == 0


def test_checks_catch_text_over_the_product_and_low_contrast(visual, zh_copy):
    layout = make_layout(PLACEMENTS["800x800"], "hero", Content())
    rendered = render_creative(layout, PALETTES["clean"], visual, texts_from_copy(zh_copy))
    rendered.product_mask[:, :] = True  # pretend the product covers the canvas
    item = rendered.texts[0]
    item.color = rendered.backdrop.getpixel((item.box.x, item.box.y))  # text coloured like its background
    report = check_rendered(rendered, QAThresholds(ocr=False))
    assert not report.passed
    assert any("occlusion" in f for f in report.failures)
    assert any(f.startswith("headline contrast") for f in report.failures)
    assert text_contrast(rendered.backdrop, item) < 1.5
    assert np.isfinite(report.metrics["alignment"])
