"""Advertising-law checker (PRC Advertising Law, SAMR 2023 guideline on absolute terms), evasion-proof.

- normalize: folding before matching (OpenCC, NFKC, confusables, numerals, invisible characters)
- pinyin: pinyin and homophone spellings of terms (pypinyin, jieba)
- lexicon: the rule tables by article, named exemptions, qualifiers, product categories
- checker: check_compliance, the hits and their rewrites
- price: discount badges and crossed-out prices (明码标价和禁止价格欺诈规定)
"""

from adcraft.creative.compliance.checker import (
    MERCHANT_RULE,
    ComplianceReport,
    Hit,
    apply_suggestions,
    check_compliance,
    suggest_rewrite,
)
from adcraft.creative.compliance.lexicon import (
    CATEGORIES,
    check_category,
    infer_category,
    load_lexicon,
    parse_lexicon,
)
from adcraft.creative.compliance.normalize import compact, fold, is_filler

__all__ = [
    "CATEGORIES",
    "MERCHANT_RULE",
    "ComplianceReport",
    "Hit",
    "apply_suggestions",
    "check_category",
    "check_compliance",
    "compact",
    "fold",
    "infer_category",
    "is_filler",
    "load_lexicon",
    "parse_lexicon",
    "suggest_rewrite",
]
