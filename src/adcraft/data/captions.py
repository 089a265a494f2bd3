"""Bilingual captions of one dataset image: the product's label and tags in shop phrasings, its colour
words when the colour is one a shop names, and its style word.

Rules that the model's behaviour rests on (tests/data/test_captions.py):
- a caption without a colour word is given only to the product's original colour, so an uncoloured title
  is drawn as the product normally looks;
- every image has captions with its style word and captions without one, so a prompt with a style gets
  that style and a prompt without one may get any;
- the same words in the same order as generation writes them (styles.styled_caption), so a --style
  prompt is a caption the model has read.
"""

from __future__ import annotations

from dataclasses import dataclass

from adcraft.data.styles import styled_caption

ZH_TEMPLATES = ["{label}", "新款{label}", "{label}商品图", "{tag}"]
EN_TEMPLATES = ["{label}", "{a} {label}", "{label}, product photo", "{tag}"]


@dataclass(frozen=True)
class Labels:
    """The words of one concept: labels and up to two distinctive tags per language."""

    zh: str
    en: str
    tags_zh: tuple[str, ...]
    tags_en: tuple[str, ...]


def article(word: str) -> str:
    """'an' before a vowel sound (by spelling), else 'a'."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def plain_captions(labels: Labels) -> list[str]:
    """Captions without a colour word: the label, shop phrasings and tags (zh then en)."""
    zh_tags = [t for t in labels.tags_zh if t != labels.zh][:2] or [labels.zh]
    en_tags = [t for t in labels.tags_en if t != labels.en][:2] or [labels.en]
    caps = [t.format(label=labels.zh, tag=zh_tags[i % len(zh_tags)]) for i, t in enumerate(ZH_TEMPLATES)]
    caps += [
        t.format(label=labels.en, tag=en_tags[i % len(en_tags)], a=article(labels.en))
        for i, t in enumerate(EN_TEMPLATES)
    ]
    return caps


def image_captions(
    labels: Labels, style: str, colour: tuple[str, str] | None, original: bool, lang_pick: int | None
) -> list[str]:
    """Every caption of one image. colour is the (zh, en) words of its colour, None where the colour is
    intrinsic to the product (a banana); original says whether this is the product's own colour, the
    only image that gets the captions without a colour word. The coloured caption with the style word is
    given in both languages when lang_pick is None (the default style), else in one, zh for an even
    lang_pick (every caption costs an encoder pass when the dataset is loaded)."""
    caps: list[str] = []
    if original:
        caps += plain_captions(labels)
        caps += [styled_caption(labels.zh, style, "zh"), styled_caption(labels.en, style, "en")]
    if colour is not None:
        zh_word, en_word = colour
        caps += [f"{zh_word}{labels.zh}", f"{en_word} {labels.en}"]
        if lang_pick is None or lang_pick % 2 == 0:
            caps.append(styled_caption(f"{zh_word}{labels.zh}", style, "zh"))
        if lang_pick is None or lang_pick % 2 == 1:
            caps.append(styled_caption(f"{en_word} {labels.en}", style, "en"))
    return list(dict.fromkeys(caps))
