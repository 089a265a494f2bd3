"""Composition: lay out, render and check one creative, re-laying it out until it passes QA."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from adcraft.creative.aigc import AILabel, label_footprint, stamp_label
from adcraft.creative.fonts import check_glyphs
from adcraft.creative.layout import (
    DEFAULT_FAMILY,
    FAMILIES,
    Content,
    Layout,
    SafeZone,
    iter_layouts,
    safe_area,
)
from adcraft.creative.palette import Palette, resolve_palette
from adcraft.creative.placements import Placement, parse_placement
from adcraft.creative.quality import QAReport, QAThresholds, TextReader, check_rendered
from adcraft.creative.render import CreativeTexts, TextItem, render_creative, trimmed_size
from adcraft.creative.themes import render_theme_background
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

BANNER_ASPECT = 3.0  # width/height from which layouts are one row (layout.templates_for: "banner")


@dataclass
class ComposeConfig:
    """How hard the composer tries and what it checks."""

    max_attempts: int = 8  # layouts x text sizes tried before a creative is flagged
    shrink_steps: tuple[float, ...] = (
        1.0,
        0.8,
    )  # text size caps tried per layout (re-layout with smaller text)
    thresholds: QAThresholds = field(default_factory=QAThresholds)  # QA pass marks


@dataclass
class Creative:
    """One finished creative: the image, how it was laid out, and its QA verdict."""

    placement: Placement  # the slot it was made for
    image: Image.Image  # RGB, exactly placement.size
    layout: Layout  # the layout that was used
    texts: list[TextItem]  # every text drawn, with its box, colour and size
    palette: Palette  # colours used
    family: str  # template family (background style + template preference)
    qa: QAReport  # the QA verdict of the returned attempt
    attempts: int  # how many layouts were rendered
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    provenance: dict[str, Any] = field(default_factory=dict)  # input, copy, model, seed, prompt, ...
    files: list[Path] = field(default_factory=list)  # written image files, once exported

    @property
    def flagged(self) -> bool:
        """True when no layout passed QA: the creative needs a human look."""
        return not self.qa.passed

    def to_dict(self) -> dict[str, Any]:
        """Manifest entry: placement, layout boxes, texts, palette, QA, timings, files."""
        return {
            "placement": {"name": self.placement.name, "size": list(self.placement.size)},
            "layout": self.layout.to_dict(),
            "family": self.family,
            "palette": self.palette.to_dict(),
            "texts": [t.to_dict() for t in self.texts],
            "qa": self.qa.to_dict(),
            "flagged": self.flagged,
            "attempts": self.attempts,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "files": [p.name for p in self.files],
        }


def _label_strip(placement: Placement, label: AILabel | None, safe_zone: SafeZone | None) -> SafeZone | None:
    """A banner has no free corner for the AI label: its layout leaves a strip at the right end for it."""
    if label is None or placement.aspect < BANNER_ASPECT:
        return safe_zone
    top, right, bottom, left = safe_zone or (0.0, 0.0, 0.0, 0.0)
    strip = label_footprint(label, placement.width, placement.height)[0] / placement.width
    return (top, right + strip, bottom, left)


def texts_from_copy(copy: Any) -> CreativeTexts:
    """Map an adcraft.creative.copywriting.Copy (or anything with its fields) to drawable texts."""
    return CreativeTexts(
        headline=copy.headline,
        subline=copy.subline or "",
        points=list(copy.selling_points),
        price=copy.price_text,
        original_price=copy.original_price_text,
        badge=copy.discount_text,
        cta=copy.cta or "",
    )


class CreativeComposer:
    """Composes creatives; holds the OCR reader so its models load once per composer."""

    def __init__(self, config: ComposeConfig | None = None, reader: TextReader | None = None) -> None:
        self.config = config or ComposeConfig()
        self.reader = reader or TextReader()

    def compose(
        self,
        placement: Placement | str,
        visual: Image.Image,
        texts: CreativeTexts,
        palette: Palette | str | list[str] | None = None,
        *,
        family: str = DEFAULT_FAMILY,
        template: str | None = None,
        logo: Image.Image | None = None,
        preserve_pixels: bool = False,
        label: AILabel | None = None,
        theme: Any = None,
        safe_zone: tuple[float, float, float, float] | None = None,
    ) -> Creative:
        """Render the placement, re-laying out (next template, smaller text) until QA passes.

        With label (a generated visual), the visible AI-content label is drawn and QA checks it too.
        A campaign theme (creative.themes.Theme) draws the background and its decorations; a safe zone
        (top, right, bottom, left shares) keeps every element out of a network's UI bars.
        """
        placement = parse_placement(placement) if isinstance(placement, str) else placement
        palette = resolve_palette(palette)
        for element, text in texts.by_element().items():
            check_glyphs(text, element)
        if label is not None:
            check_glyphs(label.validate().shown, "ai_label")
        content = Content(
            subline=bool(texts.subline),
            points=bool(texts.points),
            price=bool(texts.price),
            badge=bool(texts.badge),
            logo=logo is not None,
        )
        if family not in FAMILIES:
            raise InvalidInputError(f"template family {family!r} must be one of {sorted(FAMILIES)}")
        style = FAMILIES[family][0]
        footprint = trimmed_size(visual) if theme else None  # decorations keep clear of the product
        area = safe_area(placement, safe_zone) if safe_zone else None  # the AI label stays visible too
        layout_zone = _label_strip(placement, label, safe_zone)
        best = None
        attempts = 0
        started = time.perf_counter()
        timings = {"render": 0.0, "qa": 0.0}
        for layout in iter_layouts(placement, content, family, template, layout_zone):
            for shrink in self.config.shrink_steps:
                attempts += 1
                t0 = time.perf_counter()
                background = (
                    render_theme_background(layout, theme, palette, footprint, not preserve_pixels)
                    if theme
                    else None
                )
                rendered = render_creative(
                    layout,
                    palette,
                    visual,
                    texts,
                    style=style,
                    logo=logo,
                    allow_upscale=not preserve_pixels,
                    shrink=shrink,
                    background=background,
                )
                if label is not None:
                    rendered = stamp_label(rendered, label, area)
                t1 = time.perf_counter()
                report = check_rendered(rendered, self.config.thresholds, self.reader)
                timings["render"] += t1 - t0
                timings["qa"] += time.perf_counter() - t1
                if best is None or len(report.failures) < len(best[1].failures):
                    best = (rendered, report, layout, shrink)
                if report.passed or attempts >= self.config.max_attempts:
                    break
                logger.info(
                    "%s %s (shrink %.2f) failed QA: %s",
                    placement.key,
                    layout.template,
                    shrink,
                    "; ".join(report.failures),
                )
            if best[1].passed or attempts >= self.config.max_attempts:
                break
        rendered, report, layout, shrink = best
        if not report.passed:
            logger.warning(
                "%s flagged after %d attempts: %s", placement.key, attempts, "; ".join(report.failures)
            )
        timings["total"] = time.perf_counter() - started
        return Creative(
            placement,
            rendered.image,
            layout,
            rendered.texts,
            palette,
            family,
            report,
            attempts,
            timings,
            {
                "product_box": rendered.product_box.to_list(),
                "shrink": shrink,
                "theme": theme.name if theme else None,
                "preserve_pixels": preserve_pixels,
                "safe_zone": list(safe_zone) if safe_zone else None,  # the network's, where the label goes
            },
        )


def compose(
    placement: Placement | str,
    visual: Image.Image,
    copy: Any,
    palette: Palette | str | None = None,
    template: str | None = None,
    **kwargs: Any,
) -> Creative:
    """One-off composition with a fresh composer (use CreativeComposer to reuse the OCR models)."""
    texts = copy if isinstance(copy, CreativeTexts) else texts_from_copy(copy)
    return CreativeComposer().compose(placement, visual, texts, palette, template=template, **kwargs)
