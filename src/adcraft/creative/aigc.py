"""AI-generated content labels: the visible label on a creative and the metadata label in its file.

China's labelling measures for AI-generated content (《人工智能生成合成内容标识办法》, in force since
2025-09-01) ask for both: an explicit label people can read and an implicit one in the file's
metadata. The metadata is written as XMP with pyexiv2 (exiv2), the same way in PNG, JPEG and WebP:
the IPTC digital source type, the producer, the model id and a content id, plus the fields of the
national standard GB 45438-2025 (Label, ContentProducer, ProduceID, ...) as one JSON value.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from adcraft.creative.layout import Box
from adcraft.creative.palette import WHITE
from adcraft.creative.render import Rendered, TextItem, text_scale
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

IPTC_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
# what the visual of a creative is -> IPTC digital source type of the finished file
SOURCE_TYPES = {
    "generated": "compositeWithTrainedAlgorithmicMedia",  # generated visual + rendered layout and text
    "photo": "composite",  # the merchant's photo + rendered layout; no generated pixels
}
AIGC_NS = "https://adcraft.dev/ns/aigc/1.0/"  # adcraft's own XMP namespace for the GB 45438 JSON field
AIGC_PREFIX = "adcraftAigc"
AIGC_KEY = f"Xmp.{AIGC_PREFIX}.AIGC"
DEFAULT_TEXTS = {"zh": "AI生成", "en": "AI-generated"}  # the visible label when none is configured
POSITIONS = ("auto", "bottom-right", "bottom-left", "top-right", "top-left")
LABEL_ELEMENT = "ai_label"  # the TextItem element name the QA checks see
LABEL_SIZE_SHARE = 0.032  # label font size as a share of the creative's text scale
LABEL_MIN_PX = 12  # smallest label font size: OCR still reads it, and it stays legible
LABEL_FILL = (32, 32, 32)  # the label's pill: dark grey under white text (contrast ~16:1)


@dataclass(frozen=True)
class AILabel:
    """The visible AI-content label: its text and where it goes on the creative."""

    text: str = ""  # "" = DEFAULT_TEXTS for the copy's language
    position: str = "auto"  # one of POSITIONS; auto = the first corner clear of product and copy
    lang: str = "zh"  # language of the default text

    def validate(self) -> AILabel:
        """Raise InvalidInputError for an unknown position or language; returns self."""
        if self.position not in POSITIONS:
            raise InvalidInputError(f"AI label position {self.position!r} must be one of {list(POSITIONS)}")
        if not self.text and self.lang not in DEFAULT_TEXTS:
            raise InvalidInputError(f"AI label lang {self.lang!r} must be one of {sorted(DEFAULT_TEXTS)}")
        if self.text and not self.text.strip():
            raise InvalidInputError("AI label text is blank; give a text such as 'AI生成' or leave it empty")
        return self

    @property
    def shown(self) -> str:
        """The text drawn on the creative."""
        return self.text.strip() or DEFAULT_TEXTS[self.lang]


def _corner(position: str, area: Box, w: int, h: int, margin: int) -> Box:
    x = area.x + margin if position.endswith("left") else area.right - w - margin
    y = area.y + margin if position.startswith("top") else area.bottom - h - margin
    return Box(x, y, w, h)


def _clash(box: Box, rendered: Rendered) -> int:
    """Pixels of box that cover the product or any text already drawn."""
    mask = rendered.product_mask[max(0, box.y) : max(0, box.bottom), max(0, box.x) : max(0, box.right)]
    return int(mask.sum()) + sum(box.intersection(t.box) for t in rendered.texts)


def label_font_px(width: int, height: int) -> int:
    """The label's font size on a canvas of this size."""
    return max(LABEL_MIN_PX, int(text_scale(width, height) * LABEL_SIZE_SHARE))


