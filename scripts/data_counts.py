"""Print the tables of docs/data.md for a built product dataset: images per style and variant, colour
families, distinct source images per concept, and the concepts with the fewest.

Run: .venv/bin/python scripts/data_counts.py data/products-v10
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from adcraft.data.dataset import read_dataset
from adcraft.data.styles import STYLES


def main() -> None:
    """Print the markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    records = read_dataset(parser.parse_args().dataset)
    captions = [c for r in records for c in r.captions]
    print(
        f"{len(records)} images, {len({r.concept for r in records})} concepts, {len(captions)} captions "
        f"({len(set(captions))} distinct)\n"
    )
    print("| style | words (zh / en) | concepts | originals | colour variants | captions |")
    print("|---|---|---|---|---|---|")
    for style, s in STYLES.items():
        rows = [r for r in records if r.extra.get("style") == style]
        orig = [r for r in rows if r.extra.get("variant") == "orig"]
        print(
            f"| {style} | {s.zh} / {s.en} | {len({r.concept for r in rows})} | {len(orig)} | "
            f"{len(rows) - len(orig)} | {sum(len(r.captions) for r in rows)} |"
        )
    print("\n| colour family | variants | originals measured in it |")
    print("|---|---|---|")
    fams = Counter(r.color for r in records if r.extra.get("variant") != "orig")
    origs = Counter(r.color for r in records if r.extra.get("variant") == "orig")
    for fam in sorted(set(fams) | set(origs), key=lambda f: (f is None, f or "")):
        print(f"| {fam or '(intrinsic: food, drink)'} | {fams[fam]} | {origs[fam]} |")
    sources = defaultdict(set)
    for r in records:
        if r.extra.get("variant") == "orig":
            sources[r.concept].add(r.extra.get("style"))
    per = Counter(len(v) for v in sources.values())
    print("\n| distinct source images (styles) per concept | concepts |")
    print("|---|---|")
    for n in sorted(per):
        print(f"| {n} | {per[n]} |")
    share = sum(v for n, v in per.items() if n >= 5) / len(sources)
    print(f"\n{100 * share:.1f} % of the concepts have at least 5 distinct source images.")
    variants = Counter(r.extra.get("variant") for r in records if r.extra.get("style") == "3d")
    print("\n3D colour variants kept per target: " + ", ".join(f"{k} {v}" for k, v in variants.most_common()))


if __name__ == "__main__":
    main()
