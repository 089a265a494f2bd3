"""Advertising-law checker: absolute, false and medical terms (PRC Advertising Law), evasion-proof."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from adcraft.errors import InvalidInputError

log = logging.getLogger(__name__)

SEVERITIES = ("block", "warn")
LEXICON_LANGS = ("zh", "en")
MERCHANT_RULE = "merchant's banned term (product banned_terms)"
KEPT_SYMBOLS = frozenset("#%")  # punctuation that is part of terms (#1, 100%), so never dropped as filler
CLAUSE_BREAKS = frozenset("。！？；!?;\n")  # terms never match across these
PHRASE_BREAKS = CLAUSE_BREAKS | frozenset("，,、：:")  # exemption patterns never reach across these


@dataclass(frozen=True)
class Hit:
    """One forbidden or risky term found in a text, with its position in the original string."""

    term: str  # the lexicon term that matched (e.g. "最佳", "best")
    start: int  # index of the first matched character in the original text
    end: int  # index after the last matched character (text[start:end] is what to show)
    severity: str  # "block" or "warn"
    rule: str  # the law article / guideline it falls under
    suggestion: str  # replacement for suggest_rewrite ("" deletes the term)
    matched: str = ""  # text[start:end], as written (may hold evasion characters)
    note: str = ""  # why the severity was downgraded, when it was


@dataclass
class ComplianceReport:
    """The hits in one text; `blocking` says whether the text may not be used as is."""

    text: str  # the text that was checked
    hits: list[Hit] = field(default_factory=list)  # sorted by position
    exempted: list[str] = field(default_factory=list)  # "term@start: reason" for each exempted match

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
            "blocking": self.blocking,
            "hits": [asdict(h) for h in self.hits],
            "exempted": list(self.exempted),
        }


@dataclass(frozen=True)
class _Term:
    term: str
    regex: re.Pattern[str]
    severity: str
    rule: str
    suggestion: str
    latin: bool  # match only at word boundaries of the original text
    absolute: bool = False  # a merchant's banned term: no exemption or allowed name lifts it


@dataclass(frozen=True)
class _Exemption:
    regex: re.Pattern[str]
    reason: str
    downgrade: str | None


@dataclass(frozen=True)
class _Lexicon:
    terms: tuple[_Term, ...]
    exemptions: tuple[_Exemption, ...]


def is_filler(ch: str) -> bool:
    """True for characters an evader inserts between a term's characters (spaces, emoji, punctuation...)."""
    if ch in KEPT_SYMBOLS:
        return False
    cat = unicodedata.category(ch)
    return cat[0] in "ZPSC" or cat in ("Mn", "Me")


def compact(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold text without filler characters, and the original index of each kept character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for norm in unicodedata.normalize("NFKC", ch).casefold():
            if not is_filler(norm):
                chars.append(norm)
                origin.append(i)
    return "".join(chars), origin


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _compile_term(entry: dict[str, Any], source: str) -> _Term:
    term = entry.get("term")
    severity = entry.get("severity")
    if not isinstance(term, str) or not term:
        raise InvalidInputError(f"lexicon {source}: entry {entry!r} needs a non-empty 'term'")
    if severity not in SEVERITIES:
        raise InvalidInputError(
            f"lexicon {source}: severity {severity!r} of {term!r} must be one of {SEVERITIES}"
        )
    pattern = entry.get("pattern") or re.escape(compact(term)[0])
    return _Term(
        term=term,
        regex=re.compile(pattern),
        severity=severity,
        rule=str(entry.get("rule", "")),
        suggestion=str(entry.get("suggestion") or ""),
        latin=_is_word_char(term[-1]) or _is_word_char(term[0]),
    )


def parse_lexicon(data: dict[str, Any], source: str = "<dict>") -> tuple[list[_Term], list[_Exemption]]:
    """Compile a lexicon mapping (rules, terms, exemptions) as stored in the YAML files."""
    rules = data.get("rules") or {}
    terms = []
    for entry in data.get("terms") or []:
        entry = dict(entry)
        if entry.get("rule") not in rules:
            raise InvalidInputError(
                f"lexicon {source}: rule {entry.get('rule')!r} must be one of {sorted(rules)}"
            )
        entry["rule"] = rules[entry["rule"]]
        terms.append(_compile_term(entry, source))
    exemptions = []
    for entry in data.get("exemptions") or []:
        downgrade = entry.get("downgrade")
        if downgrade is not None and downgrade not in SEVERITIES:
            raise InvalidInputError(f"lexicon {source}: downgrade {downgrade!r} must be one of {SEVERITIES}")
        exemptions.append(_Exemption(re.compile(entry["pattern"]), str(entry.get("reason", "")), downgrade))
    return terms, exemptions


@lru_cache(maxsize=8)
def load_lexicon(langs: tuple[str, ...] = LEXICON_LANGS) -> _Lexicon:
    """Load and compile the bundled compliance lexicons for the given languages."""
    import yaml

    terms: list[_Term] = []
    exemptions: list[_Exemption] = []
    for lang in langs:
        if lang not in LEXICON_LANGS:
            raise InvalidInputError(f"lang {lang!r} must be one of {list(LEXICON_LANGS)} or None")
        name = f"compliance_{lang}.yaml"
        data = yaml.safe_load(
            resources.files("adcraft.creative").joinpath("lexicons", name).read_text("utf-8")
        )
        t, e = parse_lexicon(data, name)
        terms += t
        exemptions += e
    return _Lexicon(tuple(terms), tuple(exemptions))


def _clause_spans(
    flat: str, origin: list[int], text: str, breaks: frozenset[str] = CLAUSE_BREAKS
) -> list[tuple[int, int]]:
    """Compact-index ranges of clauses, split where the original text has one of the break characters."""
    spans, start = [], 0
    for k in range(1, len(flat)):
        between = text[origin[k - 1] + 1 : origin[k]]
        if any(ch in breaks for ch in between):
            spans.append((start, k))
            start = k
    spans.append((start, len(flat)))
    return spans


def _exemption_matches(flat: str, clauses: list[tuple[int, int]], exemptions: Iterable[_Exemption]):
    found = []
    for a, b in clauses:
        for ex in exemptions:
            for m in ex.regex.finditer(flat, a, b):
                found.append((m.start(), m.end(), ex))
    return found


def _allowed_spans(flat: str, allow_terms: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for allowed in allow_terms:
        key = compact(allowed)[0]
        if not key:
            continue
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(key), flat)]
    return spans


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


