"""Recall and false-positive rate of the advertising-law checker on the held-out case table.

The table (bench/compliance/cases.tsv) was written before the checker was measured on it and is
never edited after; see docs/compliance.md. Usage:
    PYTHONPATH=src python bench/compliance_eval.py [--json docs/eval/compliance.json] [--show-misses]
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import re
import time
from collections import defaultdict
from pathlib import Path

CASES = Path(__file__).parent / "compliance" / "cases.tsv"
FIELDS = ("id", "category", "expect", "lang", "product", "allow", "text")


def decode(text: str) -> str:
    """The table's escapes: \\n is a line break, \\uXXXX one Unicode character."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\\n", "\n")


def load_cases(path: Path = CASES) -> list[dict[str, str]]:
    """The table's rows as dicts (comment lines and the header skipped)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        parts = line.split("\t")
        if len(parts) != len(FIELDS):
            raise ValueError(f"{path}: row {parts[0]!r} has {len(parts)} columns, expected {len(FIELDS)}")
        row = dict(zip(FIELDS, parts, strict=True))
        row["text"] = decode(row["text"])
        rows.append(row)
    return rows


def verdict(report) -> str:
    """block, warn or pass: what the checker said about one text."""
    if report.blocking:
        return "block"
    return "warn" if report.hits else "pass"


def run(cases: list[dict[str, str]]) -> dict:
    """Check every case; per category: n, correct, and the misses."""
    from adcraft.creative.compliance import check_compliance

    takes_category = "category" in inspect.signature(check_compliance).parameters
    per = defaultdict(lambda: {"expect": "", "n": 0, "correct": 0, "flagged": 0, "misses": []})
    started = time.perf_counter()
    for case in cases:
        kwargs = {"allow_terms": () if case["allow"] == "-" else (case["allow"],)}
        if takes_category:
            kwargs["category"] = case["product"]
        got = verdict(check_compliance(case["text"], lang=case["lang"], **kwargs))
        cell = per[case["category"]]
        cell["expect"] = case["expect"]
        cell["n"] += 1
        cell["correct"] += got == case["expect"]
        cell["flagged"] += got != "pass"
        if got != case["expect"]:
            cell["misses"].append(f"{case['id']} {case['text']!r}: {got}")
    seconds = time.perf_counter() - started
    return {"categories": dict(per), "seconds": seconds, "n": len(cases)}


def summarise(result: dict) -> dict:
    """Recall over violations (block: blocked; warn: warned, not blocked) and false positives on clean."""
    cats = result["categories"]

    def total(expect: str, key: str) -> int:
        return sum(c[key] for c in cats.values() if c["expect"] == expect)

    clean_n = total("pass", "n")
    clean_blocked = sum(
        sum(1 for m in c["misses"] if m.endswith(": block")) for c in cats.values() if c["expect"] == "pass"
    )
    return {
        "violations": total("block", "n"),
        "recall_block": total("block", "correct") / max(1, total("block", "n")),
        "sourced_rankings": total("warn", "n"),
        "warn_exact": total("warn", "correct") / max(1, total("warn", "n")),
        "warn_flagged": total("warn", "flagged") / max(1, total("warn", "n")),
        "clean": clean_n,
        "false_positive_block": clean_blocked / max(1, clean_n),
        "false_positive_any": total("pass", "flagged") / max(1, clean_n),
    }


def main() -> None:
    """Print the per-category table and the summary; optionally write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="the case table (TSV)")
    parser.add_argument("--json", type=Path, help="write the result here")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    result = run(load_cases(args.cases))
    summary = summarise(result)
    print("| category | expect | cases | correct | rate |")
    print("|---|---|---:|---:|---:|")
    for name, c in result["categories"].items():
        print(f"| {name} | {c['expect']} | {c['n']} | {c['correct']} | {c['correct'] / c['n']:.0%} |")
        if args.show_misses:
            for miss in c["misses"]:
                print("    miss:", miss)
    print(json.dumps(summary, indent=2))
    print(f"{result['n']} cases in {result['seconds']:.2f} s")
    if args.json:
        meta = {
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d"),
        }
        payload = {"cases": str(args.cases), "summary": summary, **result, **meta}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