def label_footprint(label: AILabel, width: int, height: int) -> tuple[int, int]:
    """(w, h) px the label's pill and its margin take on a canvas of this size."""
    from adcraft.creative.fonts import load_font

    size = label_font_px(width, height)
    left, top, right, bottom = load_font(size, "Regular").getbbox(label.validate().shown, anchor="ls")
    margin = max(2, size // 3)
    return (right - left) + 2 * max(3, size // 3) + 2 * margin, (bottom - top) + 2 * max(
        2, size // 5
    ) + 2 * margin


def stamp_label(rendered: Rendered, label: AILabel, area: Box | None = None) -> Rendered:
    """Draw the visible label in a corner (of area: a network's safe area; default the canvas) clear of
    product and copy; it joins the texts QA checks.

    When no corner is clear the least-covering one is used and QA's overlap/occlusion checks flag it:
    the label is never dropped.
    """
    from adcraft.creative.fonts import load_font

    label.validate()
    text = label.shown
    width, height = rendered.image.size
    size = label_font_px(width, height)
    font = load_font(size, "Regular")
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    pad_x, pad_y = max(3, size // 3), max(2, size // 5)
    w, h = (right - left) + 2 * pad_x, (bottom - top) + 2 * pad_y
    margin = max(2, size // 3)
    corners = POSITIONS[1:] if label.position == "auto" else (label.position,)
    pill = min(
        (_corner(p, area or Box(0, 0, width, height), w, h, margin) for p in corners),
        key=lambda b: _clash(b, rendered),
    )
    image, backdrop = rendered.image.copy(), rendered.backdrop.copy()
    for canvas in (image, backdrop):
        ImageDraw.Draw(canvas).rounded_rectangle(
            [pill.x, pill.y, pill.right - 1, pill.bottom - 1], radius=max(2, h // 3), fill=LABEL_FILL
        )
    ink = Box(pill.x + pad_x, pill.y + pad_y, right - left, bottom - top)
    ImageDraw.Draw(image).text((ink.x - left, ink.y - top), text, font=font, fill=WHITE, anchor="ls")
    item = TextItem(LABEL_ELEMENT, text, [text], ink, WHITE, size, "Regular", False, [ink])
    return replace(rendered, image=image, backdrop=backdrop, texts=[*rendered.texts, item])


@dataclass(frozen=True)
class ContentLabel:
    """What the metadata label says about one file."""

    source: str  # a key of SOURCE_TYPES: "generated" or "photo"
    producer: str  # who made it (service provider name), e.g. "adcraft 0.1.0"
    model_id: str = ""  # the generating model's id; "" for a photo-only creative
    content_id: str = ""  # unique id of this content; "" = a new UUID
    text: str = ""  # the visible label shown on the image ("" when there is none)

    def xmp(self) -> dict[str, Any]:
        """The XMP properties to write (pyexiv2 keys)."""
        if self.source not in SOURCE_TYPES:
            raise InvalidInputError(f"content source {self.source!r} must be one of {sorted(SOURCE_TYPES)}")
        content_id = self.content_id or uuid.uuid4().hex
        generated = self.source == "generated"
        props: dict[str, Any] = {
            "Xmp.iptcExt.DigitalSourceType": IPTC_SOURCE + SOURCE_TYPES[self.source],
            "Xmp.xmp.CreatorTool": self.producer,
            "Xmp.xmpMM.DocumentID": f"xmp.did:{content_id}",
        }
        if generated:  # the GB 45438-2025 implicit-label fields; a photo-only creative has none
            aigc = {
                "Label": "1",  # AI-generated or synthesised content
                "ContentProducer": self.producer,
                "ProduceID": content_id,
                "ReservedCode1": self.model_id,
            }
            props[AIGC_KEY] = json.dumps(aigc, ensure_ascii=False, sort_keys=True)
        if self.model_id:
            props["Xmp.iptcExt.AISystemUsed"] = self.model_id
        if self.text:
            props["Xmp.dc.description"] = {'lang="x-default"': self.text}
        return props


@lru_cache(maxsize=1)
def _register_namespace() -> None:
    import pyexiv2

    pyexiv2.registerNs(AIGC_NS, AIGC_PREFIX)


def embed_label(data: bytes, label: ContentLabel) -> bytes:
    """The encoded image (PNG, JPEG or WebP bytes) with the label written into its XMP."""
    import pyexiv2

    _register_namespace()
    with pyexiv2.ImageData(data) as image:
        image.modify_xmp(label.xmp())
        return image.get_bytes()


def read_label(data: bytes) -> dict[str, Any]:
    """The label fields read back from an encoded image: source type, producer, model, ids, AIGC JSON."""
    import pyexiv2

    _register_namespace()
    with pyexiv2.ImageData(data) as image:
        xmp = image.read_xmp()
    aigc = xmp.get(AIGC_KEY)
    return {
        "digital_source_type": xmp.get("Xmp.iptcExt.DigitalSourceType", ""),
        "producer": xmp.get("Xmp.xmp.CreatorTool", ""),
        "model_id": xmp.get("Xmp.iptcExt.AISystemUsed", ""),
        "document_id": xmp.get("Xmp.xmpMM.DocumentID", ""),
        "aigc": json.loads(aigc) if aigc else {},
        "description": (xmp.get("Xmp.dc.description") or {}).get('lang="x-default"', ""),
    }


def has_visible_label(image: Image.Image, text: str) -> bool:
    """True when OCR over the whole image reads the label text (used by tests and the demo check)."""
    from adcraft.creative.quality import TextReader, normalise_text

    return normalise_text(text) in normalise_text(TextReader().read(image))
