"""Prices read by the currency's own conventions (babel's CLDR number parsing); ambiguity is refused.

A price string may carry a currency sign or code ("$19.99", "19,99 €", "EUR 1.299,50", "199元"). The
number is read with the separators of the locales where the currency is used (CLDR data from babel):
"19,99" is 19.99 for EUR but an error for USD, whose decimal mark is a point. A string that two of
those conventions read as different amounts ("1.000" EUR: 1 or 1000) is refused, and so is a sign
that contradicts the currency ("$19.99" with CNY). Plain machine numbers ("19.99", what JSON, CSV
exports and Product.to_dict write) are read as they are for every currency.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, get_currency_precision, parse_decimal

from adcraft.errors import InvalidInputError

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}  # display
# CLDR locales whose number conventions each currency's prices are written in
CURRENCY_LOCALES = {
    "CNY": ("zh_Hans_CN",),
    "USD": ("en_US",),
    "EUR": ("de_DE", "en_IE"),  # decimal comma (19,99) and decimal point (19.99) are both in use
    "GBP": ("en_GB",),
    "JPY": ("ja_JP",),
    "HKD": ("zh_Hant_HK",),
}
# signs and codes a price may carry (after NFKC: ￥ -> ¥), and the currencies each one can mean
PRICE_SIGNS = {
    "¥": ("CNY", "JPY"),
    "元": ("CNY",),
    "RMB": ("CNY",),
    "CN¥": ("CNY",),
    "$": ("USD", "HKD"),
    "US$": ("USD",),
    "HK$": ("HKD",),
    "€": ("EUR",),
    "£": ("GBP",),
    "円": ("JPY",),
    "JP¥": ("JPY",),
    **{code: (code,) for code in CURRENCY_SYMBOLS},
}
MAX_PRICE = Decimal("1e9")  # a guard against pasted IDs or phone numbers in the price field
_NUMBER = r"[0-9][0-9.,]*|[.,][0-9]+"
_SIGN = r"[^\s0-9.,+-]+"
_PRICE = re.compile(rf"^([+-])?\s*({_SIGN})?\s*([+-])?\s*({_NUMBER})\s*({_SIGN})?$")
_MACHINE = re.compile(r"^[0-9]+(\.[0-9]+)?$")  # what str(Decimal) and JSON numbers look like
_NOT_FINITE = {"nan", "inf", "infinity", "+inf", "-inf", "-infinity", "+infinity", "snan"}


def minor_digits(currency: str) -> int:
    """Decimal places a price in this currency may have (CLDR: 2 for most, 0 for JPY)."""
    return get_currency_precision(currency)


def decimals(amount: Decimal) -> int:
    """Significant decimal places of an amount (19.90 -> 1, 100.000 -> 0)."""
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def price_examples(currency: str) -> str:
    """'199, 19.99 or 1,299.50' in the currency's own conventions, for error messages."""
    shown = ["199"]
    pattern = "#,##0.00" if minor_digits(currency) else "#,##0"
    for locale in CURRENCY_LOCALES[currency]:
        for value in ("19.99", "1299.50") if minor_digits(currency) else ("1299",):
            text = format_decimal(Decimal(value), format=pattern, locale=locale)
            if text not in shown:
                shown.append(text)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def check_currency(currency: Any) -> str:
    """The upper-cased ISO code; refuse anything but one of CURRENCY_SYMBOLS."""
    if not isinstance(currency, str):
        raise InvalidInputError(f"currency {currency!r} must be a string, one of {sorted(CURRENCY_SYMBOLS)}")
    code = currency.strip().upper()
    if code not in CURRENCY_SYMBOLS:
        raise InvalidInputError(f"currency {currency!r} must be one of {sorted(CURRENCY_SYMBOLS)}")
    return code


def _from_number(value: Any, name: str) -> Decimal:
    if isinstance(value, bool):
        raise InvalidInputError(f"{name} {value!r} is not a number; give an amount like 199 or 19.99")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(f"{name} {value!r} must be a finite amount like 199 or 19.99")
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite():
        raise InvalidInputError(f"{name} {value!r} must be a finite amount like 199 or 19.99")
    return amount


