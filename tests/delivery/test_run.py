import json

import pytest

from adcraft.creative.aigc import AILabel
from adcraft.creative.product import Product
from adcraft.creative.themes import apply_theme_copy, get_theme
from adcraft.delivery.run import check_networks, check_theme, deliver_networks
from adcraft.errors import InvalidInputError, NotFoundError


def test_network_and_theme_names_are_checked_before_any_work():
    assert check_networks(["google-display", "Google-Display", "taobao-main"]) == (
        "google-display",
        "taobao-main",
    )
    assert check_theme("双十一") == "双11" and check_theme(None) is None
    with pytest.raises(NotFoundError, match="known networks"):
        check_networks(["tiktok-ads"])
    with pytest.raises(InvalidInputError, match="theme"):
        check_theme(" ")


def test_themed_taobao_and_amazon_deliveries_validate(tmp_path, composer, product_visual, copy_zh):
    product = Product(title="法式碎花连衣裙", price=199, original_price=299, brand="花间")
    theme = get_theme("双11")
    deliveries = deliver_networks(
        ["taobao-main", "amazon-main"],
        product,
        apply_theme_copy(copy_zh, theme),
        product_visual,
        tmp_path,
        "dress",
        palette=theme.palette,
        family="classic",
        source={"kind": "generated", "model": {"id": "adcraft-test"}},
        theme="双11",
        label=AILabel(lang="zh"),
        composer=composer,
    )
    assert [d.network for d in deliveries] == ["taobao-main", "amazon-main"]
    for delivery in deliveries:
        assert delivery.passed, delivery.failures()
    taobao = json.loads((tmp_path / "taobao-main" / "manifest.json").read_text(encoding="utf-8"))
    assert taobao["theme"] == "双11" and taobao["validation"]["passed"]
    (entry,) = taobao["creatives"]
    assert any(t["element"] == "ai_label" for t in entry["texts"])
    assert entry["content_label"]["Xmp.iptcExt.AISystemUsed"] == "adcraft-test"
    layout = json.loads((tmp_path / "taobao-main" / entry["layout_file"]).read_text(encoding="utf-8"))
    assert layout["theme"] == "双11" and layout["model_id"] == "adcraft-test"
