"""The bundled product-visual dataset: product concepts from emojibase (zh/en labels and tags), their
image in every emoji style that has them (Fluent 3D WebP, SVG sets rendered with resvg), colour
variants in OKLCH, and captions that carry the colour and the style."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from adcraft.data.captions import Labels, image_captions
from adcraft.data.dataset import IMAGES_DIR, ImageRecord, write_dataset
from adcraft.data.npm import DEFAULT_CACHE, fetch_package
from adcraft.data.recolor import COLOR_TARGETS, ColorTarget, recolor
from adcraft.data.styles import STYLES
from adcraft.data.svgsets import IconSet, load_icon_set, render_svg, slug
from adcraft.defaults import VISUAL_SIZE
from adcraft.errors import DataError
from adcraft.text.colors import color_words, dominant_color_family

logger = logging.getLogger(__name__)

FLUENT_3D = STYLES["3d"].package
EMOJIBASE = "emojibase-data@17.0.0"
EMOJIBASE_SOURCE = {
    "name": "emojibase-data",
    "version": "17.0.0",
    "licence": "MIT",
    "attribution": "emojibase (Miles Johnson); labels and tags from Unicode CLDR (Unicode licence)",
}
SOURCE_SIZE = 256  # SVG sets are rendered at the Fluent 3D WebPs' size, then resized like them
VARIANTS_PER_OTHER_STYLE = 3  # colour variants per concept in styles other than 3D (3D gets every target)
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
ZH_TEMPLATES = ["{label}", "新款{label}", "{label}商品图", "{tag}"]
EN_TEMPLATES = ["{label}", "{a} {label}", "{label}, product photo", "{tag}"]


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


def style_sources(styles: list[str]) -> list[dict]:
    """The manifest's sources: each style's package with its licence and attribution, and emojibase."""
    out = []
    for style in styles:
        name, _, version = STYLES[style].package.rpartition("@")
        out.append(
            {
                "name": name,
                "version": version,
                "licence": STYLES[style].licence,
                "attribution": STYLES[style].attribution,
                "style": style,
            }
        )
    return out + [EMOJIBASE_SOURCE]


def source_image(concept: Concept, style: str, icon_sets: dict[str, IconSet]) -> Image.Image | None:
    """The concept's image in one style at SOURCE_SIZE, or None where the set has no such emoji."""
    if style == "3d":
        with Image.open(concept.image) as img:
            return img.convert("RGBA")
    names = [slug(concept.label_en)]
    names += [s.chars[concept.hexcode] for s in icon_sets.values() if concept.hexcode in s.chars]
    icons = icon_sets[style]
    name = icons.find(concept.hexcode, names)
    return None if name is None else render_svg(icons.svg(name, SOURCE_SIZE))


