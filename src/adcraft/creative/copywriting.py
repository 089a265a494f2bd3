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
