"""The rule tables: terms and patterns by article of the Advertising Law, named exemptions, qualifiers.

Stored as YAML in adcraft/creative/lexicons/ (one file per language; every text is checked against
all of them). Terms are compiled to regexes over the folded text (see normalize.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from adcraft.creative.compliance.normalize import fold
from adcraft.defaults import LANGUAGES
from adcraft.errors import InvalidInputError

SEVERITIES = ("block", "warn")
LEXICON_LANGS = LANGUAGES  # a lexicon per language
# product categories the rules distinguish (Arts. 16-18, 24, 25, 40); "general" is everything else
CATEGORIES = (
    "general",
    "food",
    "health_food",
    "cosmetics",
    "drug",
    "device",
    "medical_service",
    "finance",
    "education",
    "toy",
    "apparel",
    "electronics",
    "alcohol",
)
# look-alike digits and symbols for Latin letters (leet), used inside Latin terms: b3st, l0west, be$t
LEET = {"a": "a4@", "e": "e3", "i": "i1l|!", "l": "l1i|", "o": "o0", "s": "s5$", "1": "1li|"}
HAN_ONE = "一1il"  # 第一 also as 第1, 第１, 第①, 第Ⅰ (NFKC gives 1 or i), 第壹 (folded to 一)


@dataclass(frozen=True)
class Term:
    """One compiled rule entry: a word or pattern, its article, severity and rewrite."""

    term: str  # the word as written in the lexicon
    regex: re.Pattern[str]  # matched on the folded text
    severity: str  # block or warn
    rule: str  # the article's text, naming the article
    article: str  # the article number, e.g. "9(3)"
    suggestion: str  # replacement for suggest_rewrite ("" deletes the term)
    latin: bool  # match only at word boundaries of the original text
    only: frozenset[str] = frozenset()  # applies only to these product categories (empty: all)
    unless: frozenset[str] = frozenset()  # does not apply to these product categories
    ranking: bool = False  # a ranking claim: with a stated period and source it is only a warning
    absolute: bool = False  # a merchant's banned term: no exemption or allowed name lifts it
    sounds: bool = False  # also matched by its pinyin (homophone and pinyin evasions)
    generic: bool = False  # matched by a pattern: a plain term of the same span is reported instead

    def applies_to(self, category: str) -> bool:
        """Whether the entry applies to a product of this category."""
        return (not self.only or category in self.only) and category not in self.unless


@dataclass(frozen=True)
class Exemption:
    """A named exemption of the 2023 guideline: a hit inside its span is lifted or downgraded."""

    name: str  # e.g. usage_instruction, objective_spec, time_order
    regex: re.Pattern[str]  # on the folded text; group "x", when present, is the exempt span
    reason: str
    downgrade: str | None  # None lifts the hit; "warn" keeps it as a warning


@dataclass(frozen=True)
class Lexicon:
    """Everything the checker matches with."""

    terms: tuple[Term, ...]
    exemptions: tuple[Exemption, ...]
    periods: tuple[re.Pattern[str], ...]  # a stated period (2023年, in 2024) for ranking claims
    sources: tuple[re.Pattern[str], ...]  # a named source (天猫, 据…数据, on Amazon)
    category_words: tuple[tuple[str, re.Pattern[str]], ...]  # (category, words) to infer a category


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def term_pattern(term: str) -> str:
    """The regex of a plain term over folded text, with leet look-alikes in Latin words."""
    flat = fold(term).flat
    latin = any(c.isascii() and c.isalpha() for c in flat)
    out = []
    for ch in flat:
        if latin and ch in LEET:
            out.append("[" + re.escape(LEET[ch]) + "]")
        elif ch == "一":
            out.append("[" + HAN_ONE + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _rule_text(rules: dict[str, Any], key: Any, source: str) -> tuple[str, str]:
    if key not in rules:
        raise InvalidInputError(f"lexicon {source}: rule {key!r} must be one of {sorted(rules)}")
    rule = rules[key]
    if isinstance(rule, str):
        return rule, ""
    return str(rule.get("text", "")), str(rule.get("article", ""))


def _categories(entry: dict[str, Any], key: str, source: str) -> frozenset[str]:
    values = frozenset(entry.get(key) or ())
    unknown = values - set(CATEGORIES)
    if unknown:
        raise InvalidInputError(f"lexicon {source}: {key} {sorted(unknown)} must be among {list(CATEGORIES)}")
    return values


def _sounds_by_default(term: str, severity: str, entry: dict[str, Any]) -> bool:
    """Blocking plain Han terms of two or more characters are also matched by pinyin and homophones."""
    return (
        severity == "block"
        and not entry.get("pattern")
        and len(term) >= 2
        and all("\u4e00" <= c <= "\u9fff" for c in term)
    )


def compile_term(entry: dict[str, Any], rules: dict[str, Any], source: str) -> Term:
    """One YAML term entry as a Term; unknown rules, severities and categories raise."""
    term, severity = entry.get("term"), entry.get("severity")
    if not isinstance(term, str) or not term:
        raise InvalidInputError(f"lexicon {source}: entry {entry!r} needs a non-empty 'term'")
    if severity not in SEVERITIES:
        raise InvalidInputError(
            f"lexicon {source}: severity {severity!r} of {term!r} must be one of {SEVERITIES}"
        )
    text, article = _rule_text(rules, entry.get("rule"), source)
    pattern = entry.get("pattern") or term_pattern(term)
    return Term(
        term=term,
        regex=re.compile(pattern),
        severity=severity,
        rule=text,
        article=article,
        suggestion=str(entry.get("suggestion") or ""),
        latin=_is_word_char(term[-1]) or _is_word_char(term[0]),
        only=_categories(entry, "only", source),
        unless=_categories(entry, "unless", source),
        ranking=bool(entry.get("ranking", False)),
        sounds=bool(entry.get("sounds", _sounds_by_default(term, severity, entry))),
        generic=bool(entry.get("pattern")),
    )


def parse_lexicon(data: dict[str, Any], source: str = "<dict>") -> tuple[list[Term], list[Exemption]]:
    """Compile a lexicon mapping (rules, terms, exemptions) as stored in the YAML files."""
    rules = data.get("rules") or {}
    terms = [compile_term(dict(entry), rules, source) for entry in data.get("terms") or []]
    exemptions = []
    for entry in data.get("exemptions") or []:
        downgrade = entry.get("downgrade")
        if downgrade is not None and downgrade not in SEVERITIES:
            raise InvalidInputError(f"lexicon {source}: downgrade {downgrade!r} must be one of {SEVERITIES}")
        exemptions.append(
            Exemption(
                str(entry.get("name", "exemption")),
                re.compile(entry["pattern"]),
                str(entry.get("reason", "")),
                downgrade,
            )
        )
    return terms, exemptions


def _read(name: str) -> dict[str, Any]:
    import yaml

    path = resources.files("adcraft.creative").joinpath("lexicons", name)
    return yaml.safe_load(path.read_text("utf-8")) or {}


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and compile the bundled lexicons of every language, with qualifiers and category words."""
    terms: list[Term] = []
    exemptions: list[Exemption] = []
    periods, sources, words = [], [], []
    for lang in LEXICON_LANGS:
        name = f"compliance_{lang}.yaml"
        data = _read(name)
        t, e = parse_lexicon(data, name)
        terms += t
        exemptions += e
        qualifiers = data.get("qualifiers") or {}
        periods += [re.compile(p) for p in qualifiers.get("period") or ()]
        sources += [re.compile(p) for p in qualifiers.get("source") or ()]
        for category, pattern in (data.get("category_words") or {}).items():
            _categories({"c": [category]}, "c", name)
            words.append((category, re.compile(pattern)))
    return Lexicon(tuple(terms), tuple(exemptions), tuple(periods), tuple(sources), tuple(words))


def infer_category(text: str) -> str:
    """The product category named by words in the product's text, else "general"."""
    flat = fold(text).flat
    for category, pattern in load_lexicon().category_words:
        if pattern.search(flat):
            return category
    return "general"


def check_category(category: str | None) -> str:
    """A known category ("general" for None); anything else raises naming the allowed ones."""
    if category is None:
        return "general"
    if category not in CATEGORIES:
        raise InvalidInputError(f"category {category!r} must be one of {list(CATEGORIES)}")
    return category
