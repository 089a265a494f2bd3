"""Copy is derived from the product's own words: no invented numbers or claims; tones and variants."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcraft.creative.compliance import check_compliance
from adcraft.creative.copywriting import HEADLINE_MAX, MAX_POINTS, TONES, copy_alternatives, write_copy
from adcraft.creative.product import Product
from adcraft.errors import InvalidInputError

DRESS = Product(
    title="法式碎花连衣裙",
    description="轻盈雪纺面料，透气不闷热。收腰设计显瘦，V领修饰脸型，裙长过膝。",
    price=Decimal(199),
    original_price=Decimal(299),
    brand="花间",
)
SHOES = Product(
    title="Cloud Runner sneakers",
    description="Breathable mesh upper. Cushioned foam sole. Weighs 250 g.",
    price=Decimal("59.99"),
    currency="USD",
    brand="Cloud Runner",
)


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("product", [DRESS, SHOES])
def test_every_tone_gives_complete_copy_in_the_product_language(product, tone):
    copy = write_copy(product, tone=tone)
    assert copy.lang == product.lang and copy.tone == tone
    assert copy.headline and copy.cta and copy.price_text
    assert len(copy.headline) <= HEADLINE_MAX[copy.lang] and len(copy.selling_points) <= MAX_POINTS
    assert copy.headline_id.startswith(f"{copy.lang}.{tone}.headline.")


def test_price_block_and_discount():
    copy = write_copy(DRESS)
    assert (copy.price_text, copy.original_price_text, copy.discount_text) == ("¥199", "¥299", "6.7折")
    shoes = write_copy(SHOES)
    assert shoes.price_text == "$59.99" and shoes.original_price_text is None and shoes.discount_text is None


def test_variants_choose_different_headlines_and_ctas():
    options = copy_alternatives(DRESS, tone="neutral")
    headlines = {o.text for o in options if o.kind == "headline"}
    assert len(headlines) >= 2
    assert {write_copy(DRESS, variant=v).headline for v in range(3)} == headlines
    assert len({write_copy(DRESS, variant=v).cta for v in range(3)}) == 3


def test_brand_already_in_title_is_not_repeated():
    assert all(write_copy(SHOES, variant=v).headline.count("Cloud Runner") == 1 for v in range(3))


def test_description_clauses_with_the_merchants_banned_words_stay_out_of_the_copy():
    product = Product(
        title="Cloud runner",
        language="en",
        price=59,
        currency="USD",
        banned_terms=["Acme"],
        description="Lighter than Acme runners. Breathable knit upper. Cushioned sole for long runs.",
    )
    copy = write_copy(product)
    texts = " ".join(copy.texts().values())
    assert "Acme" not in texts and "Breathable knit upper" in texts
    unbanned = write_copy(
        Product(
            title="Cloud runner", language="en", price=59, currency="USD", description=product.description
        )
    )
    assert "Acme" in " ".join(unbanned.texts().values())  # the same clause is used when nothing bans it


def test_merchant_selling_points_are_preferred():
    product = Product(
        title="保温杯",
        description="不锈钢内胆。",
        price=Decimal(89),
        selling_points=["12小时保温", "316不锈钢"],
    )
    assert write_copy(product).selling_points == ["12小时保温", "316不锈钢"]


@pytest.mark.parametrize(
    "kwargs, message",
    [({"tone": "loud"}, "tone 'loud' must be one of"), ({"lang": "fr"}, "lang 'fr' must be one of")],
)
def test_bad_tone_or_language(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        write_copy(DRESS, **kwargs)


WORDS = st.sampled_from(
    [
        "连衣裙",
        "纯棉",
        "T恤",
        "透气",
        "舒适",
        "cotton",
        "shirt",
        "soft",
        "blue",
        "light",
        "经典",
        "日常",
        "通勤",
        "wool",
        "warm",
        "牛仔裤",
        "daily",
        "简约",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    title=st.lists(WORDS, min_size=1, max_size=4).map(" ".join),
    description=st.lists(st.tuples(WORDS, WORDS).map(" ".join), max_size=4).map("，".join),
    price=st.decimals(min_value=1, max_value=9999, places=0),
    tone=st.sampled_from(TONES),
    variant=st.integers(0, 5),
)
def test_copy_never_invents_numbers_or_forbidden_claims(title, description, price, tone, variant):
    product = Product(title=title, description=description, price=price)
    copy = write_copy(product, tone=tone, variant=variant)
    price_texts = [t for t in (copy.price_text, copy.original_price_text, copy.discount_text) if t]
    source = " ".join([title, description, *price_texts])  # the input's words and its formatted prices
    for slot, text in copy.texts().items():
        for number in re.findall(r"\d+", text):
            assert number in source, (slot, text)
        assert not check_compliance(text).hits, (slot, text)
