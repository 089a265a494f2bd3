"""Picture styles: the emoji sets the product dataset is built from, and the words that name each style in
captions and prompts (a style is a condition the model reads in the text, like a colour)."""

from __future__ import annotations

from dataclasses import dataclass

from adcraft.errors import InvalidInputError


@dataclass(frozen=True)
class Style:
    """One picture style: the npm package it comes from, its licence, and its zh/en caption words."""

    zh: str  # caption / prompt word ("3D渲染")
    en: str  # caption / prompt word ("3D render")
    package: str  # npm spec the images come from
    licence: str  # SPDX id, checked in the package's own licence / info.json
    attribution: str  # who made the images
    kind: str  # "webp": a folder of images; "iconify": an Iconify JSON set of SVGs


DEFAULT_STYLE = "3d"  # the Fluent 3D look every creative had before styles existed
STYLES: dict[str, Style] = {
    "3d": Style(
        "3D渲染",
        "3D render",
        "@lobehub/fluent-emoji-3d@1.1.0",
        "MIT",
        "Microsoft Fluent Emoji 3D images, packaged by LobeHub",
        "webp",
    ),
    "gradient": Style(
        "渐变插画",
        "gradient illustration",
        "@iconify-json/fluent-emoji@1.2.7",
        "MIT",
        "Microsoft Fluent Emoji (Color), Iconify JSON by Iconify (Vjacheslav Trushkin)",
        "iconify",
    ),
    "flat": Style(
        "扁平插画",
        "flat illustration",
        "@iconify-json/fluent-emoji-flat@1.2.6",
        "MIT",
        "Microsoft Fluent Emoji (Flat), Iconify JSON by Iconify",
        "iconify",
    ),
    "cartoon": Style(
        "卡通",
        "cartoon",
        "@iconify-json/noto@1.2.9",
        "Apache-2.0",
        "Noto Emoji by Google Inc., Iconify JSON by Iconify",
        "iconify",
    ),
    "icon": Style(
        "简约图标",
        "simple icon",
        "@iconify-json/twemoji@1.2.5",
        "CC-BY-4.0",
        "Twemoji by Twitter, Inc. and other contributors (jdecked/twemoji), CC BY 4.0; Iconify JSON",
        "iconify",
    ),
    "sticker": Style(
        "贴纸",
        "sticker",
        "@iconify-json/emojione@1.2.3",
        "CC-BY-4.0",
        "Emoji One (EmojiTwo) by Ranks.com / Emoji One, CC BY 4.0; Iconify JSON by Iconify",
        "iconify",
    ),
    "firefox": Style(
        "手绘插画",
        "hand-drawn illustration",
        "@iconify-json/fxemoji@1.2.2",
        "Apache-2.0",
        "Firefox OS Emoji by Mozilla, Iconify JSON by Iconify",
        "iconify",
    ),
    "outline": Style(
        "描边插画",
        "outline illustration",
        "@iconify-json/streamline-emojis@1.2.4",
        "CC-BY-4.0",
        "Streamline Emojis by Streamline (webalys), CC BY 4.0; Iconify JSON by Iconify",
        "iconify",
    ),
}
ALLOWED_LICENCES = {"MIT", "Apache-2.0", "CC-BY-4.0"}  # no share-alike (OpenMoji) and no non-free sets


def check_style(style: str) -> Style:
    """The Style of a style id; an unknown id raises naming the styles there are."""
    if style not in STYLES:
        raise InvalidInputError(f"style {style!r} must be one of {', '.join(STYLES)}")
    return STYLES[style]


ANY_STYLE = "any"  # the CLI's word for "no style asked": seeds may come out in different styles


def parse_style(style: str) -> str | None:
    """A CLI/API style value: a style id, or "any" (None: no style word). Unknown values raise."""
    if style == ANY_STYLE:
        return None
    if style not in STYLES:
        raise InvalidInputError(f"style {style!r} must be one of {', '.join(STYLES)} or {ANY_STYLE}")
    return style


def styled_caption(text: str, style: str, lang: str) -> str:
    """The caption or prompt text with its style word, the same phrasing in training and generation:
    "跑鞋，3D渲染风格" / "running shoe, 3D render style"."""
    s = check_style(style)
    return f"{text}，{s.zh}风格" if lang == "zh" else f"{text}, {s.en} style"


def dataset_styles(records) -> list[str]:
    """The styles of a dataset's records (extra["style"]), in STYLES order; [] when none has one."""
    seen = {r.extra.get("style") for r in records}
    return [s for s in STYLES if s in seen]
