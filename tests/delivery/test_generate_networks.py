"""generate_creatives(..., networks=, theme=): what `adcraft generate --network --theme` runs."""

import json

import pytest
from PIL import Image, ImageDraw

from adcraft import generate_creatives
from adcraft.creative.product import Product
from adcraft.errors import InvalidInputError, NotFoundError


@pytest.fixture
def photo(tmp_path):
    """A product photo on white (cut out by the shipped U2-Net model)."""
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).ellipse([60, 60, 340, 260], fill=(30, 90, 200))
    path = tmp_path / "bag.png"
    image.save(path)
    return path


def test_a_themed_generation_delivers_and_validates_each_network(tmp_path, photo):
    product = Product(title="帆布托特包", price=99, original_price=129, photo=photo)
    out = tmp_path / "out"
    creatives = generate_creatives(product, out_dir=out, theme="双十一", networks=["taobao-main", "jd-main"])
    assert creatives == []  # with networks, only the networks' own sizes are made
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["theme"] == "双11"
    assert manifest["copy"]["subline"].startswith("双11狂欢") and manifest["copy"]["cta"] == "立即抢购"
    assert manifest["compliance"]["cta"]["blocking"] is False  # theme copy checked like all copy
    assert set(manifest["networks"]) == {"taobao-main", "jd-main"}
    assert all(n["passed"] for n in manifest["networks"].values()), manifest["networks"]
    taobao = json.loads((out / "taobao-main" / "manifest.json").read_text(encoding="utf-8"))
    assert taobao["creatives"][0]["encode"]["bytes"] <= 3 * 1024 * 1024


def test_bad_networks_and_themes_fail_before_any_work(tmp_path, photo):
    product = Product(title="帆布托特包", price=99, photo=photo)
    with pytest.raises(NotFoundError, match="known networks"):
        generate_creatives(product, out_dir=tmp_path / "a", networks=["orkut"])
    with pytest.raises(NotFoundError, match="known themes"):
        generate_creatives(product, out_dir=tmp_path / "b", theme="easter")
    with pytest.raises(InvalidInputError, match="output folder"):
        generate_creatives(product, networks=["taobao-main"])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
