"""Prices by the currency's conventions: round trips, refusals of ambiguity and contradicting signs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from adcraft.creative.prices import (
    CURRENCY_LOCALES,
    CURRENCY_SYMBOLS,
    PRICE_SIGNS,
    minor_digits,
    parse_price,
)
from adcraft.creative.product import Product, format_price
from adcraft.errors import InvalidInputError

CURRENCIES = sorted(CURRENCY_SYMBOLS)


@st.composite
def priced(draw):
    """(currency, amount) with no more decimals than the currency has."""
    currency = draw(st.sampled_from(CURRENCIES))
    places = minor_digits(currency)
    cents = draw(st.integers(min_value=0, max_value=10**9 * 10**places))
    return currency, Decimal(cents).scaleb(-places)


@given(priced())
def test_machine_form_reads_back_for_every_currency(case):
    currency, amount = case
    # str(Decimal) is what Product.to_dict and JSON exports write
    assert parse_price(str(amount), currency) == amount


@given(priced(), st.data())
def test_each_locale_s_own_formatting_reads_back(case, data):
    currency, amount = case
    locale = data.draw(st.sampled_from(CURRENCY_LOCALES[currency]))
    pattern = "#,##0.00" if minor_digits(currency) else "#,##0"
    text = format_decimal(amount, format=pattern, locale=locale)
    assert parse_price(text, currency) == amount
    sign = data.draw(st.sampled_from([s for s, meant in PRICE_SIGNS.items() if currency in meant]))
    assert parse_price(f"{sign}{text}", currency) == amount
    assert parse_price(f"{text} {sign}", currency) == amount


@given(st.sampled_from(CURRENCIES), st.sampled_from(sorted(PRICE_SIGNS)), st.integers(0, 10**6))
def test_a_sign_that_contradicts_the_currency_is_refused(currency, sign, amount):
    if currency in PRICE_SIGNS[sign]:
        assert parse_price(f"{sign}{amount}", currency) == amount
        return
    with pytest.raises(InvalidInputError, match=r"but the currency is"):
        parse_price(f"{sign}{amount}", currency)


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.booleans(), st.none()))
def test_any_input_gives_an_amount_or_one_line_error(value):
    for currency in CURRENCIES:
        try:
            amount = parse_price(value, currency)
        except InvalidInputError as exc:
            assert "\n" not in str(exc)
            assert str(exc).startswith("price ")
        else:
            assert amount is None or amount.is_finite()


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("19,99", "EUR", Decimal("19.99")),  # was drawn as €1,999
        ("19.99", "EUR", Decimal("19.99")),
        ("1.299,50 €", "EUR", Decimal("1299.50")),
        ("EUR 1,299.50", "EUR", Decimal("1299.50")),
        ("$19.99", "USD", Decimal("19.99")),
        ("US$ 5", "USD", Decimal(5)),
        ("¥1,299", "CNY", Decimal(1299)),
        ("199元", "CNY", Decimal(199)),
        ("￥１９９", "JPY", Decimal(199)),  # full-width forms
        ("HK$1,299", "HKD", Decimal(1299)),
        (19.99, "EUR", Decimal("19.99")),
        (Decimal("5"), "GBP", Decimal(5)),
        ("", "USD", None),
        (None, "USD", None),
    ],
)
def test_prices_read_by_the_currency(value, currency, expected):
    assert parse_price(value, currency) == expected


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("1,2,3", "CNY", r"is not a number as CNY prices are written"),  # was ¥123
        ("$19.99", "CNY", r"is in USD or HKD \(\$\) but the currency is CNY"),  # was ¥19.99
        ("19,99", "USD", r"is not a number as USD prices are written"),
        ("1.000", "EUR", r"is ambiguous in EUR \(1 or 1000\)"),
        ("100.000", "EUR", r"is ambiguous in EUR \(100 or 100000\)"),
        ("€5", "GBP", r"is in EUR \(€\) but the currency is GBP"),
        ("5 kg", "CNY", r"'kg', which is not a currency sign"),
        ("1e3", "USD", r"is not a number"),
        ("inf", "USD", r"must be a finite amount"),
        (True, "USD", r"is not a number"),
        ([1], "USD", r"is not a number"),
        ("--5", "USD", r"is not a number"),
    ],
)
def test_ambiguous_or_contradicting_prices_are_refused(value, currency, message):
    with pytest.raises(InvalidInputError, match=message):
        parse_price(value, currency)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "19.999", "currency": "USD"}, r"^price 19.999 has 3 decimal places; USD allows 2"),
        ({"price": "1.5", "currency": "JPY"}, r"^price 1.5 must be a whole number for JPY"),
        ({"price": "$5", "currency": "EUR"}, r"^price '\$5' is in USD or HKD"),
        ({"price": "5", "currency": False}, r"^currency False must be a string"),
        ({"price": "5", "currency": "NO"}, r"^currency 'NO' must be one of"),
    ],
)
def test_product_refuses_prices_the_currency_cannot_have(fields, message):
    with pytest.raises(InvalidInputError, match=message):
        Product.from_dict({"title": "Linen shirt", **fields})


def test_product_draws_the_price_it_was_given():
    product = Product.from_dict({"title": "Linen shirt", "price": "19,99", "currency": "EUR"})
    assert format_price(product.price, product.currency, "en") == "€19.99"
    assert Product.from_dict(product.to_dict()) == product  # round trip through the machine form
