"""Price claims (明码标价和禁止价格欺诈规定, SAMR 2022): discount badges and crossed-out prices.

- A discount may be shown only against a stated original price: a badge or a crossed-out price without
  one is an error.
- The badge is computed from the two prices and rounded the way shops write it, never in the shop's
  favour (product.format_discount: 折 rounded up to a tenth, percent off rounded down).
- Any discount the copy claims (N折, 立减/省 N 元, -N%, N% off, save $N) may not be larger than the
  prices give; a larger one is an error naming the claim and what the prices allow.
- The manifest records the basis: both prices, the ratio paid, the badge and the rule.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from adcraft.errors import InvalidInputError

PRICE_RULE = "明码标价和禁止价格欺诈规定 (SAMR 2022) arts. 15-19: 折扣、划线价须有真实的原价依据"
_ZHE = re.compile(r"(\d+(?:\.\d+)?)折")  # 7.5折 (share paid, in tenths)
_OFF_AMOUNT = re.compile(r"(?:立减|直降|省|减|优惠)[¥$€£]?(\d+(?:\.\d+)?)(?:元|块)|save[¥$€£](\d+(?:\.\d+)?)")
_OFF_PERCENT = re.compile(r"(?:-|减|省|save|up to)(\d+(?:\.\d+)?)%|(\d+(?:\.\d+)?)%off")


def _claims(text: str) -> list[tuple[str, Decimal]]:
    """(kind, value) of each discount claimed in a text: ("zhe", 7.5), ("amount", 50), ("percent", 25)."""
    # NFKC (full-width digits, ％) and case, spaces dropped; decimal points and minus signs are kept
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold()).replace("hk$", "$")
    flat = flat.replace("\u2212", "-").replace("\u2013", "-")
    found = [("zhe", Decimal(m.group(1))) for m in _ZHE.finditer(flat)]
    found += [("amount", Decimal(m.group(1) or m.group(2))) for m in _OFF_AMOUNT.finditer(flat)]
    found += [("percent", Decimal(m.group(1) or m.group(2))) for m in _OFF_PERCENT.finditer(flat)]
    return found


def _allowed(kind: str, price: Decimal, original: Decimal) -> Decimal:
    """The most a claim of this kind may say for these prices (zhe: the least share paid)."""
    if kind == "zhe":
        return price / original * 10
    if kind == "amount":
        return original - price
    return (1 - price / original) * 100


def _overstates(kind: str, value: Decimal, allowed: Decimal) -> bool:
    return value < allowed if kind == "zhe" else value > allowed


def check_price_claims(
    texts: dict[str, str], price: Decimal | None, original: Decimal | None
) -> dict[str, Any]:
    """Check every discount the copy shows or claims against the prices; returns the manifest's basis."""
    badge = texts.get("discount_text")
    if (badge or texts.get("original_price_text")) and (price is None or original is None):
        raise InvalidInputError(
            "a discount or crossed-out price needs both price and original_price; give the original price"
        )
    basis: dict[str, Any] = {"rule": PRICE_RULE, "price": None, "original_price": None, "claims": []}
    if price is None or original is None:
        return basis
    basis.update(
        price=str(price),
        original_price=str(original),
        ratio_paid=str((price / original).quantize(Decimal("0.0001"))) if original else None,
        discount_text=badge,
        evidence="the original price is the merchant's stated list price; keep proof it was charged",
    )
    for name, text in texts.items():
        if name in ("price_text", "original_price_text"):
            continue
        for kind, value in _claims(text):
            if original <= price:
                raise InvalidInputError(
                    f"{name} claims a discount {text!r} but price is not below original_price"
                )
            allowed = _allowed(kind, price, original)
            if _overstates(kind, value, allowed):
                limit = f"{allowed:.2f}".rstrip("0").rstrip(".")
                raise InvalidInputError(
                    f"{name} claims {text!r}, more than the prices allow ({price} of {original}: "
                    f"{kind} {'at least' if kind == 'zhe' else 'at most'} {limit})"
                )
            basis["claims"].append({"element": name, "kind": kind, "value": str(value)})
    return basis
