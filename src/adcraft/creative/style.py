"""A resolved creative style: the look a composer is told to use (palette, template family, tone)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from adcraft.creative.copywriting import TONES
from adcraft.creative.layout import DEFAULT_FAMILY, FAMILIES
from adcraft.errors import InvalidInputError


@dataclass(frozen=True)
class CreativeStyle:
    """Palette, template family, copy tone and prompt words, resolved from an audience or a variant."""

    palette: str | tuple[str, ...] | None = None  # palette name or '#rrggbb' colours; None = brand or default
    family: str = DEFAULT_FAMILY  # template family, one of layout.FAMILIES
    tone: str = "neutral"  # copy tone, one of copywriting.TONES
    prompt_modifiers: tuple[str, ...] = ()  # style words appended to the visual prompt

    def __post_init__(self) -> None:
        if isinstance(self.palette, list):
            object.__setattr__(self, "palette", tuple(self.palette))
        object.__setattr__(self, "prompt_modifiers", tuple(self.prompt_modifiers))
        if self.family not in FAMILIES:
            raise InvalidInputError(f"template family {self.family!r} must be one of {sorted(FAMILIES)}")
        if self.tone not in TONES:
            raise InvalidInputError(f"tone {self.tone!r} must be one of {list(TONES)}")

    def to_dict(self) -> dict:
        """Plain JSON form."""
        data = asdict(self)
        data["prompt_modifiers"] = list(self.prompt_modifiers)
        if isinstance(self.palette, tuple):
            data["palette"] = list(self.palette)
        return data
