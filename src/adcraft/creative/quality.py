"""Quality checks on a rendered creative: OCR read-back, WCAG contrast, poster-layout metrics."""

from __future__ import annotations

import difflib
import logging
import math
import threading
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from PIL import Image

from adcraft.creative.fonts import missing_glyphs
from adcraft.creative.layout import Box
from adcraft.creative.palette import contrast_ratio
from adcraft.creative.render import Rendered, TextItem

logger = logging.getLogger(__name__)

WHOLE_IMAGE_DET_SIDE = 960  # whole-image text detection runs on a copy at most this long


@dataclass
class QAThresholds:
    """Pass marks for every check (defaults follow WCAG 2.x AA and the poster-layout literature)."""

    ocr_similarity: float = 0.8  # share of the intended characters OCR must read back, in order
    contrast_normal: float = 4.5  # WCAG AA for normal text
    contrast_large: float = 3.0  # WCAG AA for large text
    large_px: float = 24.0  # 18 pt = 24 px counts as large text
    large_bold_px: float = 18.66  # 14 pt bold = 18.66 px counts as large text
    max_overlap: float = 0.0  # mean IoU between text elements; any overlap fails
    max_occlusion: float = 0.0  # share of text area over the product mask; any fails
    max_out_of_bounds: float = 0.0  # share of element area outside the canvas; any fails
    ocr: bool = True  # run OCR read-back (slowest check: ~0.1-0.5 s per text element)
    min_product_share: float = 0.01  # visible product pixels as a share of its box; below: missing/empty
    min_product_std: float = 2.0  # spread of the product's pixel values (0-255); below: one flat colour


@dataclass
class QAReport:
    """Results of every check; passed is False when any failure was found."""

    passed: bool
    failures: list[str] = field(default_factory=list)  # one line per failed check
    warnings: list[str] = field(default_factory=list)  # non-blocking notes (e.g. truncated text)
    ocr: dict[str, dict] = field(default_factory=dict)  # element -> {"read", "score"}
    contrast: dict[str, dict] = field(default_factory=dict)  # element -> {"ratio", "required"}
    metrics: dict[str, float] = field(default_factory=dict)  # overlap, occlusion, alignment, out_of_bounds
    image_text: str = ""  # all text OCR read in the whole finished image (copy, photo, visual, label)

    def to_dict(self) -> dict:
        """Plain data for manifests."""
        return {
            "passed": self.passed,
            "failures": self.failures,
            "warnings": self.warnings,
            "ocr": self.ocr,
            "contrast": self.contrast,
            "metrics": self.metrics,
            "image_text": self.image_text,
        }


