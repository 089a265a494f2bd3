"""One generation's network deliveries: compose each network's sizes (safe zone, theme, AI label) from the
request's visual and copy, then deliver and validate (generate.py calls this; it holds no request logic)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.delivery.deliver import NetworkDelivery, deliver_network
from adcraft.delivery.networks import NetworkProfile, get_network
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)


def check_networks(names: Sequence[str] | None) -> tuple[str, ...]:
    """Known, de-duplicated network names (raises naming the known ones)."""
    out: list[str] = []
    for name in names or ():
        if not isinstance(name, str):
            raise InvalidInputError(f"network {name!r} must be a name such as google-display")
        key = get_network(name).name
        if key not in out:
            out.append(key)
    return tuple(out)


def check_theme(name: str | None) -> str | None:
    """A known theme's name (aliases resolved), or None."""
    if name is None:
        return None
    from adcraft.creative.themes import get_theme

    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"theme {name!r} must be a theme name such as 双11 or black-friday")
    return get_theme(name).name


def _checker(product: Any, lang: str) -> Any:
    """The advertising-law checker with the product's exemptions (its brand) and banned terms."""
    from adcraft.creative.compliance import check_compliance

    def check(text: str) -> Any:
        return check_compliance(
            text,
            lang=lang,
            allow_terms=(product.brand,) if product.brand else (),
            banned_terms=product.banned_terms,
        )

    return check


def _label_for(source: dict) -> Any:
    """The XMP content label for each delivered file (generated or photo-only, model id, new content id)."""
    import uuid

    from adcraft import __version__
    from adcraft.creative.aigc import ContentLabel

    model_id = (source.get("model") or {}).get("id", "") if source.get("kind") == "generated" else ""

    def label_for(creative: Any) -> Any:
        # a marketplace main image (creative None) shows no label: the metadata carries it alone
        text = (
            "" if creative is None else next((t.text for t in creative.texts if t.element == "ai_label"), "")
        )
        kind = "generated" if source.get("kind") == "generated" else "photo"
        return ContentLabel(kind, f"adcraft {__version__}", model_id, uuid.uuid4().hex, text)

    return label_for


def _compose_for(
    profile: NetworkProfile, product: Any, visual: Image.Image, copy: Any, look: dict, composer: Any
) -> list[Any]:
    """The network's sizes composed in its safe zone, each read back by OCR and checked for copy law."""
    from adcraft.creative.compose import texts_from_copy

    check = _checker(product, copy.lang)
    creatives = []
    for placement in profile.placements():
        creative = composer.compose(
            placement,
            visual,
            texts_from_copy(copy),
            look["palette"],
            family=look["family"],
            logo=look["logo"],
            preserve_pixels=product.photo is not None,
            label=look["label"],
            theme=look["theme"],
            safe_zone=profile.safe_zone,
        )
        read = " ".join(r["read"] for r in creative.qa.ocr.values())
        if read and check(read).blocking:
            creative.qa.failures.append("OCR text breaks advertising rules")
            creative.qa.passed = False
        creative.provenance["visual"] = look["source"]
        creatives.append(creative)
    return creatives


def deliver_networks(
    networks: Sequence[str],
    product: Any,
    copy: Any,
    visual: Image.Image,
    out_dir: str | Path,
    slug: str,
    *,
    palette: Any,
    family: str,
    source: dict,
    theme: str | None = None,
    label: Any = None,
    logo: Image.Image | None = None,
    composer: Any = None,
) -> list[NetworkDelivery]:
    """Compose, deliver and validate every network under out_dir/<network>/ (label: the visible AILabel)."""
    from adcraft.creative.compose import CreativeComposer

    composer = composer or CreativeComposer()
    theme_obj = None
    if theme is not None:
        from adcraft.creative.themes import get_theme

        theme_obj = get_theme(theme)
    look = {
        "palette": palette,
        "family": family,
        "logo": logo,
        "label": label,
        "theme": theme_obj,
        "source": source,
    }
    deliveries = []
    for name in networks:
        profile = get_network(name)
        creatives = [] if profile.main_image else _compose_for(profile, product, visual, copy, look, composer)
        delivery = deliver_network(
            profile,
            creatives,
            visual,
            out_dir,
            slug,
            logo=logo,
            label_for=_label_for(source),
            check_text=_checker(product, copy.lang),
            reader=composer.reader,
            extra={"theme": theme, "visual": source},
        )
        if not delivery.passed:
            logger.warning("%s: %s", profile.name, "; ".join(delivery.failures()))
        deliveries.append(delivery)
    return deliveries
