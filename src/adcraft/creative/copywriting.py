"""Ad copy from a product: headline, sub-line, selling points, CTA and price block (zh/en, per tone)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

log = logging.getLogger(__name__)

TONES = ("neutral", "playful", "premium", "value", "professional", "sporty")
HEADLINE_MAX = {"zh": 14, "en": 40}  # characters; longer headlines are cut at a word/phrase boundary
SUBLINE_MAX = {"zh": 20, "en": 60}  # characters
POINT_MAX = {"zh": 12, "en": 32}  # characters per selling point
MAX_POINTS = 3  # selling points per creative


@dataclass
class Copy:
    """Every text a creative shows, in one language, derived only from the product's input."""

    headline: str  # product-led headline, within HEADLINE_MAX
    subline: str  # short supporting line; may be ""
    selling_points: list[str] = field(default_factory=list)  # at most MAX_POINTS
    cta: str = ""  # call to action for the button
    price_text: str | None = None  # "¥199"; None when the product has no price
    original_price_text: str | None = None  # crossed-out list price, or None
    discount_text: str | None = None  # "7.5折" / "-25%", or None
    lang: str = "zh"  # "zh" or "en"
    tone: str = "neutral"  # one of TONES
    headline_id: str = ""  # id of the headline template (a feature for the CTR model)
    cta_id: str = ""  # id of the CTA text (a feature for the CTR model)

    def texts(self) -> dict[str, str]:
        """Every non-empty text by slot name (headline, subline, point_0.., cta, price...)."""
        out = {"headline": self.headline, "subline": self.subline, "cta": self.cta}
        for i, point in enumerate(self.selling_points):
            out[f"point_{i}"] = point
        for name in ("price_text", "original_price_text", "discount_text"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return {k: v for k, v in out.items() if v}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for manifests."""
        return asdict(self)


@dataclass(frozen=True)
class CopyOption:
    """One headline or CTA alternative with a stable id (features for the CTR model)."""

    id: str  # stable id, e.g. "zh.premium.headline.1"
    kind: str  # "headline" or "cta"
    text: str  # the rendered text for this product


# Headline templates per language and tone. They only frame the product's own words ({title},
# {brand}, {material}, {style}, {price}); none adds a claim, number, award or superlative.
HEADLINES: dict[str, dict[str, list[str]]] = {
    "zh": {
        "neutral": ["{title}", "{brand} {title}", "{style}{title}"],
        "playful": ["{title}～", "来看看{title}", "{title}，就是它"],
        "premium": ["{brand}｜{title}", "{material}{title}", "{title}"],
        "value": ["{title} {price}", "{title}", "{title}，到手{price}"],
        "professional": ["{title}", "{brand} {title}", "{material}{title}"],
        "sporty": ["{title}", "{title}，动起来", "{brand} {title}"],
    },
    "en": {
        "neutral": ["{title}", "{brand} {title}", "{style} {title}"],
        "playful": ["Meet the {title}", "{title}!", "Say hi to {title}"],
        "premium": ["{brand} | {title}", "{material} {title}", "{title}"],
        "value": ["{title}, {price}", "{title}", "{title} for {price}"],
        "professional": ["{title}", "{brand} {title}", "{material} {title}"],
        "sporty": ["{title}", "{title}: get moving", "{brand} {title}"],
    },
}
CTAS: dict[str, dict[str, list[str]]] = {
    "zh": {
        "neutral": ["立即购买", "查看详情", "马上选购"],
        "playful": ["快来看看", "马上带走", "戳我看看"],
        "premium": ["立即选购", "探索详情", "了解更多"],
        "value": ["立即抢购", "马上下单", "立即购买"],
        "professional": ["了解详情", "立即选购", "查看参数"],
        "sporty": ["立即入手", "马上出发", "立即购买"],
    },
    "en": {
        "neutral": ["Shop now", "Learn more", "Buy now"],
        "playful": ["Take a look", "Grab yours", "Check it out"],
        "premium": ["Discover", "Shop the look", "Learn more"],
        "value": ["Buy now", "Order today", "Shop now"],
        "professional": ["Learn more", "See details", "Shop now"],
        "sporty": ["Gear up", "Shop now", "Get yours"],
    },
}


def _fill(template: str, slots: dict[str, str]) -> str | None:
    """A filled template, or None when it needs a slot the product does not have."""
    needed = [name for name in slots if "{" + name + "}" in template]
    if any(not slots[name] for name in needed):
        return None
    return template.format(**slots).strip()


def _slots(product, lang: str, attributes) -> dict[str, str]:
    """The product's own words that templates may use, headline-sized."""
    from adcraft.creative.product import format_price
    from adcraft.text.attributes import attribute_word, shorten

    title_room = HEADLINE_MAX[lang] - (4 if lang == "zh" else 10)
    material = attribute_word("materials", attributes.materials[0], lang) if attributes.materials else ""
    style = attribute_word("styles", attributes.styles[0], lang) if attributes.styles else ""
    in_text = f"{product.title} {product.description}".lower()
    return {
        "title": shorten(product.title, lang, title_room) or product.title[:title_room],
        # the brand is left out of templates when the title already names it
        "brand": "" if product.brand.strip().lower() in product.title.lower() else product.brand.strip(),
        # attribute words are used only when the product's own text contains them
        "material": material if material and material.lower() in in_text else "",
        "style": style if style and style.lower() in in_text else "",
        "price": format_price(product.price, product.currency, lang) if product.price is not None else "",
    }


def _options(kind: str, lang: str, tone: str, slots: dict[str, str]) -> list[CopyOption]:
    """Every usable headline or CTA option for a product, with stable ids."""
    table = HEADLINES if kind == "headline" else CTAS
    out = []
    for i, template in enumerate(table[lang][tone]):
        text = _fill(template, slots)
        if text and lang == "en":
            text = text[0].upper() + text[1:]
        if text and len(text) <= HEADLINE_MAX[lang]:
            out.append(CopyOption(f"{lang}.{tone}.{kind}.{i}", kind, text))
    return out or [CopyOption(f"{lang}.{tone}.{kind}.0", kind, slots["title"])]


def copy_alternatives(
    product, tone: str = "neutral", lang: str | None = None, attributes=None
) -> list[CopyOption]:
    """The headline and CTA options write_copy chooses from (features for the CTR model)."""
    lang, tone, attributes = _resolve(product, tone, lang, attributes)
    slots = _slots(product, lang, attributes)
    return _options("headline", lang, tone, slots) + _options("cta", lang, tone, slots)


def _resolve(product, tone: str, lang: str | None, attributes):
    from adcraft.errors import InvalidInputError
    from adcraft.text.attributes import extract_attributes

    if tone not in TONES:
        raise InvalidInputError(f"tone {tone!r} must be one of {list(TONES)}")
    lang = lang or product.lang
    if lang not in HEADLINES:
        raise InvalidInputError(f"lang {lang!r} must be one of {sorted(HEADLINES)}")
    attributes = attributes or extract_attributes(f"{product.title}。{product.description}", lang)
    return lang, tone, attributes


def _without_banned_terms(product):
    """A test that a text holds none of the merchant's banned words: description clauses that name one
    (a competitor, say) are left out of the copy instead of blocking the whole creative later."""
    if not product.banned_terms:
        return lambda text: True
    from adcraft.creative.compliance import MERCHANT_RULE, check_compliance

    return lambda text: (
        not any(
            hit.rule == MERCHANT_RULE
            for hit in check_compliance(text, banned_terms=product.banned_terms).hits
        )
    )


def write_copy(
    product,
    attributes=None,
    tone: str = "neutral",
    lang: str | None = None,
    variant: int = 0,
    cta_variant: int | None = None,
) -> Copy:
    """All texts of a creative, from the product's own words; `variant` picks the headline option."""
    from adcraft.creative.product import format_discount, format_price
    from adcraft.text.attributes import extract_selling_points, shorten

    lang, tone, attributes = _resolve(product, tone, lang, attributes)
    slots = _slots(product, lang, attributes)
    headlines, ctas = _options("headline", lang, tone, slots), _options("cta", lang, tone, slots)
    headline = headlines[variant % len(headlines)]
    cta = ctas[(variant if cta_variant is None else cta_variant) % len(ctas)]
    if product.selling_points:
        points = [shorten(p, lang, POINT_MAX[lang]) for p in product.selling_points]
    else:
        points = extract_selling_points(product.description, lang, MAX_POINTS + 1, POINT_MAX[lang])
    sayable = _without_banned_terms(product)
    points = [p for p in dict.fromkeys(points) if p and sayable(p)][: MAX_POINTS + 1]
    # the sub-line: a description clause the points do not use, else the first of too many points
    from adcraft.text.attributes import split_clauses

    unused = [
        c for c in split_clauses(product.description, lang) if not any(p in c for p in points) and sayable(c)
    ]
    subline = points.pop(0) if len(points) > MAX_POINTS else (unused[0] if unused else "")
    if subline and subline in headline.text:
        subline = ""
    return Copy(
        headline=headline.text,
        subline=shorten(subline, lang, SUBLINE_MAX[lang]) if subline else "",
        selling_points=points[:MAX_POINTS],
        cta=cta.text,
        price_text=format_price(product.price, product.currency, lang) if product.price is not None else None,
        original_price_text=(
            format_price(product.original_price, product.currency, lang)
            if product.original_price is not None
            else None
        ),
        discount_text=format_discount(product.price, product.original_price, lang),
        lang=lang,
        tone=tone,
        headline_id=headline.id,
        cta_id=cta.id,
    )
