"""Price claims: a discount needs an original price, may not overstate it, and its basis is recorded."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from adcraft.creative.compliance.price import check_price_claims
from adcraft.creative.copywriting import Copy
from adcraft.creative.product import Product, format_discount
from adcraft.errors import InvalidInputError

PRICE, ORIGINAL = Decimal(199), Decimal(299)


@pytest.mark.parametrize(
    ("price", "original", "lang", "badge"),
    [(199, 299, "zh", "6.7折"), (75, 100, "zh", "7.5折"), (199, 299, "en", "-33%"), (99, 100, "zh", "9.9折")],
)
def test_the_badge_is_computed_and_rounded_never_in_the_shops_favour(price, original, lang, badge):
    assert format_discount(Decimal(price), Decimal(original), lang) == badge
    assert check_price_claims({"discount_text": badge}, Decimal(price), Decimal(original))["claims"]


@pytest.mark.parametrize(
    ("texts", "match"),
    [
        (
            {"discount_text": "6折"},
            r"discount_text claims '6折', more than the prices allow .* at least 6.66",
        ),
        ({"headline": "限时立减150元"}, r"headline claims '限时立减150元'.*amount at most 100"),
        ({"subline": "Save 40% today"}, r"subline claims 'Save 40% today'.*percent at most 33.44"),
        ({"point_0": "-34%"}, r"percent at most 33.44"),
    ],
)
def test_a_discount_larger_than_the_prices_allow_is_an_error(texts, match):
    with pytest.raises(InvalidInputError, match=match):
        check_price_claims(texts, PRICE, ORIGINAL)


def test_a_discount_or_struck_price_needs_the_original_price():
    with pytest.raises(InvalidInputError, match="needs both price and original_price"):
        check_price_claims({"discount_text": "7折"}, PRICE, None)
    with pytest.raises(InvalidInputError, match="needs both price and original_price"):
        check_price_claims({"original_price_text": "¥299"}, PRICE, None)
    assert (
        check_price_claims({"headline": "满199减20元"}, PRICE, None)["claims"] == []
    )  # 满减: no original needed


def test_claims_within_the_prices_are_recorded_with_the_basis():
    basis = check_price_claims(
        {"discount_text": "6.7折", "headline": "立减100元", "cta": "100%纯棉"}, PRICE, ORIGINAL
    )
    assert basis["price"] == "199" and basis["original_price"] == "299" and basis["ratio_paid"] == "0.6656"
    assert [(c["element"], c["kind"], c["value"]) for c in basis["claims"]] == [
        ("discount_text", "zhe", "6.7"),
        ("headline", "amount", "100"),
    ]


def test_generation_refuses_an_overstated_badge_before_writing_and_records_the_basis(tmp_path, shoe_photo):
    from adcraft.generate import generate_creatives

    product = Product(title="Cloud Runner sneakers", price=199, original_price=299, photo=shoe_photo)
    bad = Copy(
        headline="跑鞋",
        subline="",
        selling_points=[],
        cta="立即购买",
        price_text="¥199",
        original_price_text="¥299",
        discount_text="5折",
        lang="zh",
    )
    with pytest.raises(InvalidInputError, match="more than the prices allow"):
        generate_creatives(product, "800x800", out_dir=tmp_path / "bad", copy=bad)
    assert not (tmp_path / "bad").exists()
    good = Copy(
        headline="跑鞋",
        subline="",
        selling_points=[],
        cta="立即购买",
        price_text="¥199",
        original_price_text="¥299",
        discount_text="6.7折",
        lang="zh",
    )
    generate_creatives(product, "800x800", out_dir=tmp_path / "ok", copy=good)
    manifest = json.loads((tmp_path / "ok" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["price_claims"]["discount_text"] == "6.7折"
    assert manifest["price_claims"]["claims"][0]["kind"] == "zhe"
