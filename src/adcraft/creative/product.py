"""The product a creative advertises: fields, validation, loading, language and price formatting."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from adcraft.creative.prices import (  # noqa: F401 - CURRENCY_SYMBOLS, MAX_PRICE re-exported for callers
    CURRENCY_SYMBOLS,
    MAX_PRICE,
    check_currency,
    check_prices,
    parse_price,
)
from adcraft.defaults import LANGUAGES as COPY_LANGUAGES
from adcraft.errors import InvalidInputError
from adcraft.fileio import decode_text, load_yaml
from adcraft.text.attributes import detect_language, is_cjk  # noqa: F401 - re-exported for callers

log = logging.getLogger(__name__)

LANGUAGES = ("auto", *COPY_LANGUAGES)  # a product's `language` field: auto-detected or given
MAX_TITLE_CHARS = 200  # longer titles are descriptions; they cannot become a headline
MAX_BANNED_TERMS = 200  # a merchant's own banned words; more is a pasted document, not a list
MAX_BANNED_CHARS = 50
_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def has_visible_text(text: str) -> bool:
    """True when text holds at least one letter or digit (not only emoji, symbols, controls, spaces)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _check_title(text: str) -> None:
    title = text.strip()
    if not title:
        raise InvalidInputError("title is empty; give the product's name (1-200 characters)")
    if not has_visible_text(title):
        raise InvalidInputError(
            f"title {text!r} has no letters or digits (only emoji, symbols or control characters)"
        )
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInputError(
            f"title has {len(title)} characters; at most {MAX_TITLE_CHARS} are allowed "
            "(put long text in the description)"
        )


_LINE_BREAKS = frozenset("\t\n\r")  # allowed in multi-line fields; every other control char is refused


def _check_controls(product: Product) -> None:
    """Refuse control characters: they are drawn as tofu boxes, and in one-line fields not even breaks."""
    fields_ = {"title": product.title, "brand": product.brand, "description": product.description}
    fields_.update({f"selling_points[{i}]": p for i, p in enumerate(product.selling_points)})
    for name, text in fields_.items():
        allowed = _LINE_BREAKS if name == "description" else frozenset()
        bad = next((ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed), None)
        if bad is not None:
            raise InvalidInputError(
                f"{name} has the control character U+{ord(bad):04X} at position {text.index(bad)}; remove it"
            )


def _check_path(value: Any, name: str) -> Path | None:
    if value is None or value == "":
        return None
    if not isinstance(value, (str, Path)):
        raise InvalidInputError(f"{name} {value!r} must be a file path")
    return Path(value)