def _check_signs(value: str, signs: list[str], currency: str, name: str) -> None:
    for sign in signs:
        meant = PRICE_SIGNS.get(sign) or PRICE_SIGNS.get(sign.upper())
        if meant is None:
            raise InvalidInputError(
                f"{name} {value!r} has {sign!r}, which is not a currency sign or code; "
                f"give a number, optionally with {CURRENCY_SYMBOLS[currency]!r} or {currency!r}"
            )
        if currency not in meant:
            raise InvalidInputError(
                f"{name} {value!r} is in {' or '.join(meant)} ({sign}) but the currency is {currency}; "
                f"set the currency to {' or '.join(meant)} or drop the sign"
            )


def _readings(number: str, currency: str) -> set[Decimal]:
    """Every amount the number means under the currency's conventions (machine form included)."""
    found = {Decimal(number)} if _MACHINE.match(number) else set()
    for locale in CURRENCY_LOCALES[currency]:
        try:
            found.add(parse_decimal(number, locale=locale, strict=True))
        except (NumberFormatError, InvalidOperation):
            continue
    if len(found) > 1:  # a reading with more decimals than the currency has is not a price
        fitting = {a for a in found if decimals(a) <= minor_digits(currency)}
        found = fitting or found
    return found


def parse_price(value: Any, currency: str, name: str = "price") -> Decimal | None:
    """A price (number, or string with an optional sign/code) as a Decimal, read by currency's rules.

    None or an empty string give None. Refuses signs that contradict the currency, separators the
    currency does not use, and strings its conventions read as two different amounts.
    """
    currency = check_currency(currency)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        if not isinstance(value, (int, float, Decimal)):
            raise InvalidInputError(f"{name} {value!r} is not a number; give an amount like 199 or 19.99")
        return _from_number(value, name)
    text = unicodedata.normalize("NFKC", value).strip()
    if text.lower() in _NOT_FINITE:
        raise InvalidInputError(f"{name} {value!r} must be a finite amount like 199 or 19.99")
    match = _PRICE.match(text)
    if not match or (match.group(1) and match.group(3)):
        raise InvalidInputError(
            f"{name} {value!r} is not a number; give an amount like {price_examples(currency)}"
        )
    minus, before, minus_after, number, after = match.groups()
    _check_signs(value, [s for s in (before, after) if s], currency, name)
    readings = _readings(number, currency)
    if not readings:
        raise InvalidInputError(
            f"{name} {value!r} is not a number as {currency} prices are written; "
            f"give an amount like {price_examples(currency)}"
        )
    if len(readings) > 1:
        low, high = (format(a.normalize(), "f") for a in (min(readings), max(readings)))
        raise InvalidInputError(
            f"{name} {value!r} is ambiguous in {currency} ({low} or {high}); "
            f"write it without thousands separators, e.g. {low} or {high}"
        )
    amount = readings.pop()
    return -amount if "-" in (minus, minus_after) else amount


def check_amount(amount: Decimal, currency: str, name: str = "price") -> Decimal:
    """Refuse a negative amount, one above MAX_PRICE, or one with more decimals than the currency has."""
    if amount < 0:
        raise InvalidInputError(f"{name} {amount} is negative; it must be 0 or more")
    if amount > MAX_PRICE:
        raise InvalidInputError(f"{name} {amount} is above the maximum {MAX_PRICE:,.0f}")
    places = minor_digits(currency)
    if decimals(amount) > places:
        if not places:
            raise InvalidInputError(f"{name} {amount} must be a whole number for {currency}")
        raise InvalidInputError(
            f"{name} {amount} has {decimals(amount)} decimal places; {currency} allows {places}"
        )
    return amount


def check_prices(price: Decimal | None, original_price: Decimal | None, currency: str) -> None:
    """A product's parsed price pair: each amount valid for the currency, the list price not below."""
    currency = check_currency(currency)
    for name, amount in (("price", price), ("original_price", original_price)):
        if amount is not None:
            check_amount(amount, currency, name)
    if original_price is not None:
        if price is None:
            raise InvalidInputError("original_price is given without price; give both or neither")
        if original_price < price:
            raise InvalidInputError(
                f"original_price {original_price} is below price {price}; it must be at least the price"
            )
