import io
import json

import numpy as np
import pytest
from PIL import Image

from adcraft.delivery.layers import split_layers
from adcraft.delivery.spec import CreativeSpec, load_spec
from adcraft.delivery.svg import creative_svg
from adcraft.errors import InvalidInputError


def test_spec_renders_the_creative_exactly_and_survives_a_round_trip(tmp_path, creative, product_visual):
    spec = CreativeSpec.from_creative(creative, product_visual)
    assert np.array_equal(np.asarray(spec.render().image), np.asarray(creative.image))
    path = spec.save(tmp_path / "ad.layout.json")
    assert (tmp_path / "ad.visual.png").is_file()
    again = load_spec(path)
    assert np.array_equal(np.asarray(again.render().image), np.asarray(creative.image))


def test_a_banner_with_its_label_strip_and_a_story_in_its_safe_zone_re_render_exactly(
    composer, product_visual, copy_zh
):
    from adcraft.creative.placements import Placement

    from .conftest import compose

    for placement, zone in ((Placement("b", 320, 50), None), ("1080x1920", (0.14, 0.0, 0.14, 0.0))):
        creative = compose(composer, product_visual, copy_zh, placement, safe_zone=zone)
        rendered = CreativeSpec.from_creative(creative, product_visual).render()
        assert np.array_equal(np.asarray(rendered.image), np.asarray(creative.image)), placement


def test_an_edited_headline_and_moved_box_re_render(tmp_path, creative, product_visual):
    path = CreativeSpec.from_creative(creative, product_visual).save(tmp_path / "ad.layout.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["texts"]["headline"] = "新款碎花裙"
    x, y, w, h = data["layout"]["boxes"]["product"]
    data["layout"]["boxes"]["product"] = [x + 10, y, w - 10, h]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rendered = load_spec(path).render()
    headline = next(t for t in rendered.texts if t.element == "headline")
    assert headline.text == "新款碎花裙" and rendered.product_box.x >= x + 10
    assert not np.array_equal(np.asarray(rendered.image), np.asarray(creative.image))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["layout"]["boxes"].update(headline=[0, 0, 9999, 10]), "inside the 300x250 canvas"),
        (lambda d: d["texts"].update(headline=""), "headline is empty"),
        (lambda d: d["texts"].update(slogan="x"), "unknown texts"),
        (lambda d: d.update(visual="../etc/passwd"), "file name beside the layout file"),
        (lambda d: d["palette"].update(text="red"), "#RRGGBB"),
        (lambda d: d.update(theme="easter"), "known themes"),
    ],
)
def test_bad_layout_files_are_refused_with_what_is_wrong(tmp_path, creative, product_visual, edit, message):
    path = CreativeSpec.from_creative(creative, product_visual).save(tmp_path / "ad.layout.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match=message) as info:
        load_spec(path)
    assert isinstance(info.value, (InvalidInputError, LookupError))


def test_layers_stack_back_to_the_creative(creative, product_visual):
    from adcraft.delivery.layers import LayerState, composite

    layers = split_layers(CreativeSpec.from_creative(creative, product_visual))
    names = [layer.name for layer in layers.layers]
    assert {"product", "headline", "price", "badge", "cta", "label"} <= set(names)
    assert names[-1] == "label"  # the AI label stays on top
    assert np.array_equal(np.asarray(composite(layers, {})), np.asarray(creative.image))
    hidden = composite(layers, {"cta": LayerState(opacity=0.0)})
    box = layers.get("cta").box
    region = (box.x, box.y, box.right, box.bottom)
    assert np.array_equal(np.asarray(hidden.crop(region)), np.asarray(layers.background.crop(region)))


def test_svg_has_text_as_text_and_rasterises_close_to_the_png(creative, product_visual):
    import resvg_py

    from adcraft.creative.fonts import font_path

    spec = CreativeSpec.from_creative(creative, product_visual)
    svg = creative_svg(spec, split_layers(spec))
    for group in ('id="background"', 'id="decorations"', 'id="product"', 'id="shapes"', 'id="text"'):
        assert group in svg
    assert "法式碎花连衣裙" in svg and 'font-family="Noto Sans CJK SC"' in svg
    png = resvg_py.svg_to_bytes(svg_string=svg, font_files=[str(font_path())], skip_system_fonts=True)
    raster = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"), dtype=np.float32)
    diff = np.abs(raster - np.asarray(creative.image, dtype=np.float32)).mean(axis=2)
    assert raster.shape[:2] == (250, 300)
    assert diff.mean() < 6.0  # text anti-aliasing differs a little between renderers
    product = creative.layout.boxes["product"]
    assert diff[product.y : product.bottom, product.x : product.right].mean() < 1.0
