"""Advertising-law checker: terms by article, evasion-proof matching, named exemptions, categories."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

from adcraft.creative.compliance.lexicon import (
    LEXICON_LANGS,
    Exemption,
    Lexicon,
    Term,
    check_category,
    compile_term,
    load_lexicon,
)
from adcraft.creative.compliance.normalize import Folded, fold
from adcraft.creative.compliance.pinyin import find_homophones, syllables
from adcraft.errors import InvalidInputError

log = logging.getLogger(__name__)

MERCHANT_RULE = "merchant's banned term (product banned_terms)"
CLAUSE_BREAKS = frozenset("。！？；!?;\n")  # a ranking's period and source must be in its sentence
PHRASE_BREAKS = CLAUSE_BREAKS | frozenset("，,、：:")  # exemption patterns never reach across these
GENERIC_ZUI = "最"  # the lexicon's generic 最 + character term, also written as Latin "zui"
RANKING_NOTE = "ranking with a stated period and source: keep the evidence and confirm before use"


@dataclass(frozen=True)
class Hit:
    """One forbidden or risky term found in a text, with its position in the original string."""

    term: str  # the lexicon term that matched (e.g. "最佳", "best"); a pattern's folded match
    start: int  # index of the first matched character in the original text
    end: int  # index after the last matched character (text[start:end] is what to show)
    severity: str  # "block" or "warn"
    rule: str  # the law article / guideline it falls under
    suggestion: str  # replacement for suggest_rewrite ("" deletes the term)
    matched: str = ""  # text[start:end], as written (may hold evasion characters)
    note: str = ""  # why the severity was downgraded, when it was
    article: str = ""  # the article number, e.g. "9(3)", "17"; "" for a merchant's banned term


@dataclass
class ComplianceReport:
    """The hits in one text; `blocking` says whether the text may not be used as is."""

    text: str  # the text that was checked
    hits: list[Hit] = field(default_factory=list)  # sorted by position
    exempted: list[str] = field(default_factory=list)  # "term@start: reason" for each exempted match
    category: str = "general"  # the product category the rules were applied for

    @property
    def blocking(self) -> bool:
        """True when any hit has severity 'block'."""
        return any(h.severity == "block" for h in self.hits)

    @property
    def warnings(self) -> list[Hit]:
        """The hits with severity 'warn'."""
        return [h for h in self.hits if h.severity == "warn"]

    @property
    def ok(self) -> bool:
        """True when there are no hits at all."""
        return not self.hits

    def suggest_rewrite(self) -> str:
        """The text with every hit replaced by its suggestion (case kept for Latin words)."""
        return apply_suggestions(self.text, self.hits)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for manifests."""
        return {
            "text": self.text,
            "category": self.category,
            "blocking": self.blocking,
            "hits": [asdict(h) for h in self.hits],
            "exempted": list(self.exempted),
        }


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _word_end(text: str, start: int, end: int) -> int | None:
    """The hit's end at a word boundary (taking a plural 's' along), or None when inside a word."""
    if start > 0 and _is_word_char(text[start - 1]):
        return None
    for stop in (end, end + 1):
        if stop > end and not (end < len(text) and text[end] in "sS"):  # "cures", "guarantees"
            break
        if stop >= len(text) or not _is_word_char(text[stop]):
            return stop
    return None


def _spans(folded: Folded, breaks: frozenset[str]) -> list[tuple[int, int]]:
    """Flat-index ranges split where the original text has a break character between two kept ones."""
    spans, start, text, origin = [], 0, folded.text, folded.origin
    for k in range(1, len(folded.flat)):
        if any(ch in breaks for ch in text[origin[k - 1] + 1 : origin[k]]):
            spans.append((start, k))
            start = k
    spans.append((start, len(folded.flat)))
    return spans


def _exemption_matches(folded: Folded, exemptions: Iterable[Exemption]):
    found = []
    for a, b in _spans(folded, PHRASE_BREAKS):
        for ex in exemptions:
            for m in ex.regex.finditer(folded.flat, a, b):
                # group x, when the pattern has one and it took part, is the exempt span
                s, e = m.span("x") if "x" in ex.regex.groupindex and m.start("x") >= 0 else m.span()
                if e > s:
                    found.append((s, e, ex))
    return found


def _allowed_spans(flat: str, allow_terms: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for allowed in allow_terms:
        key = fold(allowed).flat
        if key:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(key), flat)]
    return spans


@lru_cache(maxsize=64)
def _banned(terms: tuple[str, ...]) -> tuple[Term, ...]:
    """A merchant's own banned words as blocking terms, matched as evasion-proof as the lexicon's."""
    rules = {"merchant": MERCHANT_RULE}
    compiled = []
    for term in terms:
        if not fold(term).flat:
            raise InvalidInputError(f"banned term {term!r} has no letters or digits")
        entry = {"term": term, "severity": "block", "rule": "merchant", "suggestion": ""}
        compiled.append(replace(compile_term(entry, rules, "banned_terms"), absolute=True))
    return tuple(compiled)


