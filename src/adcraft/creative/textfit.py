"""Text fitting: the largest font size whose lines fit a box, with Chinese and English line breaking."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from PIL import ImageFont

from adcraft.creative.fonts import load_font
from adcraft.errors import InvalidInputError

logger = logging.getLogger(__name__)

# kinsoku shori: characters that may not start a line (closing) / end a line (opening)
CLOSING_PUNCT = frozenset("，。！？、；：」』）》〉】〕〗〙〛”’,.!?;:)]}%‰…‥—～〜·ー℃")
OPENING_PUNCT = frozenset("「『（《〈【〔〖〘〚“‘([{¥￥$£€#")
ELLIPSIS = "…"
LINE_SPACING = 1.25  # line height as a multiple of the font size
MIN_FIT_PX = 10  # smallest font size text fitting tries before it truncates
# a Latin word or number never splits: letters, digits and the marks inside them (19.99, 1,299, T-shirt)
_TOKEN = re.compile(r"[0-9A-Za-z\u00C0-\u024F]+(?:['’.,\-/][0-9A-Za-z\u00C0-\u024F]+)*|\s+|.", re.DOTALL)


def _is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: a line may break before or after each."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF
        or 0xAC00 <= cp <= 0xD7AF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFF00 <= cp <= 0xFFEF
        or 0x3000 <= cp <= 0x303F
    )


def split_atoms(text: str) -> list[str]:
    """Split text into unbreakable units: words/numbers, single CJK characters (with punctuation), spaces."""
    atoms: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isspace():
            atoms.append(" ")
            continue
        prev = atoms[-1] if atoms else ""
        if (
            prev
            and not prev.isspace()
            and (
                token[0] in CLOSING_PUNCT
                or prev[-1] in OPENING_PUNCT
                or (not _is_wide(prev[-1]) and not _is_wide(token[0]))
            )
        ):
            atoms[-1] = prev + token
        else:
            atoms.append(token)
    return _glue_across_spaces(atoms)


def _glue_across_spaces(atoms: list[str]) -> list[str]:
    """Keep kinsoku across spaces too: '「 法' and '法 ，' must not break at their space."""
    out: list[str] = []
    for atom in atoms:
        if out and not atom.isspace():
            k = len(out) - 1
            while k > 0 and out[k].isspace():
                k -= 1
            if not out[k].isspace() and (atom[0] in CLOSING_PUNCT or out[k][-1] in OPENING_PUNCT):
                out[k:] = ["".join(out[k:]) + atom]
                continue
        out.append(atom)
    return out


def text_width(text: str, font: ImageFont.FreeTypeFont) -> float:
    """Ink-safe width of one line: the larger of the advance and the right edge of the ink."""
    if not text:
        return 0.0
    return max(font.getlength(text), float(font.getbbox(text, anchor="ls")[2]))


def break_lines(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy line breaking at atom boundaries; a line is never started by closing punctuation."""
    lines: list[str] = []
    current = ""
    for atom in split_atoms(" ".join(text.split())):
        candidate = current + atom
        if not current.strip() or text_width(candidate.rstrip(), font) <= max_width:
            current = candidate.lstrip()
            continue
        lines.append(current.rstrip())
        current = atom.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    return lines


@dataclass
class FitResult:
    """Lines of text at a font size that fit a box, with what truncation (if any) happened."""

    text: str  # the text that was asked for
    lines: list[str]  # the lines drawn, ellipsis included when truncated
    size: int  # font size in px
    weight: str  # font weight name
    line_height: int  # px between baselines
    ascent: int  # px above the baseline
    descent: int  # px below the baseline
    truncated: bool = False  # True when the text was cut and ended with an ellipsis
    widths: list[float] = field(default_factory=list)  # ink-safe width of each line

    @property
    def height(self) -> int:
        """Height of the text block in px."""
        if not self.lines:
            return 0
        return (len(self.lines) - 1) * self.line_height + self.ascent + self.descent

    @property
    def width(self) -> float:
        """Width of the widest line in px."""
        return max(self.widths, default=0.0)

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        """The font these lines were fitted with."""
        return load_font(self.size, self.weight)


def _layout(text: str, size: int, weight: str, width: float, spacing: float) -> FitResult:
    font = load_font(size, weight)
    ascent, descent = font.getmetrics()
    lines = break_lines(text, font, width)
    return FitResult(
        text,
        lines,
        size,
        weight,
        max(1, round(size * spacing)),
        ascent,
        descent,
        widths=[text_width(line, font) for line in lines],
    )


def _fits(fit: FitResult, width: float, height: float, max_lines: int | None) -> bool:
    return fit.width <= width and fit.height <= height and (max_lines is None or len(fit.lines) <= max_lines)


def _truncate(fit: FitResult, width: float, height: float, max_lines: int | None) -> FitResult:
    """Keep the lines that fit and end the last one with an ellipsis (the last resort)."""
    font = fit.font
    room = 1 + max(0, int((height - fit.ascent - fit.descent) // fit.line_height))
    keep = max(1, min(room, max_lines or room, len(fit.lines)))
    too_wide = [i for i, line in enumerate(fit.lines[:keep]) if text_width(line, font) > width]
    keep = too_wide[0] + 1 if too_wide else keep  # an unbreakable over-long word ends the text there
    lines = fit.lines[:keep]
    last = lines[-1]
    if keep < len(fit.lines) or text_width(last, font) > width:
        atoms = split_atoms(last)
        while atoms and text_width("".join(atoms).rstrip() + ELLIPSIS, font) > width:
            if len(atoms) == 1 and len(atoms[0]) > 1:
                atoms[0] = atoms[0][:-1]  # a single over-long word: cut by characters
            else:
                atoms.pop()
        lines[-1] = "".join(atoms).rstrip() + ELLIPSIS
    truncated = lines != fit.lines
    return FitResult(
        fit.text,
        lines,
        fit.size,
        fit.weight,
        fit.line_height,
        fit.ascent,
        fit.descent,
        truncated,
        [text_width(line, font) for line in lines],
    )


def fit_text(
    text: str,
    width: float,
    height: float,
    *,
    weight: str = "Regular",
    max_size: int | None = None,
    min_size: int = MIN_FIT_PX,
    max_lines: int | None = None,
    line_spacing: float = LINE_SPACING,
) -> FitResult:
    """The largest font size (min_size..max_size) at which text fits the box; else truncate at min_size."""
    if not text or not text.strip():
        raise InvalidInputError("text to fit is empty; give at least one visible character")
    if width < 1 or height < 1:
        raise InvalidInputError(f"text box {width}x{height} px is empty; both sides must be at least 1 px")
    max_size = int(max(min_size, min(max_size or height, height)))
    lo, hi, best = min_size, max_size, None
    while lo <= hi:  # binary search; fitting is monotone in size up to rare line-break effects
        mid = (lo + hi) // 2
        fit = _layout(text, mid, weight, width, line_spacing)
        if _fits(fit, width, height, max_lines):
            best, lo = fit, mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return best
    fit = _truncate(_layout(text, min_size, weight, width, line_spacing), width, height, max_lines)
    if fit.truncated:
        logger.info("text %r truncated to %r at %d px", text, fit.lines, min_size)
    return fit
