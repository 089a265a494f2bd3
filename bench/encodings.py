"""How often decode_text reads short shop text exactly, refuses it, or garbles it, per encoding.

Seeded random rows (300 per case). Run: PYTHONPATH=src python bench/encodings.py
"""

from __future__ import annotations

import random

from adcraft.errors import DataError
from adcraft.fileio import decode_text

ROWS = 300
HANZI = [
    bytes([a, b]).decode("gb2312")
    for a in range(0xB0, 0xD8)
    for b in range(0xA1, 0xFF)
    if a < 0xD7 or b <= 0xF9
]
ASCII = "abcdefghij ,.:0123456789\n"


def measure(label: str, make, encoding: str) -> None:
    """Print exact / refused / wrong counts; bytes that are valid UTF-8 are skipped (read as UTF-8)."""
    exact = refused = wrong = utf8 = 0
    for _ in range(ROWS):
        text = make()
        data = text.encode(encoding)
        try:
            data.decode("utf-8")
            utf8 += 1
            continue
        except UnicodeDecodeError:
            pass
        try:
            decoded, _ = decode_text(data, "f")
        except DataError:
            refused += 1
            continue
        exact += decoded == text
        wrong += decoded != text
    print(
        f"{label:<22} {encoding:<10} exact {exact:>3}  refused {refused:>3}  wrong {wrong:>3}  utf-8 {utf8}"
    )


def main() -> None:
    """The cases in docs/input-validation.md."""
    rng = random.Random(3)
    titles = ["Schöne Tasse", "Crème brûlée", "Größe Kanne", "Café au lait", "Pâte à tartiner"]
    measure(
        "GBK catalog rows",
        lambda: f"id,title,price\nA1,{''.join(rng.choices(HANZI, k=rng.randint(2, 12)))},199\n",
        "gbk",
    )
    measure(
        "random hanzi+ascii",
        lambda: "".join(
            rng.choice(HANZI) if rng.random() < 0.5 else rng.choice(ASCII) for _ in range(rng.randint(1, 40))
        ),
        "gb18030",
    )
    measure("cp1252 titles", lambda: f"title,price\n{rng.choice(titles)},12\n", "cp1252")
    kana = "あいうえおかきくけこアイウエオ赤青靴"
    measure(
        "shift-jis rows",
        lambda: f"title,price\n{''.join(rng.choices(kana, k=rng.randint(2, 12)))},500\n",
        "shift_jis",
    )
    big5 = "紅色連衣裙藍運動鞋白陶瓷杯"
    measure(
        "big5 rows", lambda: f"title,price\n{''.join(rng.choices(big5, k=rng.randint(2, 12)))},500\n", "big5"
    )


if __name__ == "__main__":
    main()
