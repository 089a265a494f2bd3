"""Product text understanding: category, colour, material, style, audience, key phrases, selling points."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from adcraft.defaults import LANGUAGES
from adcraft.errors import InvalidInputError

log = logging.getLogger(__name__)

ATTRIBUTE_KINDS = ("materials", "styles", "audiences", "benefits")
LANGS = ("auto", *LANGUAGES)
POINT_MAX_CHARS = {"zh": 12, "en": 32}  # a selling point longer than this is shortened at a word boundary
MIN_POINT_CHARS = {"zh": 2, "en": 4}  # shorter clauses carry no information
MAX_KEY_PHRASES = 5  # key phrases kept per text
ZH_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?、\n|/]+")
EN_CLAUSE_SPLIT = re.compile(r"(?<=[.!?])\s+|[;,\n|•]+\s*|\s+[-–—]\s+")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_OR_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%+\-']*")
_ZH_DANGLING = tuple("的和与及或而并且在是让给把被为对从")  # a shortened zh point must not end on these
_EN_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "with",
        "to",
        "in",
        "on",
        "at",
        "by",
        "from",
        "your",
        "our",
        "its",
    ]
)
_EN_STOPWORDS = _EN_DANGLING | frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "was",
        "be",
        "it",
        "you",
        "we",
        "they",
        "can",
        "will",
        "has",
        "have",
        "more",
        "very",
        "so",
        "as",
        "not",
        "no",
        "all",
    ]
)

ZH_SHARE_THRESHOLD = 0.25  # share of CJK ideographs among letters above which a text is Chinese

ConceptMatcher = Callable[[str], tuple[str, float]]


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (unified, extension A, compatibility)."""
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def detect_language(text: str) -> str:
    """'zh' when CJK ideographs make up enough of the letters in text, else 'en'."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    letters = sum(1 for ch in text if ch.isalpha())
    if letters == 0:
        return "en"
    return "zh" if cjk / letters >= ZH_SHARE_THRESHOLD else "en"


@dataclass
class ProductAttributes:
    """What a product text says about the product, as lexicon ids plus the words the input used."""

    lang: str  # "zh" or "en": the language the text was read as
    category: str | None = None  # nearest product concept from the caller's concept_matcher
    category_score: float | None = None  # the matcher's similarity for category
    color_family: str | None = None  # colour family from adcraft.text.colors.find_color
    materials: list[str] = field(default_factory=list)  # material ids, in order of appearance
    styles: list[str] = field(default_factory=list)  # style ids
    audiences: list[str] = field(default_factory=list)  # audience ids (women, men, kids...)
    benefits: list[str] = field(default_factory=list)  # benefit ids (breathable, waterproof...)
    key_phrases: list[str] = field(default_factory=list)  # the text's most characteristic words
    surfaces: dict[str, str] = field(default_factory=dict)  # "materials:cotton" -> word as written

    def word(self, kind: str, attr_id: str, lang: str | None = None) -> str:
        """The word for an attribute: as written in the input when lang matches, else the lexicon's."""
        lang = lang or self.lang
        if lang == self.lang and f"{kind}:{attr_id}" in self.surfaces:
            return self.surfaces[f"{kind}:{attr_id}"]
        return attribute_word(kind, attr_id, lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for manifests and CTR features."""
        return asdict(self)


@lru_cache(maxsize=1)
def load_attribute_lexicon() -> dict[str, dict[str, dict[str, list[str]]]]:
    """The bundled attribute lexicon: kind -> id -> {"zh": words, "en": words}."""
    import yaml

    text = resources.files("adcraft.text").joinpath("lexicons", "attributes.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    missing = [k for k in ATTRIBUTE_KINDS if k not in data]
    if missing:
        raise InvalidInputError(f"attribute lexicon lacks kinds {missing}; it needs {list(ATTRIBUTE_KINDS)}")
    return data


def attribute_word(kind: str, attr_id: str, lang: str) -> str:
    """The lexicon's display word (first listed) for an attribute id in a language."""
    lexicon = load_attribute_lexicon()
    if kind not in lexicon or attr_id not in lexicon[kind]:
        raise InvalidInputError(f"attribute {kind}:{attr_id} is not in the lexicon")
    return lexicon[kind][attr_id][lang][0]


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba tokenizer that knows every lexicon word (the global one stays untouched)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for kinds in load_attribute_lexicon().values():
        for words in kinds.values():
            for word in words["zh"]:
                tok.add_word(word, freq=200000)
    return tok


def tokenize_zh(text: str) -> list[str]:
    """Segment Chinese text with jieba (lexicon words kept whole); drops pure whitespace tokens."""
    return [t for t in _tokenizer().lcut(text) if t.strip()]


def _resolve_lang(text: str, lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInputError(f"lang {lang!r} must be one of {list(LANGS)}")
    return detect_language(text) if lang == "auto" else lang


def _find_lexicon_words(text: str, lang: str) -> list[tuple[int, str, str, str]]:
    """(position, kind, id, surface word) for every lexicon word in text, in order of appearance."""
    found = []
    lexicon = load_attribute_lexicon()
    if lang == "zh":
        pos, tokens = 0, []
        for token in _tokenizer().lcut(text):
            tokens.append((pos, token.lower()))
            pos += len(token)
        for kind in ATTRIBUTE_KINDS:
            for attr_id, words in lexicon[kind].items():
                wordset = {w.lower() for w in words["zh"]}
                found += [(p, kind, attr_id, tok) for p, tok in tokens if tok in wordset]
                # jieba keeps compounds such as 羽绒服 whole; a word of 2+ characters inside one still counts
                # (single characters such as 女/棉 only as whole tokens, to avoid 棉签 -> cotton)
                for p, tok in tokens:
                    if tok in wordset:
                        continue
                    inner = [w for w in wordset if len(w) >= 2 and w in tok]
                    if inner:
                        word = max(inner, key=len)
                        found.append(
                            (p + tok.index(word), kind, attr_id, text[p + tok.index(word) :][: len(word)])
                        )
    # English words are also read in zh text (brands and specs often are), by word boundary
    lowered = text.lower()
    for kind in ATTRIBUTE_KINDS:
        for attr_id, words in lexicon[kind].items():
            for word in words["en"]:
                for m in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                    found.append((m.start(), kind, attr_id, text[m.start() : m.end()]))
    found.sort()
    return found


def _key_phrases(text: str, lang: str) -> list[str]:
    if lang == "zh":
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)
        return [w for w in jieba.analyse.extract_tags(text, topK=MAX_KEY_PHRASES) if not w.isdigit()]
    counts: dict[str, int] = {}
    for word in re.findall(r"[a-z][a-z'\-]+", text.lower()):
        if word not in _EN_STOPWORDS and len(word) > 2:
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: -counts[w])[:MAX_KEY_PHRASES]


