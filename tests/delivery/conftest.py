"""Fixtures for delivery tests: one real composed, themed, labelled creative (OCR QA included)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from adcraft.creative.copywriting import Copy


@pytest.fixture(scope="module")
def product_visual():
    """An RGBA product visual with a transparent background and some shading."""
    image = Image.new("RGBA", (256, 220), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.ellipse([20, 30, 236, 200], fill=(40, 90, 210, 255))
    d.ellipse([70, 60, 140, 110], fill=(120, 170, 240, 255))
    return image


@pytest.fixture(scope="module")
def copy_zh():
    """Chinese copy with a price and a discount (a theme prefixes its badge)."""
    return Copy(
        headline="法式碎花连衣裙",
        subline="轻盈雪纺，通勤约会都合适",
        selling_points=["雪纺面料透气", "收腰显瘦"],
        cta="立即购买",
        price_text="¥199",
        original_price_text="¥299",
        discount_text="6.7折",
        lang="zh",
    )


@pytest.fixture(scope="module")
def composer():
    """One composer (its OCR models load once per module)."""
    from adcraft.creative.compose import CreativeComposer

    return CreativeComposer()


def compose(composer, visual, copy, size="300x250", theme="双11", safe_zone=None):
    """A themed creative with the AI label, as generation makes it."""
    from adcraft.creative.aigc import AILabel
    from adcraft.creative.compose import texts_from_copy
    from adcraft.creative.themes import apply_theme_copy, get_theme

    t = get_theme(theme)
    texts = texts_from_copy(apply_theme_copy(copy, t))
    return composer.compose(
        size, visual, texts, t.palette, theme=t, label=AILabel(lang="zh"), safe_zone=safe_zone
    )


@pytest.fixture(scope="module")
def creative(composer, product_visual, copy_zh):
    """A 300x250 双11 creative."""
    return compose(composer, product_visual, copy_zh)
