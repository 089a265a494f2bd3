"""Product fields: validation naming the field, language detection, file loading, price and discount text."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.product import (
    CURRENCY_SYMBOLS,
    MAX_TITLE_CHARS,
    Product,
    detect_language,
    format_discount,
    format_price,
    has_visible_text,
    load_product,
)
from adcraft.errors import AdcraftError, InvalidInputError


def make(**fields) -> Product:
    """A validated product with a default title, overridden by fields."""
    return Product(**{"title": "这是一款优雅的连衣裙", **fields}).validate()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, r"^title is empty"),
        ({"title": "   \t"}, r"^title is empty"),
        ({"title": "🔥🔥✨"}, r"^title '🔥🔥✨' has no letters or digits"),
        ({"title": "\x00\x07\u200b"}, r"^title .* has no letters or digits"),
        (
            {"title": "裙" * (MAX_TITLE_CHARS + 1)},
            rf"^title has {MAX_TITLE_CHARS + 1} characters; at most {MAX_TITLE_CHARS}",
        ),
        ({"price": -1}, r"^price -1 is negative"),
        ({"price": "abc"}, r"^price 'abc' is not a number"),
        ({"price": "19.9.9"}, r"^price '19.9.9' is not a number"),
        ({"price": True}, r"^price True is not a number"),
        ({"price": float("nan")}, r"^price nan must be a finite amount"),
        ({"price": "inf"}, r"^price 'inf' must be a finite amount"),
        ({"price": 1e12}, r"^price .* is above the maximum"),
        ({"price": 100, "original_price": 80}, r"^original_price 80 is below price 100"),
        ({"original_price": 80}, r"^original_price is given without price"),
        ({"price": 10, "original_price": -5}, r"^original_price -5 is negative"),
        ({"price": 9.5, "currency": "JPY"}, r"^price 9.5 must be a whole number for JPY"),
        ({"language": "fr"}, r"^language 'fr' must be one of \['auto', 'zh', 'en'\]"),
        ({"brand_colors": ["red"]}, r"^brand_colors item 'red' must look like #RRGGBB"),
        ({"brand_colors": "#ff0000"}, r"^brand_colors must be a list of strings"),
        ({"selling_points": ["好看", "🎉"]}, r"^selling_points\[1\] '🎉' has no letters or digits"),
        ({"banned_terms": ["Acme", "--"]}, r"^banned_terms\[1\] '--' must hold letters or digits, 1-50"),
        ({"banned_terms": ["x" * 51]}, r"^banned_terms\[0\] 'x+' must hold letters or digits, 1-50"),
        ({"banned_terms": ["a"] * 201}, r"^banned_terms has 201 items; at most 200"),
        ({"title": 42}, r"^title 42 must be a string"),
        ({"photo": 3}, r"^photo 3 must be a file path"),
    ],
)
def test_validation_names_the_field(fields, message):
    with pytest.raises(InvalidInputError, match=message) as info:
        make(**fields)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, AdcraftError)


def test_unknown_currency_lists_allowed_ones():
    with pytest.raises(InvalidInputError) as info:
        make(currency="XYZ")
    message = str(info.value)
    assert message.startswith("currency 'XYZ' must be one of")
    assert all(code in message for code in CURRENCY_SYMBOLS)


def test_valid_product_normalises_fields():
    p = make(
        price="$1,299", original_price="1599.00", currency=" usd ", language=" ZH ", brand_colors=["#AA00ff"]
    )
    assert p.price == Decimal(1299) and p.original_price == Decimal("1599.00")
    assert p.currency == "USD" and p.language == "zh"


def test_title_at_the_limit_is_accepted():
    assert make(title="a" * MAX_TITLE_CHARS).title == "a" * MAX_TITLE_CHARS


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("这是一款优雅的连衣裙", "zh"),
        ("iPhone 15 Pro 手机壳 防摔", "zh"),
        ("A soft cotton summer dress", "en"),
        ("Organic green tea, 100 g", "en"),
        ("12345", "en"),
        ("", "en"),
        ("纯棉T恤 cotton", "zh"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_lang_property_detects_or_is_forced():
    assert make(title="A soft cotton dress").lang == "en"
    assert make(title="A soft cotton dress", description="这是一款优雅的连衣裙，纯棉面料").lang == "zh"
    assert make(title="这是一款优雅的连衣裙", language="en").lang == "en"


def test_text_joins_title_points_and_description():
    p = make(title="连衣裙", selling_points=["纯棉"], description="适合夏天")
    assert p.text == "连衣裙。纯棉。适合夏天"
    assert make(title="Dress", description="For summer").text == "Dress. For summer"


def test_has_visible_text():
    assert has_visible_text("a🔥") and has_visible_text("裙") and has_visible_text("7")
    assert not has_visible_text("🔥 ✨\u200b\n")


def test_load_json_and_yaml(tmp_path):
    data = {"title": "Linen shirt", "price": 39.9, "currency": "USD", "photo": "shirt.png", "brand": "Acme"}
    (tmp_path / "p.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "title: 亚麻衬衫\nprice: 199\noriginal_price: 299\nselling_points: [透气, 凉爽]\n", encoding="utf-8"
    )
    p = load_product(tmp_path / "p.json")
    assert p.price == Decimal("39.9") and p.currency == "USD" and p.lang == "en"
    assert p.photo == tmp_path / "shirt.png"  # relative paths resolve beside the file
    q = load_product(tmp_path / "p.yaml")
    assert (q.price, q.original_price, q.selling_points, q.lang) == (
        Decimal(199),
        Decimal(299),
        ["透气", "凉爽"],
        "zh",
    )
    assert Product.from_dict(json.loads(json.dumps(q.to_dict()))) == q  # round trip


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.json", "{not json", r"^product file 'p.json' is not valid JSON"),
        ("p.yaml", "title: [unclosed", r"^product file 'p.yaml' is not valid YAML"),
        ("p.json", "[1, 2]", r"^product file 'p.json' must hold a mapping"),
        ("p.txt", "title: x", r"^product file 'p.txt' must end in .json, .yaml or .yml"),
        ("p.json", '{"title": "x", "colour": "red"}', r"^unknown product field\(s\) \['colour'\]; allowed:"),
        ("p.yml", "price: 10\n", r"^title is missing"),
        ("p.yml", "title: ''\n", r"^title is empty"),
    ],
)
def test_load_errors(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message) as info:
        load_product(tmp_path / name)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInputError, match="does not exist"):
        load_product(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (199, "CNY", "¥199"),
        (19.99, "USD", "$19.99"),
        ("1299", "CNY", "¥1,299"),
        (Decimal("1234567.5"), "EUR", "€1,234,567.50"),
        (0, "GBP", "£0"),
        (500, "JPY", "¥500"),
        ("¥88", "CNY", "¥88"),
        ("1,299.00", "HKD", "HK$1,299"),
        (19.999, "USD", "$20"),
        ("0.005", "USD", "$0.01"),
        ("9.90", "cny", "¥9.90"),
    ],
)
def test_format_price(amount, currency, expected):
    assert format_price(amount, currency) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("abc", "CNY"), "^price 'abc' is not a number"),
        ((10, "XYZ"), "^currency 'XYZ' must be one of"),
        (("", "CNY"), "^price is empty"),
    ],
)
def test_format_price_errors(args, message):
    with pytest.raises(InvalidInputError, match=message):
        format_price(*args)


@pytest.mark.parametrize(
    ("price", "original", "zh", "en"),
    [
        (150, 200, "7.5折", "-25%"),
        (199, 299, "6.7折", "-33%"),
        (99, 100, "9.9折", "-1%"),
        (1, 3, "3.4折", "-66%"),
        (Decimal("99.5"), 100, None, None),  # 9.95折 would round up to 10折: no badge
        (100, 100, None, None),
        (120, 100, None, None),
        (None, 100, None, None),
        (100, None, None, None),
    ],
)
def test_format_discount(price, original, zh, en):
    as_dec = [None if v is None else Decimal(v) for v in (price, original)]
    assert format_discount(*as_dec, lang="zh") == zh
    assert format_discount(*as_dec, lang="en") == en


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=1, max_value=100000, places=2),
    st.decimals(min_value=1, max_value=100000, places=2),
)
def test_discount_never_overstates(a, b):
    price, original = min(a, b), max(a, b)
    paid = price / original
    zh = format_discount(price, original, "zh")
    if zh is not None:
        assert Decimal(zh[:-1]) / 10 >= paid  # the share paid is rounded up
    en = format_discount(price, original, "en")
    if en is not None:
        assert Decimal(en[1:-1]) / 100 <= 1 - paid  # the saving is rounded down
