"""The dataset directory format shared by the builders, the importer and the trainer.

A dataset is a folder with `images/` (RGBA PNGs), `captions.jsonl` (one record per image) and
`manifest.json` (sources, licences, counts, fingerprint).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from adcraft.errors import DataError

CAPTIONS_FILE = "captions.jsonl"
MANIFEST_FILE = "manifest.json"
IMAGES_DIR = "images"


@dataclass
class ImageRecord:
    """One training image and every caption that describes it."""

    file: str  # path relative to the dataset folder, e.g. "images/1f45f-red.png"
    captions: list[str]  # zh and en phrasings; training draws one at random per step
    concept: str = ""  # stable concept id (e.g. emoji code point "1f45f"); "" for imported data
    label_en: str = ""  # the concept's English label ("running shoe")
    label_zh: str = ""  # the concept's Chinese label ("跑鞋")
    group: str = ""  # product group (clothing, food, ...)
    color: str | None = None  # colour family the image was recoloured to, if any
    extra: dict = field(default_factory=dict)  # anything else a builder records

    def to_json(self) -> dict:
        """The captions.jsonl form."""
        d = {
            k: getattr(self, k)
            for k in ("file", "captions", "concept", "label_en", "label_zh", "group", "color")
        }
        d.update(self.extra)
        return d


def read_dataset(root: str | Path) -> list[ImageRecord]:
    """Read captions.jsonl of a dataset folder; refuses a folder that is not a dataset."""
    root = Path(root)
    path = root / CAPTIONS_FILE
    if not path.is_file():
        raise DataError(
            f"{root} is not a dataset: {CAPTIONS_FILE} is missing (build one with `adcraft data`)"
        )
    records = []
    known = {"file", "captions", "concept", "label_en", "label_zh", "group", "color"}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            rec = ImageRecord(
                **{k: d[k] for k in known if k in d}, extra={k: v for k, v in d.items() if k not in known}
            )
        except (json.JSONDecodeError, TypeError) as exc:
            raise DataError(f"{path}:{n}: not a caption record ({exc})") from exc
        if not rec.captions or not (root / rec.file).is_file():
            raise DataError(f"{path}:{n}: needs non-empty captions and an existing file, got {rec.file!r}")
        records.append(rec)
    if not records:
        raise DataError(f"{path} has no records")
    return records


def write_dataset(root: str | Path, records: list[ImageRecord], sources: list[dict]) -> dict:
    """Write captions.jsonl and manifest.json for images already saved under root; returns the manifest."""
    root = Path(root)
    with open(root / CAPTIONS_FILE, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(rec.to_json(), ensure_ascii=False) + "\n" for rec in records)
    manifest = {
        "format": "adcraft-dataset/1",
        "sources": sources,
        "counts": {
            "images": len(records),
            "concepts": len({r.concept for r in records if r.concept}),
            "captions": sum(len(r.captions) for r in records),
        },
        "fingerprint": dataset_fingerprint(root),
    }
    (root / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def dataset_fingerprint(root: str | Path) -> str:
    """sha256 over captions.jsonl and every image's bytes, so a checkpoint names the exact data it saw."""
    root = Path(root)
    digest = hashlib.sha256((root / CAPTIONS_FILE).read_bytes())
    for rec in read_dataset(root):
        digest.update((root / rec.file).read_bytes())
    return digest.hexdigest()[:16]
