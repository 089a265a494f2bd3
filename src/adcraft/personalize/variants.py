"""Creative variants: N combinations of a creative's elements per product and segment."""

from __future__ import annotations

import hashlib
import itertools
import logging
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from adcraft.errors import InvalidInputError
from adcraft.personalize.segments import Segment, load_segments

logger = logging.getLogger(__name__)

NUM_HEADLINES = 3  # headline choices the copywriter offers per product (write_copy variant index)
NUM_CTAS = 3  # call-to-action wordings per tone
MAX_VARIANTS = 64  # more variants than this per product and segment only dilutes the bandit's data


@dataclass(frozen=True)
class Variant:
    """One creative variant: every element choice that a ranker or bandit can learn from."""

    variant_id: str  # stable id: hash of product, segment and element choices
    product: str  # product key (id, sku or title)
    segment: str  # segment name
    visual_seed: int  # seed for the text-to-image sampler
    palette: str  # palette name, or "custom:#rrggbb,..." for a segment's own colours
    template: str  # template family
    headline_id: int  # which of the copywriter's headlines
    cta_id: int  # which call-to-action wording
    tone: str  # copy tone
    emphasis: str  # "price" or "quality"
    prompt_modifier: str  # the style word added to the visual prompt

    def elements(self) -> dict[str, str]:
        """Categorical element features (the inputs of the ranker and contextual bandit)."""
        return {
            "palette": self.palette,
            "template": self.template,
            "headline": f"h{self.headline_id}",
            "cta": f"c{self.cta_id}",
            "tone": self.tone,
            "emphasis": self.emphasis,
            "modifier": self.prompt_modifier,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict of the variant."""
        return asdict(self)


def product_key(product: Any) -> str:
    """A short stable key for a product: its id/sku/title, or the string itself."""
    if isinstance(product, str):
        key = product
    elif isinstance(product, dict):
        key = product.get("id") or product.get("sku") or product.get("title")
    else:
        key = getattr(product, "id", None) or getattr(product, "sku", None) or getattr(product, "title", None)
    if not key or not str(key).strip():
        raise InvalidInputError(f"product {product!r} has no id, sku or title to key its variants by")
    return str(key).strip()


def _palette_name(palette: str | tuple[str, ...]) -> str:
    return palette if isinstance(palette, str) else "custom:" + ",".join(palette)


def generate_variants(
    product: Any,
    segment: Segment,
    n: int,
    seed: int = 0,
    segments: dict[str, Segment] | None = None,
) -> list[Variant]:
    """N distinct variants for one product and segment; variant 0 is the segment's own house style.

    The other variants mix the segment's palette/template with those of other segments, the
    copywriter's headlines and CTAs, and the segment's prompt modifiers, so every element varies.
    """
    if not 1 <= n <= MAX_VARIANTS:
        raise InvalidInputError(f"n={n} variants must be between 1 and {MAX_VARIANTS}")
    others = [s for s in (segments or load_segments()).values() if s.name != segment.name]
    palettes = list(
        dict.fromkeys([_palette_name(segment.palette)] + [_palette_name(s.palette) for s in others])
    )
    templates = list(dict.fromkeys([segment.template_family] + [s.template_family for s in others]))
    modifiers = list(segment.prompt_modifiers) or [""]
    key = product_key(product)
    # Own style first, then the rest of the grid in a seeded order (no duplicates).
    grid = list(
        itertools.product(
            range(len(palettes)),
            range(len(templates)),
            range(NUM_HEADLINES),
            range(NUM_CTAS),
            range(len(modifiers)),
        )
    )
    rng = np.random.default_rng(
        [seed, int(hashlib.sha1(f"{key}|{segment.name}".encode()).hexdigest()[:8], 16)]
    )
    order = [grid[0]] + [grid[i] for i in 1 + rng.permutation(len(grid) - 1)]
    variants = []
    for p, t, h, c, m in order[:n]:
        choice = (palettes[p], templates[t], h, c, modifiers[m])
        digest = hashlib.sha1(repr((key, segment.name, choice)).encode()).hexdigest()[:12]
        variants.append(
            Variant(
                variant_id=f"v-{digest}",
                product=key,
                segment=segment.name,
                visual_seed=int(rng.integers(0, 2**31 - 1)),
                palette=palettes[p],
                template=templates[t],
                headline_id=h,
                cta_id=c,
                tone=segment.tone,
                emphasis=segment.emphasis,
                prompt_modifier=modifiers[m],
            )
        )
    logger.debug("generated %d variants for %s / %s", len(variants), key, segment.name)
    return variants
