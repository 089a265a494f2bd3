"""Text normalisation before matching: one comparable character per kept original character.

Evasions undone here, each with a maintained table where one exists: invisible and filler characters
(Unicode categories plus the Hangul fillers), full-width and compatibility forms (NFKC: ①→1, ｂ→b,
㈠→(一)), case, traditional characters (OpenCC t2s), look-alike letters from other scripts (the Unicode
confusables table of confusable-homoglyphs: Cyrillic е → e) and financial numerals (壹 → 一).
Every kept character remembers its index in the original text, so hits report the original span.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

KEPT_SYMBOLS = frozenset("#%$@")  # part of terms (#1, 100%) or leet letters (be$t), never dropped as filler
# letters that render as nothing: Hangul fillers (Lo, so not caught by category), Mongolian vowel separator
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u180e\u2800")
# financial numerals that are not also ordinary words (伍, 陆, 拾 are: 队伍, 大陆, 拾取)
FINANCIAL_NUMERALS = str.maketrans("壹贰叁貳參", "一二三二三")
CJK_START = 0x2E80  # below this, letters may be look-alikes of Latin ones; from here on, CJK and kana


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def is_filler(ch: str) -> bool:
    """True for characters an evader inserts between a term's characters (spaces, emoji, punctuation...)."""
    if ch in KEPT_SYMBOLS:
        return False
    if ch in INVISIBLE:
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "ZPSC" or cat in ("Mn", "Me")


@lru_cache(maxsize=4096)
def latin_lookalike(ch: str) -> str:
    """The ASCII letter or digit a non-Latin letter is confusable with (Cyrillic а → a), else ch."""
    if ch.isascii() or ord(ch) >= CJK_START or not ch.isalpha():
        return ch
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, preferred_aliases=["latin"])
    if not found:
        return ch
    for glyph in found[0]["homoglyphs"]:
        if glyph["c"].isascii() and glyph["c"].isalnum():
            return glyph["c"].lower()
    return ch


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One original character in comparable form: NFKC, casefold, simplified, Latin look-alike folded."""
    out = []
    for norm in unicodedata.normalize("NFKC", ch):
        if is_filler(norm):
            continue
        if ord(norm) >= CJK_START:
            out.append(_t2s().convert(norm).translate(FINANCIAL_NUMERALS))
        else:  # look-alikes before case folding: Cyrillic В looks like B, its lower case в like nothing
            out.append(latin_lookalike(norm).casefold())
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """A text in comparable form: flat[k] came from text[origin[k]]."""

    text: str  # the original text
    flat: str  # normalised characters, fillers removed
    origin: tuple[int, ...]  # original index of each flat character

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of flat[start:end]."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """Normalise text for matching, keeping the map back to original indices."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for norm in fold_char(ch):
            chars.append(norm)
            origin.append(i)
    return Folded(text, "".join(chars), tuple(origin))


def compact(text: str) -> tuple[str, list[int]]:
    """fold(text) as (flat, origin list): the form lexicon terms are compiled from."""
    folded = fold(text)
    return folded.flat, list(folded.origin)
