"""Pinyin and homophone evasions: a term's syllables matched against the text's (tones optional).

zui低价, 醉佳, 弟一, 国家ji: each text character is read as its toneless pinyin (pypinyin), a run of
Latin letters that is itself a pinyin syllable counts as that syllable. A term matches where the
syllables agree and the match is an evasion, not ordinary text: it keeps at least one of the term's
own characters or a Latin syllable, no homophone character is part of a word of the text (jieba) and no
own character part of a word reaching outside the match: 兄弟一起, 低一点 and 特工 are not 第一 or 特供.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from adcraft.creative.compliance.normalize import Folded

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_RUN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Syllable:
    """One syllable of the text: its toneless pinyin and the flat range it comes from."""

    sound: str
    start: int  # flat index
    end: int
    latin: bool  # written in Latin letters (zui), not as a character


@lru_cache(maxsize=1)
def known_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows."""
    from pypinyin import Style, pinyin_dict
    from pypinyin.style import convert

    out = set()
    for readings in pinyin_dict.pinyin_dict.values():
        for reading in readings.split(","):
            out.add(convert(reading, Style.NORMAL, strict=False))
    return frozenset(out)


@lru_cache(maxsize=8192)
def sound_of(ch: str) -> str:
    """The toneless pinyin of one Han character (its most common reading)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL)[0]


def _strip_tones(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def syllables(folded: Folded) -> list[Syllable]:
    """The text as a sequence of syllables: Han characters and Latin runs that are pinyin."""
    flat, out, k = folded.flat, [], 0
    known = known_syllables()
    while k < len(flat):
        ch = flat[k]
        if HAN.match(ch):
            out.append(Syllable(sound_of(ch), k, k + 1, False))
            k += 1
            continue
        run = LATIN_RUN.match(_strip_tones(flat[k:]))
        if run is None:
            k += 1
            continue
        length = len(run.group())
        if run.group() in known:
            out.append(Syllable(run.group(), k, k + length, True))
        k += length
    return out


def term_sounds(term: str) -> tuple[str, ...] | None:
    """A Han term's syllables, or None when it has other characters."""
    if not term or not all(HAN.match(c) for c in term):
        return None
    return tuple(sound_of(c) for c in term)


def _in_word(folded: Folded, flat_index: int, lo: int, hi: int, own: bool) -> bool:
    """True when jieba puts the character in a longer word: for a term's own character (own) a word
    reaching outside [lo, hi); for a homophone any word (特工 is a word, not an evasion of 特供)."""
    pos = folded.origin[flat_index]
    a, b = folded.span(lo, hi)
    for _word, start, end in _tokens(folded.text):
        if start <= pos < end:
            return end - start > 1 and (not own or start < a or end > b)
    return False


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(jieba.tokenize(text, HMM=False))  # dictionary words only: HMM would join 醉佳 into a "word"


def find_homophones(folded: Folded, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """(flat start, flat end, term) for each evasive homophone/pinyin spelling of a term."""
    by_sound: dict[tuple[str, ...], list[str]] = {}
    for term in terms:
        sounds = term_sounds(term)
        if sounds and len(sounds) >= 2:
            by_sound.setdefault(sounds, []).append(term)
    if not by_sound:
        return []
    text_syllables = syllables(folded)
    lengths = sorted({len(s) for s in by_sound}, reverse=True)
    found = []
    for i in range(len(text_syllables)):
        for n in lengths:
            window = text_syllables[i : i + n]
            if len(window) < n:
                continue
            for term in by_sound.get(tuple(s.sound for s in window), ()):
                if _is_evasion(folded, window, term):
                    found.append((window[0].start, window[-1].end, term))
    return found


def _is_evasion(folded: Folded, window: list[Syllable], term: str) -> bool:
    written = [folded.flat[s.start : s.end] for s in window]
    if "".join(written) == term:
        return False  # the term itself: the plain matcher reports it
    exact = [w == t for w, t in zip(written, term, strict=True)]
    if not any(exact) and not any(s.latin for s in window):
        return False  # only homophone characters: too likely to be ordinary words
    lo, hi = window[0].start, window[-1].end
    return not any(
        not s.latin and _in_word(folded, s.start, lo, hi, own) for own, s in zip(exact, window, strict=True)
    )
