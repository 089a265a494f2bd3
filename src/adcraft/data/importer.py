"""Import a merchant's own images + captions (CSV or JSONL) into a dataset folder, row by row."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from adcraft.data.dataset import IMAGES_DIR, ImageRecord, write_dataset
from adcraft.data.products import resize_rgba
from adcraft.defaults import VISUAL_SIZE
from adcraft.errors import DataError
from adcraft.fileio import decode_text

logger = logging.getLogger(__name__)

MAX_CAPTION_CHARS = 512  # the text encoder's limit


@dataclass
class RowIssue:
    """Why one input row was skipped."""

    row: int  # 1-based data row (CSV header excluded)
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """What an import kept and what it skipped, row by row."""

    kept: int = 0
    skipped: list[RowIssue] = field(default_factory=list)
    manifest: dict | None = None


def read_text(path: Path) -> tuple[str, str]:
    """File contents and the encoding that decoded them (UTF-8, else detected with confidence)."""
    return decode_text(path.read_bytes(), str(path))


def read_rows(path: Path) -> list[dict]:
    """Rows of a CSV (header: file,caption[,concept]) or JSONL file; unparsable JSONL lines become errors."""
    text, _ = read_text(path)
    if path.suffix.lower() in {".jsonl", ".json"}:
        rows = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
                rows.append(value if isinstance(value, dict) else {"__error__": "line is not a JSON object"})
            except json.JSONDecodeError as exc:
                rows.append({"__error__": f"invalid JSON ({exc.msg})"})
        return rows
    if path.suffix.lower() != ".csv":
        raise DataError(f"captions file {path.name!r} must be .csv or .jsonl")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"file", "caption"} - set(reader.fieldnames or [])
    if missing:
        raise DataError(f"{path.name} lacks column(s) {sorted(missing)}; needs file,caption[,concept]")
    return list(reader)


def import_dataset(
    images_dir: str | Path, captions: str | Path, out: str | Path, size: int = VISUAL_SIZE
) -> ImportReport:
    """Validate every row, convert the good ones to RGBA PNGs of `size` px, and write the dataset."""
    images_dir, captions, out = Path(images_dir), Path(captions), Path(out)
    if not images_dir.is_dir():
        raise DataError(f"images folder {str(images_dir)!r} does not exist")
    if not captions.is_file():
        raise DataError(f"captions file {str(captions)!r} does not exist")
    rows = read_rows(captions)
    (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    report, records, seen_files, seen_hashes = ImportReport(), [], set(), {}
    root = images_dir.resolve()
    for n, row in enumerate(rows, 1):
        if "__error__" in row:
            report.skipped.append(RowIssue(n, "line", row["__error__"]))
            continue
        issue, img_bytes = _check_row(n, row, root, seen_files, seen_hashes)
        if issue:
            report.skipped.append(issue)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(img_bytes)) as img:
                    img.load()
                    converted = resize_rgba(img, size)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            report.skipped.append(RowIssue(n, "file", "image is too large (decompression bomb guard)"))
            continue
        except (UnidentifiedImageError, OSError, ValueError):
            report.skipped.append(RowIssue(n, "file", "not a readable image"))
            continue
        digest = hashlib.sha256(img_bytes).hexdigest()
        seen_hashes[digest] = n
        file = f"{IMAGES_DIR}/{digest[:16]}.png"
        converted.save(out / file)
        caption = str(row["caption"]).strip()
        records.append(
            ImageRecord(file=file, captions=[caption], concept=str(row.get("concept") or "").strip())
        )
    report.kept = len(records)
    for issue in report.skipped:
        logger.warning("%s: %s", captions.name, issue)
    if records:
        report.manifest = write_dataset(
            out, records, [{"name": f"imported from {captions.name}", "licence": "owned by the merchant"}]
        )
    return report


def _check_row(
    n: int, row: dict, root: Path, seen_files: set, seen_hashes: dict
) -> tuple[RowIssue | None, bytes]:
    """The first problem of a row (missing/duplicate file, empty/over-long caption), or the image bytes."""
    name = str(row.get("file") or "").strip()
    caption = str(row.get("caption") or "").strip()
    if not name:
        return RowIssue(n, "file", "empty"), b""
    if not caption:
        return RowIssue(n, "caption", "empty"), b""
    if len(caption) > MAX_CAPTION_CHARS:
        return RowIssue(n, "caption", f"{len(caption)} characters; at most {MAX_CAPTION_CHARS}"), b""
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        return RowIssue(n, "file", f"{name!r} is outside the images folder"), b""
    if not path.is_file():
        return RowIssue(n, "file", f"{name!r} not found in the images folder"), b""
    if path in seen_files:
        return RowIssue(n, "file", f"{name!r} is listed twice"), b""
    seen_files.add(path)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest in seen_hashes:
        return RowIssue(n, "file", f"same image bytes as row {seen_hashes[digest]}"), b""
    return None, data