def _candidates(folded: Folded, terms: list[Term]) -> list[tuple[int, int, Term]]:
    """Every (flat start, flat end, term): direct matches, pinyin/homophone spellings, Latin 'zui'."""
    found = []
    for term in terms:
        found += [(m.start(), m.end(), term) for m in term.regex.finditer(folded.flat) if m.end() > m.start()]
    by_name = {t.term: t for t in terms if t.sounds}
    found += [(s, e, by_name[name]) for s, e, name in find_homophones(folded, by_name)]
    zui = next((t for t in terms if t.term == GENERIC_ZUI), None)
    if zui is not None:
        sounds = syllables(folded)
        for a, b in zip(sounds, sounds[1:], strict=False):
            if a.latin and a.sound == "zui" and not b.latin:
                found.append((a.start, b.start, zui))
    # longest match first at each position, so 全网最低 wins over 最低 and 最; plain terms before patterns
    found.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2].generic))
    return found


def _qualified_ranking(folded: Folded, s: int, lexicon: Lexicon) -> bool:
    """True when a period and a named source are stated in the hit's own phrase or before it in its
    sentence (据…2024年数据，线上销量第一), never in a later phrase that qualifies another claim."""
    sentence = next(a for a, b in _spans(folded, CLAUSE_BREAKS) if a <= s < b)
    phrase_end = next(b for a, b in _spans(folded, PHRASE_BREAKS) if a <= s < b)
    scope = folded.flat[sentence:phrase_end]
    return any(p.search(scope) for p in lexicon.periods) and any(p.search(scope) for p in lexicon.sources)


def _judge(
    report: ComplianceReport,
    folded: Folded,
    lexicon: Lexicon,
    candidate: tuple[int, int, Term],
    exemptions: list,
    allowed: list[tuple[int, int]],
) -> bool:
    """Add one candidate to the report as a hit or an exemption; False when it is not a word match."""
    s, e, term = candidate
    text = folded.text
    start, end = folded.span(s, e)
    if term.latin:
        end = _word_end(text, start, end)
        if end is None:
            return False
    if not term.absolute and any(a <= s and e <= b for a, b in allowed):
        report.exempted.append(f"{term.term}@{start}: allowed term (brand, product name or trademark)")
        return True
    severity, note = term.severity, ""
    exempt = None if term.absolute else next((ex for a, b, ex in exemptions if a <= s and e <= b), None)
    if exempt is not None and exempt.downgrade is None:
        report.exempted.append(f"{term.term}@{start}: {exempt.name}: {exempt.reason}")
        return True
    if exempt is not None:
        severity, note = exempt.downgrade, f"{exempt.name}: {exempt.reason}"
    elif term.ranking and severity == "block" and _qualified_ranking(folded, s, lexicon):
        severity, note = "warn", RANKING_NOTE
    name = folded.flat[s:e] if term.generic and term.term != GENERIC_ZUI else term.term
    report.hits.append(
        Hit(name, start, end, severity, term.rule, term.suggestion, text[start:end], note, term.article)
    )
    return True


def check_compliance(
    text: str,
    lang: str | None = None,
    allow_terms: Iterable[str] = (),
    banned_terms: Iterable[str] = (),
    category: str | None = None,
) -> ComplianceReport:
    """Find forbidden/risky ad terms in text, by the rules of every language (Chinese copy with English
    words and the reverse); lang only says what the copy is written in. allow_terms are exempt names
    (brand, registered product names); category (one of CATEGORIES) selects the Arts. 16-18 rules.

    banned_terms are the merchant's own words that may never appear (competitors, words its platform
    forbids): they block wherever they match, whatever the exemptions and allow_terms say.
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text {text!r} must be a string")
    if lang is not None and lang not in LEXICON_LANGS:
        raise InvalidInputError(f"lang {lang!r} must be one of {list(LEXICON_LANGS)} or None")
    category = check_category(category)
    lexicon = load_lexicon()
    report = ComplianceReport(text, category=category)
    folded = fold(text)
    if not folded.flat:
        return report
    terms = list(_banned(tuple(banned_terms))) + [t for t in lexicon.terms if t.applies_to(category)]
    exemptions = _exemption_matches(folded, lexicon.exemptions)
    allowed = _allowed_spans(folded.flat, allow_terms)
    taken_until = -1
    for s, e, term in _candidates(folded, terms):
        if s >= taken_until and _judge(report, folded, lexicon, (s, e, term), exemptions, allowed):
            taken_until = e
    if report.hits:
        log.debug("compliance: %d hit(s) in %r", len(report.hits), text[:60])
    return report


def _match_case(replacement: str, original: str) -> str:
    if replacement and original[:1].isupper() and replacement[:1].isascii():
        return replacement[0].upper() + replacement[1:]
    return replacement


def apply_suggestions(text: str, hits: Iterable[Hit]) -> str:
    """Replace each hit's span in text with its suggestion, from the end so positions stay valid."""
    out = text
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        out = out[: hit.start] + _match_case(hit.suggestion, hit.matched) + out[hit.end :]
    out = re.sub(r"[ \t]{2,}", " ", out)
    return out.strip()


def suggest_rewrite(
    text: str, lang: str | None = None, allow_terms: Iterable[str] = (), category: str | None = None
) -> str:
    """Check text and return it with every hit replaced by the lexicon's suggested wording."""
    return check_compliance(text, lang=lang, allow_terms=allow_terms, category=category).suggest_rewrite()
