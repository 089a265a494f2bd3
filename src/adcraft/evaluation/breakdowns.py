"""Issue 20's evaluation tables: colour adherence per colour family, "no colour asked -> the product's
natural colour", and concept accuracy per style, each for the generated, real (ceiling) and
random-concept (floor) images of a run."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from PIL import Image

from adcraft.data.dataset import ImageRecord
from adcraft.data.styles import DEFAULT_STYLE
from adcraft.evaluation import metrics as M
from adcraft.evaluation.prompts import EvalPrompt

CONDITIONS = ("generated", "real", "random")
STYLE_METRICS = ("concept_top1_zh", "concept_top5_zh", "concept_top1_en", "concept_top5_en", "diversity")


def is_original(record: ImageRecord) -> bool:
    """Whether a record is its product's own colour (not a recoloured variant), in any builder version."""
    variant = record.extra.get("variant")
    return variant == "orig" if variant is not None else record.file.endswith("-orig.png")


def record_style(record: ImageRecord) -> str:
    """The record's style; datasets from before styles are all the 3D look."""
    return record.extra.get("style") or DEFAULT_STYLE


def by_colour(per_prompt: list[dict]) -> dict[str, dict]:
    """{family: {prompts, adherence}} from score()'s per-prompt rows: the share of a family's images
    measured in that family."""
    hits: dict[str, list[bool]] = defaultdict(list)
    prompts: dict[str, int] = defaultdict(int)
    for row in per_prompt:
        if row["color"] and row.get("colour_families") is not None:
            hits[row["color"]] += [f == row["color"] for f in row["colour_families"]]
            prompts[row["color"]] += 1
    return {
        family: {"prompts": prompts[family], "adherence": sum(h) / len(h)}
        for family, h in sorted(hits.items())
        if h
    }


def natural_families(
    prompts: list[EvalPrompt], records: list[ImageRecord], data: Path, style: str | None
) -> dict[str, set[str]]:
    """Per concept asked without a colour, the measured colour families of its original image(s): the
    one in the asked style, or every style's when no style is asked (seeds may take any)."""
    wanted = {p.concept for p in prompts if p.color is None}
    out: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        if rec.concept in wanted and is_original(rec) and (style is None or record_style(rec) == style):
            with Image.open(data / rec.file) as img:
                family = M.color_family(img)
            if family is not None:
                out[rec.concept].add(family)
    return dict(out)


def natural_colour(
    images: list[list[Image.Image] | None], prompts: list[EvalPrompt], natural: dict[str, set[str]]
) -> dict:
    """{prompts, share}: of the images of prompts that ask no colour, the share measured in the
    product's natural colour family (None when the set has no such prompt)."""
    hits = []
    n = 0
    for imgs, p in zip(images, prompts, strict=True):
        if p.color is not None or imgs is None or p.concept not in natural:
            continue
        n += 1
        hits += [M.color_family(img) in natural[p.concept] for img in imgs]
    return {"prompts": n, "share": sum(hits) / len(hits) if hits else None}


def style_row(summary: dict) -> dict:
    """The per-style table's cells of one run's summary: {condition: {metric: value}}."""
    return {
        cond: {k: summary["metrics"].get(cond, {}).get(k) for k in STYLE_METRICS}
        for cond in CONDITIONS
        if cond in summary["metrics"]
    }


def spread_subset(items: list, n: int) -> list:
    """n items spread evenly over the list (every k-th), so a subset keeps the set's mix of families."""
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]
