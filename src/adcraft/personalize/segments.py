"""Audience segments: who the audience is, and the creative style that follows from it."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from adcraft.creative.layout import FAMILIES
from adcraft.creative.style import CreativeStyle
from adcraft.defaults import LANGUAGES
from adcraft.errors import ConfigError, NotFoundError

logger = logging.getLogger(__name__)

DEFAULT_SEGMENTS_PATH = Path(__file__).with_name("segments.yaml")
TONES = ("neutral", "playful", "premium", "value", "professional", "sporty")
EMPHASES = ("price", "quality")
GENDERS = ("female", "male", "any")
_AGE_BAND = re.compile(r"^\d{1,3}(-\d{1,3}|\+)$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Segment:
    """One audience segment and the creative style chosen for it."""

    name: str  # identifier used on the CLI and in event logs, e.g. "students_budget"
    label_zh: str  # human label in Chinese
    label_en: str  # human label in English
    age_band: str  # "18-29" or "60+"
    gender: str  # one of GENDERS
    interests: tuple[str, ...]  # free-form interest tags, used as ranker features
    price_sensitivity: float  # 0 = indifferent to price, 1 = buys only on price
    language: str  # copy language, one of LANGUAGES
    palette: str | tuple[str, ...]  # composer palette name, or "#rrggbb" colours
    template_family: str  # composer template family name
    tone: str  # copy tone, one of TONES
    emphasis: str  # what the copy leads with, one of EMPHASES
    prompt_modifiers: tuple[str, ...] = field(default=())  # words appended to the visual prompt

    def label(self, lang: str | None = None) -> str:
        """The segment's label in `lang` (default: the segment's own language)."""
        return self.label_zh if (lang or self.language) == "zh" else self.label_en

    def style(self) -> CreativeStyle:
        """The creative style this segment resolves to (what the composer is given)."""
        return CreativeStyle(self.palette, self.template_family, self.tone, self.prompt_modifiers)

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON/YAML-friendly dict of the segment."""
        data = asdict(self)
        for key in ("interests", "prompt_modifiers"):
            data[key] = list(data[key])
        if isinstance(self.palette, tuple):
            data["palette"] = list(self.palette)
        return data


def _fail(name: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"segment {name!r}: field {key!r} {problem}")


def _str_list(name: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(name, key, f"must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _choice(name: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(name, key, f"is {value!r}; allowed: {', '.join(allowed)}")
    return value


def _check_drawable(name: str, modifiers: tuple[str, ...]) -> None:
    """Refuse prompt modifiers the model cannot draw: it knows colours, not style or mood words."""
    from adcraft.text.colors import COLOR_FAMILIES, find_color

    for word in modifiers:
        if find_color(word) is None:
            raise _fail(
                name,
                "prompt_modifiers",
                f"has {word!r}, which the visual model cannot draw; allowed: colour words of the "
                f"families {', '.join(COLOR_FAMILIES)} (e.g. 粉色, pink, 深蓝, navy)",
            )


def parse_segment(name: str, row: Any) -> Segment:
    """Validate one segment mapping from a segments file; errors name the segment and field."""
    if not isinstance(row, dict):
        raise ConfigError(f"segment {name!r} must be a mapping of fields, got {type(row).__name__}")
    allowed = [f.name for f in fields(Segment) if f.name != "name"]
    unknown = sorted(set(row) - set(allowed))
    if unknown:
        raise _fail(name, unknown[0], f"is unknown; allowed fields: {', '.join(allowed)}")
    missing = [k for k in allowed if k not in row]
    if missing:
        raise _fail(name, missing[0], "is missing")
    for key in ("label_zh", "label_en", "template_family"):
        if not isinstance(row[key], str) or not row[key].strip():
            raise _fail(name, key, f"must be a non-empty string, got {row[key]!r}")
    age_band = row["age_band"]
    if not isinstance(age_band, str) or not _AGE_BAND.match(age_band):
        raise _fail(name, "age_band", f"is {age_band!r}; expected a string like '18-29' or '60+'")
    sensitivity = row["price_sensitivity"]
    if (
        isinstance(sensitivity, bool)
        or not isinstance(sensitivity, (int, float))
        or not 0 <= sensitivity <= 1
    ):
        raise _fail(name, "price_sensitivity", f"is {sensitivity!r}; expected a number in [0, 1]")
    palette = row["palette"]
    if isinstance(palette, list):
        bad = [c for c in palette if not isinstance(c, str) or not _HEX.match(c)]
        if bad or not palette:
            raise _fail(name, "palette", f"has {bad or palette!r}; expected '#rrggbb' colours")
        palette = tuple(palette)
    elif not isinstance(palette, str) or not palette.strip():
        raise _fail(name, "palette", f"is {palette!r}; expected a palette name or a list of '#rrggbb'")
    modifiers = _str_list(name, "prompt_modifiers", row["prompt_modifiers"])
    _check_drawable(name, modifiers)
    return Segment(
        name=name,
        label_zh=row["label_zh"],
        label_en=row["label_en"],
        age_band=age_band,
        gender=_choice(name, "gender", row["gender"], GENDERS),
        interests=_str_list(name, "interests", row["interests"]),
        price_sensitivity=float(sensitivity),
        language=_choice(name, "language", row["language"], LANGUAGES),
        palette=palette,
        template_family=_choice(name, "template_family", row["template_family"], tuple(FAMILIES)),
        tone=_choice(name, "tone", row["tone"], TONES),
        emphasis=_choice(name, "emphasis", row["emphasis"], EMPHASES),
        prompt_modifiers=modifiers,
    )


def parse_segments(data: Any, source: str = "<data>") -> dict[str, Segment]:
    """Validate a parsed segments document (`{"segments": {name: {...}}}`)."""
    if not isinstance(data, dict) or not isinstance(data.get("segments"), dict) or not data["segments"]:
        raise ConfigError(f"{source}: expected a top-level 'segments:' mapping of name -> fields")
    segments = {}
    for name, row in data["segments"].items():
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_]*$", name):
            raise ConfigError(f"{source}: segment name {name!r} must be lowercase letters, digits, '_'")
        segments[name] = parse_segment(name, row)
    return segments


def load_segments(path: str | Path | None = None) -> dict[str, Segment]:
    """Load and validate segments from a YAML file (default: the shipped segments.yaml)."""
    path = Path(path) if path is not None else DEFAULT_SEGMENTS_PATH
    if not path.is_file():
        raise NotFoundError(f"segments file {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})") from exc
    segments = parse_segments(data, source=str(path))
    logger.debug("loaded %d segments from %s", len(segments), path)
    return segments


def get_segment(name: str, segments: dict[str, Segment] | None = None) -> Segment:
    """Look up one segment by name (default set unless `segments` is given)."""
    segments = segments if segments is not None else load_segments()
    if name not in segments:
        raise NotFoundError(f"unknown segment {name!r}; known segments: {', '.join(sorted(segments))}")
    return segments[name]
