"""Catalog files: one product per row from CSV, JSONL or Parquet; bad rows are kept as errors.

The one validation layer of the catalog boundary: text encodings are detected (adcraft.fileio) and
refused when not certain, columns adcraft does not use are ignored with one warning, every row is
checked as a Product before anything is written, and row ids are unique.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from adcraft.errors import AdcraftError, DataError, InvalidInputError
from adcraft.fileio import decode_text as decode_file

logger = logging.getLogger(__name__)

FORMATS = (".csv", ".jsonl", ".parquet")
ID_COLUMNS = ("id", "sku", "product_id")  # a row's own identifier, not a product field
LIST_COLUMNS = ("selling_points", "brand_colors", "banned_terms")  # in CSV cells these are split on "|"
PATH_COLUMNS = ("photo", "logo")  # relative paths are relative to the catalog file
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class CatalogRow:
    """One catalog row: its 1-based number, a safe id, and the product dict or why it is unusable."""

    number: int  # row number in the file (1 = first product row)
    id: str  # the row's id made file-name safe; without an id column, from the title (not the position)
    product: dict | None  # product fields, checked by Product.from_dict
    error: str | None = None  # why the row cannot be used
    source_id: str | None = None  # the id cell exactly as given (part of the row's identity), or None


def decode_text(data: bytes, name: str, encoding: str | None = None) -> str:
    """A catalog's text: UTF-8, the given encoding, or one detected with confidence (else DataError)."""
    hint = " (or name it: adcraft batch --encoding gb18030)"
    return decode_file(data, name, encoding, hint=hint)[0]


def safe_id(value: object, number: int) -> str:
    """A file-name-safe id from the row's id cell (at most 40 chars), or row<number>."""
    text = _UNSAFE.sub("-", str(value or "").strip()).strip("-.")[:40]
    return text or f"row{number}"


def product_columns() -> frozenset[str]:
    """The columns a catalog row may fill: the Product fields."""
    from dataclasses import fields

    from adcraft.creative.product import Product

    return frozenset(f.name for f in fields(Product))


def _check_product(row: CatalogRow) -> CatalogRow:
    """The row with its product validated now (before anything is written), or as an error row."""
    from adcraft.creative.product import Product

    if row.error is None:
        try:
            Product.from_dict(dict(row.product))
        except AdcraftError as exc:
            row.error = str(exc)
    return row


def _clean(record: dict, number: int, base: Path, from_csv: bool, ignored: set[str]) -> CatalogRow:
    """Drop empty cells and unused columns, pull out the id, split list cells, resolve photo paths."""
    record = {str(k).strip(): v for k, v in record.items() if k is not None}
    row_id = next((record.get(c) for c in ID_COLUMNS if record.get(c) not in (None, "")), None)
    known = product_columns()
    product = {}
    for key, value in record.items():
        if key in ID_COLUMNS:
            continue
        if key not in known:
            ignored.add(key)
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if from_csv and key in LIST_COLUMNS:
            value = [v.strip() for v in str(value).split("|") if v.strip()]
        if key in PATH_COLUMNS:
            value = str(base / value) if not Path(str(value)).is_absolute() else str(value)
        product[key] = value.strip() if isinstance(value, str) else value
    source_id = None if row_id is None else str(row_id).strip()
    # without an id the row is known by its content, never by its position in the file
    label = source_id if source_id is not None else str(product.get("title", ""))
    return _check_product(CatalogRow(number, safe_id(label, number), product, source_id=source_id))


def _unique_ids(rows: list[CatalogRow]) -> list[CatalogRow]:
    """An id given twice makes its later rows errors: two products must never share one identity."""
    first: dict[str, int] = {}
    for row in rows:
        if row.source_id is None or row.error:
            continue
        if row.source_id in first:
            row.error = f"id {row.source_id!r} is also row {first[row.source_id]}'s; ids must be unique"
        else:
            first[row.source_id] = row.number
    return rows


def _warn_ignored(name: str, ignored: set[str]) -> None:
    if ignored:
        logger.warning(
            "catalog %s: column(s) %s are not product fields and are ignored (used: %s)",
            name,
            sorted(ignored),
            sorted(product_columns() | set(ID_COLUMNS)),
        )


def read_catalog(path: str | Path, encoding: str | None = None) -> list[CatalogRow]:
    """Every row of a catalog file; a row that cannot be parsed or validated becomes an error row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(f"catalog {path.name!r} must end in one of {list(FORMATS)}")
    if not path.is_file():
        raise DataError(f"catalog {str(path)!r} does not exist")
    base = path.parent
    ignored: set[str] = set()
    if suffix == ".parquet":
        rows = _read_parquet(path, base, ignored)
    else:
        text = decode_text(path.read_bytes(), path.name, encoding)
        reader = _read_csv if suffix == ".csv" else _read_jsonl
        rows = reader(text, path.name, base, ignored)
    _warn_ignored(path.name, ignored)
    return _unique_ids(rows)


def _read_csv(text: str, name: str, base: Path, ignored: set[str]) -> list[CatalogRow]:
    """Rows of CSV text with a header line; a row with more cells than columns is an error row."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "title" not in [f.strip() for f in reader.fieldnames]:
        raise DataError(f"catalog {name!r} has no 'title' column; columns: {reader.fieldnames}")
    rows = []
    for n, record in enumerate(reader, 1):
        if None in record:  # more cells than header columns
            rows.append(CatalogRow(n, f"row{n}", None, f"row {n} has {len(record[None])} extra cell(s)"))
            continue
        rows.append(_clean(record, n, base, True, ignored))
    return rows


def _read_jsonl(text: str, name: str, base: Path, ignored: set[str]) -> list[CatalogRow]:
    """Rows of JSON Lines text: one object per non-empty line."""
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
        rows.append(_clean(record, n, base, False, ignored))
    return rows


def _read_parquet(path: Path, base: Path, ignored: set[str]) -> list[CatalogRow]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # the parquet extra is not installed
        raise DataError("reading Parquet needs pyarrow: pip install 'adcraft[parquet]'") from exc
    try:
        records = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise DataError(f"catalog {path.name!r} is not a readable Parquet file: {exc}") from exc
    return [_clean(r, n, base, False, ignored) for n, r in enumerate(records, 1)]
