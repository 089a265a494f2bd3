"""Catalog files: one product per row from CSV, JSONL or Parquet (UTF-8 or GB18030); bad rows are kept as errors."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from adcraft.errors import DataError, InvalidInputError

logger = logging.getLogger(__name__)

FORMATS = (".csv", ".jsonl", ".parquet")
ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order; GB18030 covers GBK/GB2312 exports
ID_COLUMNS = ("id", "sku", "product_id")  # a row's own identifier, not a product field
LIST_COLUMNS = ("selling_points", "brand_colors", "banned_terms")  # in CSV cells these are split on "|"
PATH_COLUMNS = ("photo", "logo")  # relative paths are relative to the catalog file
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class CatalogRow:
    """One catalog row: its 1-based number, a safe id, and the product dict or why it is unusable."""

    number: int  # row number in the file (1 = first product row)
    id: str  # the row's id column made file-name safe, or "row<number>"
    product: dict | None  # product fields, ready for Product.from_dict
    error: str | None = None  # why the row cannot be used


def decode_text(data: bytes, name: str) -> str:
    """Decode a catalog's bytes as UTF-8 (with or without BOM), else GB18030."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{name} is neither UTF-8 nor GB18030 text; re-save it in one of {list(ENCODINGS)}")


def safe_id(value: object, number: int) -> str:
    """A file-name-safe id from the row's id cell (at most 40 chars), or row<number>."""
    text = _UNSAFE.sub("-", str(value or "").strip()).strip("-.")[:40]
    return text or f"row{number}"


def _clean(record: dict, number: int, base: Path, from_csv: bool) -> CatalogRow:
    """Drop empty cells, pull out the id, split list cells, resolve photo paths."""
    record = {str(k).strip(): v for k, v in record.items() if k is not None}
    row_id = next((record.pop(c) for c in ID_COLUMNS if c in record), None)
    for c in ID_COLUMNS:
        record.pop(c, None)
    product = {}
    for key, value in record.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if from_csv and key in LIST_COLUMNS:
            value = [v.strip() for v in str(value).split("|") if v.strip()]
        if key in PATH_COLUMNS:
            value = str(base / value) if not Path(str(value)).is_absolute() else str(value)
        product[key] = value.strip() if isinstance(value, str) else value
    return CatalogRow(number, safe_id(row_id, number), product)


def read_catalog(path: str | Path) -> list[CatalogRow]:
    """Every row of a catalog file; a row that cannot be parsed becomes a CatalogRow with an error."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(f"catalog {path.name!r} must end in one of {list(FORMATS)}")
    if not path.is_file():
        raise DataError(f"catalog {str(path)!r} does not exist")
    base = path.parent
    if suffix == ".parquet":
        return _read_parquet(path, base)
    text = decode_text(path.read_bytes(), path.name)
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "title" not in [f.strip() for f in reader.fieldnames]:
            raise DataError(f"catalog {path.name!r} has no 'title' column; columns: {reader.fieldnames}")
        rows = []
        for n, record in enumerate(reader, 1):
            if None in record:  # more cells than header columns
                rows.append(CatalogRow(n, f"row{n}", None, f"row {n} has {len(record[None])} extra cell(s)"))
                continue
            rows.append(_clean(record, n, base, from_csv=True))
        return rows
    rows = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(CatalogRow(n, f"row{n}", None, f"row {n} is not valid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            rows.append(
                CatalogRow(n, f"row{n}", None, f"row {n} must be a JSON object, got {type(record).__name__}")
            )
            continue
        rows.append(_clean(record, n, base, from_csv=False))
    return rows


def _read_parquet(path: Path, base: Path) -> list[CatalogRow]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # the parquet extra is not installed
        raise DataError("reading Parquet needs pyarrow: pip install 'adcraft[parquet]'") from exc
    try:
        records = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise DataError(f"catalog {path.name!r} is not a readable Parquet file: {exc}") from exc
    return [_clean(r, n, base, from_csv=False) for n, r in enumerate(records, 1)]
