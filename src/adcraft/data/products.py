"""The bundled product-visual dataset: Fluent 3D emoji images with emojibase zh/en labels and tags."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from adcraft.data.dataset import IMAGES_DIR, ImageRecord, write_dataset
from adcraft.data.npm import DEFAULT_CACHE, fetch_package
from adcraft.text.colors import CHROMATIC_HUES, color_words, dominant_color_family, hsv_to_rgb, rgb_to_hsv

logger = logging.getLogger(__name__)

FLUENT_3D = "@lobehub/fluent-emoji-3d@1.1.0"
EMOJIBASE = "emojibase-data@17.0.0"
SOURCES = [
    {
        "name": "@lobehub/fluent-emoji-3d",
        "version": "1.1.0",
        "licence": "MIT",
        "attribution": "Microsoft Fluent Emoji 3D images, packaged by LobeHub",
    },
    {
        "name": "emojibase-data",
        "version": "17.0.0",
        "licence": "MIT",
        "attribution": "emojibase (Miles Johnson); labels and tags from Unicode CLDR (Unicode licence)",
    },
]
# emojibase subgroups that are products, and whether their colour can be varied
PRODUCT_SUBGROUPS = {
    "clothing": True,
    "dishware": True,
    "phone": True,
    "computer": True,
    "household": True,
    "game": True,
    "sport": True,
    "musical-instrument": True,
    "light-video": True,
    "office": True,
    "writing": True,
    "tool": True,
    "food-fruit": False,
    "food-vegetable": False,
    "food-prepared": False,
    "food-asian": False,
    "food-sweet": False,
    "drink": False,
}
EXCLUDED_LABELS = {  # not products a shop sells, or not objects at all
    "military helmet",
    "rescue worker’s helmet",
    "prayer beads",
    "film frames",
    "clapper board",
    "magnifying glass tilted left",
    "red paper lantern",
    "diya lamp",
    "chart increasing",
    "chart decreasing",
    "bar chart",
    "card index dividers",
    "round pushpin",
    "linked paperclips",
    "dagger",
    "crossed swords",
    "bomb",
    "boomerang",
    "bow and arrow",
    "shield",
    "link",
    "chains",
    "balance scale",
    "white cane",
    "hook",
    "pick",
    "hammer and pick",
    "hammer and wrench",
    "door",
    "elevator",
    "window",
    "toilet",
    "plunger",
    "shower",
    "mouse trap",
    "bubbles",
    "placard",
    "headstone",
    "coffin",
    "funeral urn",
    "moai",
    "identification card",
    "nazar amulet",
    "hamsa",
    "crystal ball",
    "magic wand",
    "joker",
    "mahjong red dragon",
    "flower playing cards",
    "spade suit",
    "heart suit",
    "diamond suit",
    "club suit",
    "chess pawn",
    "video game",
    "slot machine",
    "pool 8 ball",
    "tear-off calendar",
    "spiral calendar",
    "card index",
    "wastebasket",
    "fire extinguisher",
    "shopping cart",
    "broken chain",
    "carpentry saw",
    "amphora",
    "pouring liquid",
    "ice",
    "chopsticks",
    "fishing pole",
    "kite",
    "yo-yo",
    "wrapped gift",
    "ribbon",
    "reminder ribbon",
    "admission tickets",
    "ticket",
    "sled",
    "curling stone",
    "diving mask",
    "running shirt",
    "skis",
    "gear",
    "clamp",
    "ladder",
}
RECOLOR_FAMILIES = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "black", "white"]
ZH_TEMPLATES = ["{label}", "新款{label}", "{label}商品图", "{tag}"]
EN_TEMPLATES = ["{label}", "{a} {label}", "{label}, product photo", "{tag}"]
ZH_COLOR_TEMPLATES = ["{color}{label}", "{color}的{label}", "新款{color}{label}"]
EN_COLOR_TEMPLATES = ["{color} {label}", "{a_color} {color} {label}", "{label} in {color}"]


@dataclass
class Concept:
    """One product concept: an emoji with labels, tags and its image file."""

    hexcode: str
    subgroup: str
    label_en: str
    label_zh: str
    tags_en: list[str]
    tags_zh: list[str]
    image: Path


def load_concepts(fluent_dir: Path, emojibase_dir: Path) -> list[Concept]:
    """Product concepts that have both a Fluent 3D image and zh + en labels."""
    groups = json.loads((emojibase_dir / "meta" / "groups.json").read_text(encoding="utf-8"))["subgroups"]
    zh = {
        e["hexcode"]: e for e in json.loads((emojibase_dir / "zh" / "data.json").read_text(encoding="utf-8"))
    }
    assets = fluent_dir / "assets"
    files = {p.stem.replace("-fe0f", ""): p for p in sorted(assets.glob("*.webp"))}
    concepts = []
    for entry in json.loads((emojibase_dir / "en" / "data.json").read_text(encoding="utf-8")):
        subgroup = groups.get(str(entry.get("subgroup")))
        key = entry["hexcode"].lower().replace("-fe0f", "")
        if subgroup not in PRODUCT_SUBGROUPS or entry["label"] in EXCLUDED_LABELS:
            continue
        if key not in files or entry["hexcode"] not in zh:
            continue
        z = zh[entry["hexcode"]]
        concepts.append(
            Concept(
                key,
                subgroup,
                entry["label"].replace("’", "'"),
                z["label"],
                list(entry.get("tags", []))[:3],
                list(z.get("tags", []))[:3],
                files[key],
            )
        )
    return distinctive_tags(concepts)


def distinctive_tags(concepts: list[Concept]) -> list[Concept]:
    """Keep only the tags that name one concept: a caption shared by several products ('fruit', 面包 on
    croissant and baguette) trains the model to draw their average, a coloured blob, for all of them."""
    for lang in ("en", "zh"):
        labels = {getattr(c, f"label_{lang}") for c in concepts}
        tags = Counter(t for c in concepts for t in set(getattr(c, f"tags_{lang}")))
        for c in concepts:
            own = getattr(c, f"label_{lang}")
            setattr(
                c,
                f"tags_{lang}",
                [t for t in getattr(c, f"tags_{lang}") if tags[t] == 1 and (t == own or t not in labels)],
            )
    return concepts


def resize_rgba(img: Image.Image, size: int) -> Image.Image:
    """Lanczos resize on premultiplied alpha, so transparent pixels leave no dark fringe."""
    a = np.asarray(img.convert("RGBA"), dtype=np.float32) / 255.0
    a[..., :3] *= a[..., 3:4]
    channels = [Image.fromarray(a[..., i]).resize((size, size), Image.Resampling.LANCZOS) for i in range(4)]
    out = np.stack([np.asarray(c) for c in channels], -1).clip(0, 1)
    rgb = np.where(out[..., 3:4] > 1e-3, out[..., :3] / np.maximum(out[..., 3:4], 1e-3), 0).clip(0, 1)
    return Image.fromarray((np.concatenate([rgb, out[..., 3:4]], -1) * 255 + 0.5).astype(np.uint8), "RGBA")


def recolor(img: Image.Image, family: str) -> Image.Image:
    """Shift the object's dominant hue to a family's hue (or desaturate for black/white)."""
    a = np.asarray(img.convert("RGBA"), dtype=np.float32) / 255.0
    hsv = rgb_to_hsv(a[..., :3])
    if family in CHROMATIC_HUES:
        mask = (a[..., 3] > 0.5) & (hsv[..., 1] > 0.3) & (hsv[..., 2] > 0.25)
        weights = hsv[..., 1][mask] * hsv[..., 2][mask]
        angles = np.deg2rad(hsv[..., 0][mask])
        mean_hue = np.rad2deg(np.arctan2((np.sin(angles) * weights).sum(), (np.cos(angles) * weights).sum()))
        hsv[..., 0] = (hsv[..., 0] + CHROMATIC_HUES[family] - mean_hue) % 360
        hsv[..., 1] = np.maximum(
            hsv[..., 1], 0.55 * (hsv[..., 1] > 0.15)
        )  # keep pale objects visibly coloured
        hsv[..., 2] = np.maximum(hsv[..., 2], 0.45)  # a dark red reads as brown
    elif family == "black":
        hsv[..., 1] *= 0.15
        hsv[..., 2] = 0.08 + hsv[..., 2] * 0.3
    elif family == "white":
        hsv[..., 1] *= 0.08
        hsv[..., 2] = 0.8 + hsv[..., 2] * 0.2
    rgb = hsv_to_rgb(hsv).clip(0, 1)
    return Image.fromarray((np.concatenate([rgb, a[..., 3:4]], -1) * 255 + 0.5).astype(np.uint8), "RGBA")


def article(word: str) -> str:
    """'an' before a vowel sound (by spelling), else 'a'."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def captions_for(concept: Concept, family: str | None) -> list[str]:
    """Bilingual captions from the labels, tags and phrase templates (with the colour word if any)."""
    zh_tags = [t for t in concept.tags_zh if t != concept.label_zh][:2] or [concept.label_zh]
    en_tags = [t for t in concept.tags_en if t != concept.label_en][:2] or [concept.label_en]
    caps = [
        t.format(label=concept.label_zh, tag=zh_tags[i % len(zh_tags)]) for i, t in enumerate(ZH_TEMPLATES)
    ]
    caps += [
        t.format(label=concept.label_en, tag=en_tags[i % len(en_tags)], a=article(concept.label_en))
        for i, t in enumerate(EN_TEMPLATES)
    ]
    if family:
        zh_word, en_word = color_words(family)
        caps += [t.format(color=zh_word, label=concept.label_zh) for t in ZH_COLOR_TEMPLATES]
        caps += [
            t.format(color=en_word, label=concept.label_en, a_color=article(en_word))
            for t in EN_COLOR_TEMPLATES
        ]
        caps = caps[:2] + caps[4:6] + caps[8:]  # colour variants: mostly captions that name the colour
    return list(dict.fromkeys(caps))


