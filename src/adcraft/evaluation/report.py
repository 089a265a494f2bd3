"""Presenting an evaluation run: table rows with ceiling, floor and target, and a sample grid image."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from adcraft.evaluation.run import TARGETS, EvalResult

METRIC_NAMES = {  # metric key -> what the table calls it
    "concept_top1_zh": "concept top-1 (zh)",
    "concept_top5_zh": "concept top-5 (zh)",
    "concept_top1_en": "concept top-1 (en)",
    "concept_top5_en": "concept top-5 (en)",
    "colour_adherence": "colour adherence",
    "feature_frechet_distance": "evaluator feature Fréchet distance (lower is better)",
    "diversity": "diversity across seeds (mean pairwise feature distance)",
    "collapsed_prompts": "collapsed prompts",
    "alpha_quality": "alpha quality (one object inside the frame)",
}
GRID_CELL = 96  # px per image in the sample grid
GRID_ROWS = 16  # prompts shown in the sample grid


def table_rows(summary: dict) -> list[list[str]]:
    """[metric, generated, real (ceiling), random concept (floor), target] as display strings."""
    m = summary["metrics"]
    rows = []
    for key, name in METRIC_NAMES.items():
        target = TARGETS.get(key)
        cells = [_fmt(m.get(cond, {}).get(key)) for cond in ("generated", "real", "random")]
        rows.append(
            [
                name,
                *cells,
                "" if target is None else (f"≥ {target:.0%}" if isinstance(target, float) else f"= {target}"),
            ]
        )
    return rows


def breakdown_rows(summary: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of each breakdown table a summary has: colour family, natural colour,
    style; every row gives the model beside the real-image ceiling and the random-concept floor."""
    conds = ("generated", "real", "random")
    header = ["", "model", "real (ceiling)", "random concept (floor)"]
    out = []
    if by_colour := summary.get("by_colour"):
        families = sorted(set().union(*(by_colour.get(c, {}) for c in conds)))
        rows = [
            [f"{f} ({by_colour['generated'].get(f, {}).get('prompts', 0)})"]
            + [_fmt(by_colour.get(c, {}).get(f, {}).get("adherence")) for c in conds]
            for f in families
        ]
        out.append(("colour adherence per family (prompts)", ["family", *header[1:]], rows))
    if natural := summary.get("natural_colour"):
        n = natural.get("generated", {}).get("prompts", 0)
        rows = [[f"uncoloured titles ({n})", *[_fmt(natural.get(c, {}).get("share")) for c in conds]]]
        out.append(("no colour asked -> natural colour", ["", *header[1:]], rows))
    if by_style := summary.get("by_style"):
        rows = []
        for style, cells in by_style.items():
            for key in (
                "concept_top1_zh",
                "concept_top1_en",
                "concept_top5_zh",
                "concept_top5_en",
                "diversity",
            ):
                name = METRIC_NAMES[key].split(" (")[0] + (
                    f" ({key[-2:]})" if key[-2:] in ("zh", "en") else ""
                )
                rows.append([f"{style}: {name}", *[_fmt(cells.get(c, {}).get(key)) for c in conds]])
        out.append(
            (
                f"per style ({next(iter(by_style.values()))['prompts']} prompts each)",
                ["style: metric", *header[1:]],
                rows,
            )
        )
    return out


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def sample_grid(images: list[list[Image.Image]], rows: int = GRID_ROWS, cell: int = GRID_CELL) -> Image.Image:
    """Prompts down, seeds across, on white: the first `rows` prompts of a run."""
    images = images[:rows]
    cols = max((len(r) for r in images), default=1)
    grid = Image.new("RGB", (cols * cell, max(len(images), 1) * cell), "white")
    for r, row in enumerate(images):
        for c, img in enumerate(row):
            tile = img.convert("RGBA").resize((cell, cell), Image.Resampling.LANCZOS)
            grid.paste(tile, (c * cell, r * cell), tile)
    return grid


def write_results(result: EvalResult, out: str | Path) -> dict[str, Path]:
    """Write results.json and grid.png (with grid_prompts.txt naming its rows) into out."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "results": out / "results.json",
        "grid": out / "grid.png",
        "grid_prompts": out / "grid_prompts.txt",
    }
    paths["results"].write_text(json.dumps(result.summary, ensure_ascii=False, indent=2), encoding="utf-8")
    sample_grid(result.images).save(paths["grid"])
    shown = [p.prompt for p in result.prompts[:GRID_ROWS]]
    paths["grid_prompts"].write_text("\n".join(shown) + "\n", encoding="utf-8")
    return paths