def _check_str_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        raise InvalidInputError(f"{name} must be a list of strings, got the single string {value!r}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidInputError(f"{name} item {item!r} must be a string")
    return items


@dataclass
class Product:
    """A product to advertise, as the merchant describes it (zh or en)."""

    title: str  # product name / title line; becomes the headline (shortened)
    description: str = ""  # free text; any length, selling points are extracted from it
    price: Decimal | None = None  # selling price; None hides the price block
    original_price: Decimal | None = None  # list price before discount; shown crossed out
    currency: str = "CNY"  # ISO code, one of CURRENCY_SYMBOLS
    brand: str = ""  # brand name; exempt from the compliance checker as a trademark
    selling_points: list[str] = field(default_factory=list)  # merchant's own points; preferred over extracted
    language: str = "auto"  # "auto" detects from title + description; "zh" / "en" force it
    photo: Path | None = None  # merchant product photo; used instead of a generated visual
    brand_colors: list[str] = field(default_factory=list)  # "#RRGGBB" colours for the palette
    logo: Path | None = None  # brand logo image for the logo slot
    banned_terms: list[str] = field(
        default_factory=list
    )  # merchant's never-say words (competitors...); block copy
    category: str = ""  # advertising-law category (compliance CATEGORIES: drug, cosmetics...); "" infers it

    def __post_init__(self) -> None:
        for name in ("title", "description", "brand", "currency", "language", "category"):
            if not isinstance(getattr(self, name), str):
                raise InvalidInputError(f"{name} {getattr(self, name)!r} must be a string")
        self.currency = check_currency(self.currency)  # prices are read by its conventions
        self.price = parse_price(self.price, self.currency, "price")
        self.original_price = parse_price(self.original_price, self.currency, "original_price")
        self.language = self.language.strip().lower()
        self.selling_points = _check_str_list(self.selling_points, "selling_points")
        self.brand_colors = _check_str_list(self.brand_colors, "brand_colors")
        self.banned_terms = _check_str_list(self.banned_terms, "banned_terms")
        self.photo = _check_path(self.photo, "photo")
        self.logo = _check_path(self.logo, "logo")
        if self.category:
            from adcraft.creative.compliance import check_category

            check_category(self.category)

    def validate(self) -> Product:
        """Raise InvalidInputError naming the first bad field; return self when all are valid."""
        _check_title(self.title)
        _check_controls(self)
        check_prices(self.price, self.original_price, self.currency)
        if self.language not in LANGUAGES:
            raise InvalidInputError(f"language {self.language!r} must be one of {list(LANGUAGES)}")
        for color in self.brand_colors:
            if not _HEX_COLOR.match(color):
                raise InvalidInputError(f"brand_colors item {color!r} must look like #RRGGBB")
        for i, point in enumerate(self.selling_points):
            if not has_visible_text(point):
                raise InvalidInputError(f"selling_points[{i}] {point!r} has no letters or digits")
        if len(self.banned_terms) > MAX_BANNED_TERMS:
            raise InvalidInputError(
                f"banned_terms has {len(self.banned_terms)} items; at most {MAX_BANNED_TERMS}"
            )
        for i, term in enumerate(self.banned_terms):
            if not has_visible_text(term) or len(term.strip()) > MAX_BANNED_CHARS:
                raise InvalidInputError(
                    f"banned_terms[{i}] {term!r} must hold letters or digits, 1-{MAX_BANNED_CHARS} characters"
                )
        return self

    @property
    def lang(self) -> str:
        """The copy language: the forced one, or 'zh'/'en' detected from title and description."""
        if self.language in COPY_LANGUAGES:
            return self.language
        return detect_language(f"{self.title} {self.description}")

    @property
    def ad_category(self) -> str:
        """The category the advertising-law rules apply: the given one, else read from the product's words."""
        from adcraft.creative.compliance import infer_category

        return self.category or infer_category(f"{self.title} {self.description}")

    @property
    def text(self) -> str:
        """Title, description and selling points joined: the text attributes are read from."""
        parts = [self.title, *self.selling_points, self.description]
        sep = "。" if self.lang == "zh" else ". "
        return sep.join(p.strip() for p in parts if p.strip())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Product:
        """Build and validate a Product from a mapping; unknown keys raise InvalidInputError."""
        if not isinstance(data, dict):
            raise InvalidInputError(f"a product must be a mapping of fields, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInputError(f"unknown product field(s) {unknown}; allowed: {sorted(known)}")
        if "title" not in data:
            raise InvalidInputError("title is missing; give the product's name (1-200 characters)")
        return cls(**data).validate()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (amounts as strings, paths as strings) that from_dict reads back."""
        out = asdict(self)
        for name in ("price", "original_price"):
            out[name] = None if out[name] is None else str(out[name])
        for name in ("photo", "logo"):
            out[name] = None if out[name] is None else str(out[name])
        return out


def load_product(path: str | Path) -> Product:
    """Read a product from a .json, .yaml or .yml file; relative photo/logo paths resolve beside it."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"product file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise InvalidInputError(f"product file {path.name!r} must end in .json, .yaml or .yml")
    text, _ = decode_text(path.read_bytes(), f"product file {path.name!r}")
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"product file {path.name!r} is not valid JSON: {exc}") from None
    else:
        import yaml

        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()[0]
            raise InvalidInputError(f"product file {path.name!r} is not valid YAML: {first}") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"product file {path.name!r} must hold a mapping of fields")
    for name in ("photo", "logo"):
        if data.get(name) and isinstance(data[name], str) and not Path(data[name]).is_absolute():
            data[name] = str(path.parent / data[name])
    return Product.from_dict(data)


def format_price(amount: Decimal | float | str, currency: str = "CNY", lang: str = "zh") -> str:
    """House rule: symbol + amount, no decimals when whole, else two; thousands separated (¥1,299)."""
    currency = check_currency(currency)
    value = parse_price(amount, currency, "price")
    if value is None:
        raise InvalidInputError("price is empty; give an amount like 199 or 19.99")
    if lang not in COPY_LANGUAGES:
        raise InvalidInputError(f"lang {lang!r} must be one of {list(COPY_LANGUAGES)}")
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # cents first, so 19.999 shows as $20
    if value == value.to_integral_value():
        number = f"{value:,.0f}"
    else:
        number = f"{value:,.2f}"
    return f"{CURRENCY_SYMBOLS[currency]}{number}"


def format_discount(price: Decimal | None, original_price: Decimal | None, lang: str = "zh") -> str | None:
    """'7.5折' (zh) or '-25%' (en) when original_price is above price; never overstates the discount."""
    if price is None or original_price is None or original_price <= 0 or price >= original_price:
        return None
    ratio = Decimal(price) / Decimal(original_price)
    if lang == "zh":
        # 折 is the share paid, in tenths; round it up so the badge never promises more than the prices give
        zhe = (ratio * 10).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
        if zhe >= 10:
            return None
        zhe_text = f"{zhe:.1f}".rstrip("0").rstrip(".")
        return f"{zhe_text}折"
    if lang == "en":
        percent = ((1 - ratio) * 100).quantize(Decimal(1), rounding=ROUND_FLOOR)
        if percent <= 0:
            return None
        return f"-{percent}%"
    raise InvalidInputError(f"lang {lang!r} must be one of {list(COPY_LANGUAGES)}")
