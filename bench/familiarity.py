"""How well `ConceptIndex.familiarity` separates product titles from off-topic text (model card figures).

Counts how many of the shipped held-out shop titles it accepts and how many of a fixed list of
off-topic prompts it flags. Run: `.venv/bin/python bench/familiarity.py`.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime

from adcraft.evaluation.concepts import shipped_index
from adcraft.evaluation.prompts import load_prompts

OFF_TOPIC = [  # written for this check; not in BACKGROUND_TOPICS
    "a spaceship flying over Mars",
    "量子力学讲义",
    "the history of the Roman empire",
    "周末去爬山吧",
    "tax return form 2025",
    "一只在草地上奔跑的小狗",
    "abstract philosophy of mind",
    "股票市场今日大跌",
    "a sunset over the ocean",
    "我爱北京天安门",
    "asdfghjkl",
    "running a marathon in Boston",
    "婚礼策划服务",
    "car insurance quote",
    "software engineering interview tips",
    "天气预报明天有雨",
]


def main() -> None:
    index = shipped_index()
    titles = index.familiarity([p.prompt for p in load_prompts()])
    off = index.familiarity(OFF_TOPIC)
    print(f"{datetime.now(UTC):%Y-%m-%d}  {platform.processor() or platform.machine()}")
    print(f"held-out shop titles accepted: {sum(f.familiar for f in titles)} / {len(titles)}")
    print(f"off-topic prompts flagged:     {sum(not f.familiar for f in off)} / {len(off)}")
    for f in off:
        print(
            f"  {'flagged ' if not f.familiar else 'accepted'}  margin {f.margin:+.4f}  {f.prompt}  "
            f"(nearest: {f.nearest[0][0]})"
        )


if __name__ == "__main__":
    main()