def variant_targets(style_index: int, concept_index: int, measured: str | None) -> list[ColorTarget]:
    """The colour targets of one concept in one style: every one for 3D (style 0), a rotating few for the
    others, never the family the original already has."""
    targets = [t for t in COLOR_TARGETS if t.family != measured]
    if style_index == 0:
        return targets
    start = (concept_index * 5 + style_index * 3) % len(targets)
    step = max(1, len(targets) // VARIANTS_PER_OTHER_STYLE)
    return [targets[(start + k * step) % len(targets)] for k in range(VARIANTS_PER_OTHER_STYLE)]


@dataclass
class BuildOptions:
    """What build_products makes: image size, colour variants, styles, and the high-resolution copy."""

    size: int = 64  # training image side
    colors: bool = True  # colour variants with colour captions
    styles: tuple[str, ...] = tuple(STYLES)  # styles to include, 3D first
    hr_size: int = 0  # also save every image at this side under images_<hr_size>/ (0 = no copy)


def build_products(
    out: str | Path,
    size: int = VISUAL_SIZE,
    colors: bool = True,
    cache: Path = DEFAULT_CACHE,
    fluent_dir: Path | None = None,
    emojibase_dir: Path | None = None,
    styles: tuple[str, ...] | None = None,
    hr_size: int = 0,
    package_dirs: dict[str, Path] | None = None,
) -> dict:
    """Build the dataset folder; returns its manifest. Package folders may be given (tests) or fetched."""
    opts = BuildOptions(size, colors, tuple(styles or STYLES), hr_size)
    if not 8 <= size <= 1024 or not (hr_size == 0 or size <= hr_size <= 1024):
        raise DataError(f"size {size} must be 8-1024 and hr_size {hr_size} 0 or between size and 1024")
    unknown = [s for s in opts.styles if s not in STYLES]
    if unknown or opts.styles[0] != "3d" or len(set(opts.styles)) != len(opts.styles):
        raise DataError(f"styles {list(opts.styles)} must start with 3d and be among {', '.join(STYLES)}")
    out = Path(out)
    (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    if opts.hr_size:
        (out / f"{IMAGES_DIR}_{opts.hr_size}").mkdir(exist_ok=True)
    package_dirs = dict(package_dirs or {})
    fluent_dir = fluent_dir or package_dirs.get("3d") or fetch_package(FLUENT_3D, cache)
    emojibase_dir = emojibase_dir or fetch_package(EMOJIBASE, cache)
    icon_sets = {
        s: load_icon_set(package_dirs.get(s) or fetch_package(STYLES[s].package, cache))
        for s in opts.styles
        if STYLES[s].kind == "iconify"
    }
    records = []
    for ci, concept in enumerate(load_concepts(fluent_dir, emojibase_dir)):
        for si, style in enumerate(opts.styles):
            src = source_image(concept, style, icon_sets)
            if src is not None:
                records += concept_records(out, concept, style, (si, ci), src, opts)
    logger.info("built %d images of %d concepts", len(records), len({r.concept for r in records}))
    sources = style_sources(list(opts.styles))
    (out / "LICENSES.txt").write_text(
        "\n".join(f"{s['name']} {s['version']}: {s['licence']}. {s['attribution']}" for s in sources) + "\n",
        encoding="utf-8",
    )
    return write_dataset(out, records, sources)


def concept_records(
    out: Path, concept: Concept, style: str, index: tuple[int, int], src: Image.Image, opts: BuildOptions
) -> list[ImageRecord]:
    """Save one concept's image in one style and its colour variants; their caption records."""
    base = resize_rgba(src, opts.size)
    hr = resize_rgba(src, opts.hr_size) if opts.hr_size else None
    measured = dominant_color_family(base)
    colourable = PRODUCT_SUBGROUPS[concept.subgroup]
    labels = Labels(concept.label_zh, concept.label_en, tuple(concept.tags_zh), tuple(concept.tags_en))
    # the original names its colour only where the colour is not intrinsic to the product
    own = color_words(measured) if colourable and measured else None
    variants = [("orig", base, hr, own, measured if colourable else None)]
    if opts.colors and colourable:
        for target in variant_targets(index[0], index[1], measured):
            img = recolor(base, target)
            if dominant_color_family(img) != target.family:  # keep only variants whose colour word is true
                continue
            words = (target.zh[index[0] % len(target.zh)], target.en[index[0] % len(target.en)])
            variants.append((target.name, img, recolor(hr, target) if hr else None, words, target.family))
    records = []
    for vi, (tag, img, hr_img, words, family) in enumerate(variants):
        file = f"{IMAGES_DIR}/{concept.hexcode}-{style}-{tag}.png"
        img.save(out / file)
        extra = {"style": style, "variant": tag}
        if hr_img is not None:
            extra["file_hr"] = f"{IMAGES_DIR}_{opts.hr_size}/{concept.hexcode}-{style}-{tag}.png"
            hr_img.save(out / extra["file_hr"])
        records.append(
            ImageRecord(
                file=file,
                captions=image_captions(
                    labels, style, words, tag == "orig", None if style == "3d" else index[1] + vi
                ),
                concept=concept.hexcode,
                label_en=concept.label_en,
                label_zh=concept.label_zh,
                group=concept.subgroup,
                color=family,
                extra=extra,
            )
        )
    return records
