"""Campaign logs as files: import an impression log into the store, export a campaign's log as CSV.

One row per impression: impression_id, campaign_id, variant_id, segment, clicked (0/1), and
optionally converted, value, propensity, timestamp, user_id, placement and ctx_* columns. A click
becomes a feedback event with id "<impression_id>:click" (a conversion "<impression_id>:conversion"),
so importing the same file twice stores every row once and counts the rest as duplicates.
"""

from __future__ import annotations

import csv
from pathlib import Path

from adcraft.errors import DataError
from adcraft.personalize.events import CONTEXT_PREFIX, ELEMENT_PREFIX, _parse_bool, read_table
from adcraft.store.campaigns import iso

IMPORT_COLUMNS = ("impression_id", "campaign_id", "variant_id", "segment", "clicked")


def log_events(path: str | Path) -> tuple[list[dict], list[dict]]:
    """Rows of a log file as API-shaped events, plus the rows refused while parsing (row, reason, detail)."""
    frame = read_table(path)
    missing = [c for c in IMPORT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{Path(path).name}: missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(IMPORT_COLUMNS)}"
        )
    events, refused = [], []
    for row_number, row in enumerate(frame.to_dict(orient="records"), start=1):

        def text(name: str, row=row) -> str | None:
            return _text(row, name)

        try:
            clicked = _parse_bool(row.get("clicked"))
            converted = _parse_bool(row.get("converted", ""))
            propensity = None if text("propensity") is None else float(text("propensity"))
            value = None if text("value") is None else float(text("value"))
        except ValueError:
            refused.append(
                {
                    "row": row_number,
                    "reason": "missing_field",
                    "detail": "clicked/converted must be 0/1 and propensity/value numbers",
                }
            )
            continue
        imp = text("impression_id")
        if imp is None:
            refused.append({"row": row_number, "reason": "missing_field", "detail": "impression_id is empty"})
            continue
        ts = text("timestamp")
        context = {
            k[len(CONTEXT_PREFIX) :]: str(v)
            for k, v in row.items()
            if k.startswith(CONTEXT_PREFIX) and str(v).strip() not in ("", "nan")
        }
        events.append(
            {
                "id": imp,
                "kind": "impression",
                "campaign_id": text("campaign_id"),
                "variant_id": text("variant_id"),
                "segment": text("segment"),
                "placement": text("placement"),
                "user_id": text("user_id"),
                "context": context,
                "propensity": propensity,
                "timestamp": ts,
            }
        )
        if clicked:
            events.append(
                {
                    "id": f"{imp}:click",
                    "kind": "click",
                    "impression_id": imp,
                    "campaign_id": text("campaign_id"),
                    "timestamp": ts,
                }
            )
        if converted or (value or 0) > 0:
            events.append(
                {
                    "id": f"{imp}:conversion",
                    "kind": "conversion",
                    "impression_id": imp,
                    "campaign_id": text("campaign_id"),
                    "value": value,
                    "timestamp": ts,
                }
            )
    return events, refused


def _text(row: dict, name: str) -> str | None:
    value = row.get(name)
    return None if value is None or str(value).strip() in ("", "nan") else str(value).strip()


def export_log(server, campaign_id: str, path: str | Path) -> int:
    """Write a campaign's impressions as a CSV event log (readable by `adcraft ope` and `events import`)."""
    variants = {v["id"]: v for v in server.campaigns.variants(campaign_id)}
    rows = server.campaigns.impressions(campaign_id)
    ctx_keys = sorted({k for r in rows for k in r["context"]})
    el_keys = sorted({k for v in variants.values() for k in v["elements"]})
    columns = [
        "impression_id", "campaign_id", "variant_id", "creative_id", "segment", "placement", "clicked",
        "converted", "value", "propensity", "timestamp", "user_id",
        *(CONTEXT_PREFIX + k for k in ctx_keys), *(ELEMENT_PREFIX + k for k in el_keys),
    ]  # fmt: skip
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            elements = variants.get(r["variant_id"], {}).get("elements", {})
            writer.writerow(
                {
                    "impression_id": r["id"],
                    "campaign_id": campaign_id,
                    "variant_id": r["variant_id"],
                    "creative_id": r["variant_id"],
                    "segment": r["segment"],
                    "placement": r["placement"] or "",
                    "clicked": int(r["clicked"]),
                    "converted": int(r["conversions"] > 0),
                    "value": r["value"],
                    "propensity": "" if r["propensity"] is None else r["propensity"],
                    "timestamp": iso(r["ts"]),
                    "user_id": r["user_id"] or "",
                    **{CONTEXT_PREFIX + k: r["context"].get(k, "") for k in ctx_keys},
                    **{ELEMENT_PREFIX + k: elements.get(k, "") for k in el_keys},
                }
            )
    return len(rows)