def normalise_text(text: str) -> str:
    """NFKC, lower case, letters and digits only: what OCR comparison looks at."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def read_back_score(intended: str, read: str) -> float:
    """Share of the intended characters found, in order, in what OCR read (0..1)."""
    a, b = normalise_text(intended), normalise_text(read)
    if not a:
        return 1.0
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(a)


class TextReader:
    """OCR with the PP-OCRv6 Chinese/English models bundled in rapidocr, loaded on first use."""

    def __init__(self) -> None:
        self._engine = None
        self._wide = None  # a second engine whose detector never upscales (whole-image reading)
        # rapidocr keeps use_det/use_cls from the last call on an engine, so calls take turns
        self._lock = threading.Lock()

    def _run(self, image: Image.Image, detect: bool, recognise: bool = True, wide: bool = False):
        with self._lock:
            if self._engine is None:
                from rapidocr import RapidOCR

                # the wheel ships its default models, so nothing is downloaded; quiet unless it fails
                self._engine = RapidOCR(params={"Global.log_level": "warning"})
                # the default limit type "min" upscales a 728x90 banner 8x before detection
                self._wide = RapidOCR(params={"Global.log_level": "warning", "Det.limit_type": "max"})
            engine = self._wide if wide else self._engine
            return engine(np.asarray(image.convert("RGB")), use_det=detect, use_cls=detect, use_rec=recognise)

    def read(self, image: Image.Image, sep: str = "") -> str:
        """All text found in image (detection + recognition), top to bottom, left to right, joined by sep."""
        result = self._run(image, detect=True)
        if result.boxes is None or not result.txts:
            return ""
        lines = sorted(
            zip(result.boxes, result.txts, strict=True), key=lambda r: (round(r[0][0][1] / 8), r[0][0][0])
        )
        return sep.join(text for _, text in lines)

    def read_image(self, image: Image.Image, max_side: int = WHOLE_IMAGE_DET_SIDE) -> list[str]:
        """Every text line in the whole image, top to bottom: detection on a copy scaled to at most
        max_side (never upscaled, so banners stay fast), recognition on full-resolution crops."""
        scale = min(1.0, max_side / max(image.size))
        small = (
            image if scale == 1.0 else image.resize((round(image.width * scale), round(image.height * scale)))
        )
        boxes = self._run(small, detect=True, recognise=False, wide=True).boxes
        lines = []
        for quad in sorted([] if boxes is None else boxes, key=lambda q: (round(q[0][1] / 8), q[0][0])):
            xs, ys = [p[0] / scale for p in quad], [p[1] / scale for p in quad]
            box = Box(int(min(xs)), int(min(ys)), int(max(xs) - min(xs)) + 1, int(max(ys) - min(ys)) + 1)
            text = self.read_line(_crop_line(image, box, box.h))
            if text.strip():
                lines.append(text)
        return lines

    def read_line(self, image: Image.Image) -> str:
        """The text of an image holding one line (recognition only)."""
        return "".join(self._run(image, detect=False).txts or ())


def _crop_line(image: Image.Image, box: Box, size: int) -> Image.Image:
    pad_x, pad_y = max(4, size // 3), max(2, size // 6)
    return image.crop(
        (
            max(0, box.x - pad_x),
            max(0, box.y - pad_y),
            min(image.width, box.right + pad_x),
            min(image.height, box.bottom + pad_y),
        )
    )


def is_large_text(item: TextItem, t: QAThresholds) -> bool:
    """WCAG large text: 24 px and up, or 18.66 px and up in bold."""
    bold = item.weight in ("Bold", "Black")
    return item.size >= t.large_px or (bold and item.size >= t.large_bold_px)


def text_contrast(backdrop: Image.Image, item: TextItem) -> float:
    """Contrast of the text colour against the darkest/lightest 1% of the pixels behind its block."""
    b = item.box
    region = np.asarray(backdrop.crop((b.x, b.y, b.right, b.bottom)).convert("RGB")).reshape(-1, 3)
    if region.size == 0:
        return 1.0
    lum = region.astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    order = np.argsort(lum)
    lo, hi = (
        region[order[int(len(order) * 0.01)]],
        region[order[int(len(order) * 0.99) - 1 if len(order) > 1 else 0]],
    )
    return min(contrast_ratio(item.color, lo), contrast_ratio(item.color, hi))


def layout_metrics(rendered: Rendered) -> dict[str, float]:
    """Overlap (mean IoU of text pairs), occlusion (text over product), alignment, out-of-bounds."""
    h, w = rendered.product_mask.shape
    boxes = [item.box for item in rendered.texts]
    ious = []
    for a, b in combinations(boxes, 2):
        inter = a.intersection(b)
        ious.append(inter / max(1, a.area + b.area - inter))
    occluded = total = 0
    for b in boxes:
        sub = rendered.product_mask[max(0, b.y) : max(0, b.bottom), max(0, b.x) : max(0, b.right)]
        occluded += int(sub.sum())
        total += b.area
    canvas = Box(0, 0, w, h)
    elements = boxes + [rendered.product_box]
    outside = sum(b.area - b.intersection(canvas) for b in elements) / max(1, sum(b.area for b in elements))
    # alignment (Lee et al. 2020 / LayoutGAN++): for each element, the closest of the six alignment
    # distances to any other element, normalised by the canvas, mapped through -log(1 - d)
    scores = []
    for i, a in enumerate(elements):
        best = 1.0
        for j, b in enumerate(elements):
            if i == j:
                continue
            dx = min(abs(a.x - b.x), abs(a.right - b.right), abs((a.x + a.right) - (b.x + b.right)) / 2) / w
            dy = (
                min(abs(a.y - b.y), abs(a.bottom - b.bottom), abs((a.y + a.bottom) - (b.y + b.bottom)) / 2)
                / h
            )
            best = min(best, dx, dy)
        scores.append(-math.log(1 - min(best, 0.999)))
    return {
        "overlap": float(np.mean(ious)) if ious else 0.0,
        "occlusion": occluded / max(1, total),
        "alignment": float(np.mean(scores)) if scores else 0.0,
        "out_of_bounds": float(outside),
    }


def product_failures(rendered: Rendered, t: QAThresholds) -> list[str]:
    """A missing, empty (transparent) or blank (one flat colour, e.g. from NaN weights) product."""
    mask = rendered.product_mask
    box = rendered.product_box
    share = float(mask.sum()) / max(1, box.area)
    if share < t.min_product_share:
        least = f"{t.min_product_share:.0%}"
        return [f"product is missing or empty: {share:.1%} of its box is visible (at least {least})"]
    pixels = np.asarray(rendered.image.convert("RGB"))[mask].astype(np.float32)  # (N, 3)
    spread = float(pixels.std(axis=0).max())
    if spread < t.min_product_std:
        return [f"product visual is blank: one flat colour (spread {spread:.2f} below {t.min_product_std})"]
    return []


def text_failures(rendered: Rendered) -> list[str]:
    """Drawn lines with characters the font has no glyph for (they show as tofu boxes)."""
    failures = []
    for item in rendered.texts:
        missing = missing_glyphs("".join(item.lines))
        if missing:
            shown = " ".join(f"U+{ord(ch):04X}" for ch in missing[:5])
            failures.append(f"{item.element} has characters the font cannot draw: {shown}")
    return failures


def check_rendered(
    rendered: Rendered, thresholds: QAThresholds | None = None, reader: TextReader | None = None
) -> QAReport:
    """Run every check on a rendered creative; the OCR read-back runs whatever else failed."""
    t = thresholds or QAThresholds()
    report = QAReport(passed=True, metrics=layout_metrics(rendered))
    m = report.metrics
    for name, limit in (
        ("overlap", t.max_overlap),
        ("occlusion", t.max_occlusion),
        ("out_of_bounds", t.max_out_of_bounds),
    ):
        if m[name] > limit:
            report.failures.append(f"layout {name} {m[name]:.3f} above {limit}")
    report.failures += product_failures(rendered, t) + text_failures(rendered)
    for item in rendered.texts:
        ratio = text_contrast(rendered.backdrop, item)
        required = t.contrast_large if is_large_text(item, t) else t.contrast_normal
        report.contrast[item.element] = {"ratio": round(ratio, 2), "required": required}
        if ratio < required:
            report.failures.append(f"{item.element} contrast {ratio:.2f}:1 below {required}:1")
        if item.truncated:
            report.warnings.append(f"{item.element} truncated to {' '.join(item.lines)!r}")
    if t.ocr:
        reader = reader or TextReader()
        for item in rendered.texts:
            intended = "".join(item.lines).replace("…", "")
            read = "".join(
                reader.read_line(_crop_line(rendered.image, b, item.size)) for b in item.line_boxes
            )
            score = read_back_score(intended, read)
            report.ocr[item.element] = {"read": read, "score": round(score, 3)}
            if score < t.ocr_similarity:
                report.failures.append(f"{item.element} OCR read {read!r} for {intended!r} ({score:.2f})")
    report.passed = not report.failures
    return report