@lru_cache(maxsize=64)
def _banned(terms: tuple[str, ...]) -> tuple[_Term, ...]:
    """A merchant's own banned words as blocking terms, matched as evasion-proof as the lexicon's."""
    compiled = []
    for term in terms:
        if not compact(term)[0]:
            raise InvalidInputError(f"banned term {term!r} has no letters or digits")
        entry = {"term": term, "severity": "block", "rule": MERCHANT_RULE, "suggestion": ""}
        compiled.append(replace(_compile_term(entry, "banned_terms"), absolute=True))
    return tuple(compiled)


def check_compliance(
    text: str, lang: str | None = None, allow_terms: Iterable[str] = (), banned_terms: Iterable[str] = ()
) -> ComplianceReport:
    """Find forbidden/risky ad terms in text; lang None checks zh and en; allow_terms are exempt names.

    banned_terms are the merchant's own words that may never appear (competitors, words its platform
    forbids): they block wherever they match, whatever the exemptions and allow_terms say.
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text {text!r} must be a string")
    lexicon = load_lexicon(LEXICON_LANGS if lang is None else (lang,))
    terms = _banned(tuple(banned_terms)) + lexicon.terms
    flat, origin = compact(text)
    if not flat:
        return ComplianceReport(text)
    clauses = _clause_spans(flat, origin, text)
    # an exemption covers one phrase: a comma ends it, so 比上一代更轻，全网最低 still hits
    phrases = _clause_spans(flat, origin, text, PHRASE_BREAKS)
    exemptions = _exemption_matches(flat, phrases, lexicon.exemptions)
    allowed = _allowed_spans(flat, allow_terms)
    candidates: list[tuple[int, int, _Term]] = []
    for term in terms:
        for a, b in clauses:
            for m in term.regex.finditer(flat, a, b):
                if m.end() > m.start():
                    candidates.append((m.start(), m.end(), term))
    # longest match first at each position, so 全网最低 wins over 最低 and 最
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    report = ComplianceReport(text)
    taken_until = -1
    for s, e, term in candidates:
        if s < taken_until:
            continue
        start, end = origin[s], origin[e - 1] + 1
        if term.latin:
            end = _word_end(text, start, end)
            if end is None:
                continue
        if not term.absolute and any(a <= s and e <= b for a, b in allowed):
            report.exempted.append(f"{term.term}@{start}: allowed term (brand, product name or trademark)")
            taken_until = e
            continue
        severity, note = term.severity, ""
        exempt = None if term.absolute else next((ex for a, b, ex in exemptions if a <= s and e <= b), None)
        if exempt is not None and exempt.downgrade is None:
            report.exempted.append(f"{term.term}@{start}: {exempt.reason}")
            taken_until = e
            continue
        if exempt is not None:
            severity, note = exempt.downgrade, exempt.reason
        report.hits.append(
            Hit(term.term, start, end, severity, term.rule, term.suggestion, text[start:end], note)
        )
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


def suggest_rewrite(text: str, lang: str | None = None, allow_terms: Iterable[str] = ()) -> str:
    """Check text and return it with every hit replaced by the lexicon's suggested wording."""
    return check_compliance(text, lang=lang, allow_terms=allow_terms).suggest_rewrite()
