"""Product files and fields as an attacker or a careless export writes them: one-line errors, no crash."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.prices import CURRENCY_SYMBOLS
from adcraft.creative.product import Product, load_product
from adcraft.errors import AdcraftError, InvalidInputError

FIELDS = ["title", "description", "price", "original_price", "currency", "brand", "selling_points",
          "language", "photo", "brand_colors", "logo", "banned_terms"]  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS + ["colour", "placement"]), JSON_VALUES, max_size=6))
def test_any_mapping_is_a_product_or_one_line_error(data):
    try:
        product = Product.from_dict(data)
    except AdcraftError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:  # what was accepted reads back the same through its JSON form
        assert Product.from_dict(json.loads(json.dumps(product.to_dict()))) == product


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_title_is_a_product_or_one_line_error(title):
    try:
        Product.from_dict({"title": title})
    except InvalidInputError as exc:
        assert "\n" not in str(exc) and "title" in str(exc)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title: Shirt\ncurrency: NO\n", r"^currency 'NO' must be one of"),  # YAML 1.1 read NO as False
        ("title: Shirt\ncurrency: yes\n", r"^currency 'yes' must be one of"),
        ("title: Shirt\nprice: [1, 2]\n", r"^price \[1, 2\] is not a number"),
        ("title: Shirt\nprice: {a: 1}\n", r"^price \{'a': 1\} is not a number"),
        ("title: 1234\n", r"^title 1234 must be a string"),
        ("title: Shirt\nselling_points: cool\n", r"^selling_points must be a list of strings"),
        ("title: Shirt\nselling_points: [1, 2]\n", r"^selling_points item 1 must be a string"),
        ("title: Shirt\nlanguage: 5\n", r"^language 5 must be a string"),
        ("title: Shirt\nphoto: [a.png]\n", r"^photo \['a.png'\] must be a file path"),
        ("title: Shirt\ndescription: null\n", r"^description None must be a string"),
        ("- a\n- b\n", r"must hold a mapping"),
        ('title: "Dress\\a"\n', r"^title has the control character U\+0007"),
        ('title: Shirt\nbrand: "Ac\\x1bme"\n', r"^brand has the control character U\+001B"),
    ],
)
def test_wrongly_typed_yaml_fields_name_the_field(tmp_path, content, message):
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message) as info:
        load_product(path)
    assert "\n" not in str(info.value)


def test_yaml_booleans_are_only_true_and_false(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("title: no\nbrand: off\ndescription: Yes\n", encoding="utf-8")
    product = load_product(path)
    assert (product.title, product.brand, product.description) == ("no", "off", "Yes")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_product_file_saved_as_gbk_is_read_or_refused_in_one_line(tmp_path, encoding):
    path = tmp_path / "p.yaml"
    text = "title: 亚麻衬衫 夏季透气\nprice: 199\ncurrency: CNY\nselling_points: [透气, 凉爽, 宽松版型]\n"
    path.write_bytes(text.encode(encoding))
    product = load_product(path)  # a Chinese GBK file is told apart from its other readings
    assert product.title == "亚麻衬衫 夏季透气" and product.price == Decimal(199)


def test_a_product_file_in_an_unclear_encoding_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes('{"title": "Schöne Tasse", "brand": "Größe"}'.encode("cp1252"))
    with pytest.raises(AdcraftError, match=r"^product file 'p.json' is not UTF-8") as info:
        load_product(path)
    assert "\n" not in str(info.value)


def test_binary_product_file_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff\xe0" * 20)
    with pytest.raises(AdcraftError, match=r"is not text"):
        load_product(path)


@pytest.mark.parametrize("currency", sorted(CURRENCY_SYMBOLS))
def test_json_product_round_trip_keeps_the_price(tmp_path, currency):
    product = Product.from_dict(
        {"title": "Lamp", "price": "1299", "original_price": "1500", "currency": currency}
    )
    path = tmp_path / "p.json"
    path.write_text(json.dumps(product.to_dict()), encoding="utf-8")
    assert load_product(path) == product