def _color_family(text: str) -> str | None:
    try:
        from adcraft.text.colors import find_color
    except ImportError:  # the colour module is being written alongside; attributes work without it
        log.debug("adcraft.text.colors is not available; colour family left empty")
        return None
    return find_color(text)


def extract_attributes(
    text: str, lang: str = "auto", concept_matcher: ConceptMatcher | None = None
) -> ProductAttributes:
    """Read attributes from a product text; concept_matcher(text) -> (concept, score) sets category."""
    if not isinstance(text, str):
        raise InvalidInputError(f"text {text!r} must be a string")
    lang = _resolve_lang(text, lang)
    attrs = ProductAttributes(lang=lang)
    for _, kind, attr_id, surface in _find_lexicon_words(text, lang):
        ids = getattr(attrs, kind)
        if attr_id not in ids:
            ids.append(attr_id)
            attrs.surfaces[f"{kind}:{attr_id}"] = surface
    attrs.color_family = _color_family(text)
    attrs.key_phrases = _key_phrases(text, lang) if text.strip() else []
    if concept_matcher is not None and text.strip():
        attrs.category, score = concept_matcher(text)
        attrs.category_score = float(score)
    return attrs


def split_clauses(text: str, lang: str) -> list[str]:
    """Split a description into clauses at zh punctuation (，。；！、) or en sentence/comma breaks."""
    pattern = ZH_CLAUSE_SPLIT if lang == "zh" else EN_CLAUSE_SPLIT
    # the en split keeps the sentence's full stop; a selling point is a phrase, so it goes too
    clauses = (c.strip(" \t\"'“”‘’()（）[]【】《》").rstrip(".!?…") for c in pattern.split(text) if c)
    return [c for c in clauses if c.strip()]


def _units(clause: str, lang: str) -> list[str]:
    """Pieces a clause may be cut between: jieba tokens (numbers/Latin words kept whole) or en words."""
    if lang != "zh":
        return clause.split()
    units: list[str] = []
    pos = 0
    for m in _LATIN_OR_NUMBER.finditer(clause):
        units += tokenize_zh(clause[pos : m.start()])
        units.append(m.group())
        pos = m.end()
    units += tokenize_zh(clause[pos:])
    return units


def shorten(clause: str, lang: str, max_chars: int | None = None) -> str:
    """Cut a clause to at most max_chars at a word/number boundary; '' when its first word is too long."""
    max_chars = max_chars or POINT_MAX_CHARS.get(lang, POINT_MAX_CHARS["en"])
    clause = clause.strip()
    if len(clause) <= max_chars:
        return clause
    joiner = "" if lang == "zh" else " "
    kept: list[str] = []
    for unit in _units(clause, lang):
        candidate = joiner.join([*kept, unit]) if lang != "zh" else "".join(kept) + unit
        if len(candidate) > max_chars:
            break
        kept.append(unit)
    while kept and (kept[-1] in _ZH_DANGLING or kept[-1].lower().strip(",.") in _EN_DANGLING):
        kept.pop()
    return joiner.join(kept).strip(" ,，、-—")


def _score_clause(clause: str, lang: str) -> float:
    hits = {(kind, attr_id) for _, kind, attr_id, _ in _find_lexicon_words(clause, lang)}
    score = 2.0 * len(hits) + (1.0 if NUMBER.search(clause) else 0.0)
    length = len(clause) if lang == "zh" else len(clause.split()) * 5
    if length < MIN_POINT_CHARS.get(lang, 4):
        return -1.0
    too_long = len(clause) > POINT_MAX_CHARS.get(lang, 32)
    # mild preference for substance over fragments, and for clauses that need no cutting
    return score + min(length, 20) / 40 - (0.5 if too_long else 0.0)


def extract_selling_points(
    text: str, lang: str = "auto", max_points: int = 3, max_chars: int | None = None
) -> list[str]:
    """The most informative clauses of text (attribute words, numbers), shortened, in input order."""
    if max_points < 0:
        raise InvalidInputError(f"max_points {max_points} must be 0 or more")
    if not isinstance(text, str) or not text.strip():
        return []
    lang = _resolve_lang(text, lang)
    scored = []
    seen: set[str] = set()
    for index, clause in enumerate(split_clauses(text, lang)):
        score = _score_clause(clause, lang)
        point = shorten(clause, lang, max_chars)
        key = point.lower()
        if score < 0 or len(point) < MIN_POINT_CHARS.get(lang, 4) or key in seen:
            continue
        seen.add(key)
        scored.append((score, index, point))
    best = sorted(scored, key=lambda s: (-s[0], s[1]))[:max_points]
    return [point for _, _, point in sorted(best, key=lambda s: s[1])]
