"""A batch row's files: its resume key, result.json written last, and the folder published in one rename."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from adcraft.generate import CreativeFile, GenerationSettings
from adcraft.store.files import write_json_atomic

logger = logging.getLogger(__name__)

RESULT_FILE = "result.json"  # written last in a product's folder: its presence means "finished"


def product_key(product: dict, settings: GenerationSettings) -> str:
    """Content hash of a product row and the settings: equal inputs give the same key (16 hex chars)."""
    payload = json.dumps(
        {"product": product, "settings": settings.to_dict()}, sort_keys=True, ensure_ascii=False, default=str
    )
    digest = hashlib.sha256(payload.encode("utf-8"))
    photo = product.get("photo")
    if photo and Path(photo).is_file():  # a changed photo under the same name is a new input
        digest.update(Path(photo).read_bytes())
    return digest.hexdigest()[:16]


def write_result(out_dir: Path, files: list[CreativeFile], extra: dict) -> Path:
    """Write result.json (paths relative to out_dir) last, marking the product as finished."""
    entries = [
        {
            "placement": f.placement,
            "image": f.image.relative_to(out_dir).as_posix(),
            "manifest": f.manifest.relative_to(out_dir).as_posix(),
            "qa_status": f.qa_status,
            "segment": f.segment,
            "notes": f.notes,
        }
        for f in files
    ]
    return write_json_atomic(out_dir / RESULT_FILE, {**extra, "creatives": entries})


def publish_dir(tmp_dir: Path, final_dir: Path) -> Path:
    """Move a finished product folder into place in one rename; an older copy is replaced."""
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    if final_dir.exists():
        shutil.rmtree(final_dir)
    os.replace(tmp_dir, final_dir)
    return final_dir