def build_products(
    out: str | Path,
    size: int = 64,
    colors: bool = True,
    cache: Path = DEFAULT_CACHE,
    fluent_dir: Path | None = None,
    emojibase_dir: Path | None = None,
) -> dict:
    """Build the dataset folder; returns its manifest. Package folders may be given (tests) or fetched."""
    out = Path(out)
    (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    fluent_dir = fluent_dir or fetch_package(FLUENT_3D, cache)
    emojibase_dir = emojibase_dir or fetch_package(EMOJIBASE, cache)
    records = []
    for concept in load_concepts(fluent_dir, emojibase_dir):
        with Image.open(concept.image) as src:
            base = resize_rgba(src, size)
        measured = dominant_color_family(base)
        # the original names its colour only where the colour is not intrinsic to the product
        variants = [(base, measured if PRODUCT_SUBGROUPS[concept.subgroup] else None, "orig")]
        if colors and PRODUCT_SUBGROUPS[concept.subgroup]:
            for family in RECOLOR_FAMILIES:
                if family == measured:
                    continue
                img = recolor(base, family)
                if dominant_color_family(img) == family:  # keep only variants whose colour word is true
                    variants.append((img, family, family))
        for img, family, tag in variants:
            file = f"{IMAGES_DIR}/{concept.hexcode}-{tag}.png"
            img.save(out / file)
            records.append(
                ImageRecord(
                    file=file,
                    captions=captions_for(concept, family),
                    concept=concept.hexcode,
                    label_en=concept.label_en,
                    label_zh=concept.label_zh,
                    group=concept.subgroup,
                    color=family,
                )
            )
    logger.info("built %d images of %d concepts", len(records), len({r.concept for r in records}))
    (out / "LICENSES.txt").write_text(
        "\n".join(f"{s['name']} {s['version']}: {s['licence']}. {s['attribution']}" for s in SOURCES) + "\n",
        encoding="utf-8",
    )
    return write_dataset(out, records, SOURCES)
