"""Impression events (one row per impression, with its click/conversion outcome) and log import."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adcraft.errors import DataError, InvalidInputError

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("creative_id", "segment", "clicked")
OPTIONAL_COLUMNS = ("converted", "timestamp", "user_id", "propensity", "position")
CONTEXT_PREFIX = "ctx_"  # log columns holding user/request context, e.g. ctx_device
ELEMENT_PREFIX = "el_"  # log columns holding the creative's element features, e.g. el_palette
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}


@dataclass(frozen=True)
class Event:
    """One impression of a creative to a user, with whether it was clicked (and converted).

    This is the contract with `adcraft.store`, which persists these fields as they are.
    """

    creative_id: str  # the creative (or variant) that was shown
    segment: str  # audience segment of the user
    clicked: bool  # did the impression get a click
    converted: bool = False  # did the click lead to a purchase
    timestamp: str | None = None  # ISO-8601 time of the impression
    user_id: str | None = None  # pseudonymous user id
    propensity: float | None = None  # probability the logging policy gave this creative, in (0, 1]
    position: int | None = None  # slot on the page, when there are several
    context: dict[str, str] = field(default_factory=dict)  # user/request features (device, hour, ...)
    elements: dict[str, str] = field(default_factory=dict)  # the creative's element features

    @property
    def reward(self) -> float:
        """The bandit reward: 1.0 for a click, else 0.0."""
        return 1.0 if self.clicked else 0.0


@dataclass(frozen=True)
class RowError:
    """A rejected log row: its 1-based data row number, the bad field and why."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: field {self.field!r} {self.message}"


@dataclass
class ImportReport:
    """What an import kept and what it rejected."""

    events: list[Event]
    errors: list[RowError]

    @property
    def n_rows(self) -> int:
        """Rows read (kept + rejected)."""
        return len(self.events) + len({e.row for e in self.errors})


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        if value in (0, 1):
            return bool(value)
        raise ValueError
    text = (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else str(value).strip().lower()
    )
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def parse_event(
    row: dict[str, Any],
    row_number: int,
    known_creatives: set[str] | None = None,
    known_segments: set[str] | None = None,
) -> Event | RowError:
    """Validate one log row into an Event, or return the first problem as a RowError."""
    for name in ("creative_id", "segment"):
        if _is_blank(row.get(name)):
            return RowError(row_number, name, "is empty")
    creative_id, segment = str(row["creative_id"]).strip(), str(row["segment"]).strip()
    if known_creatives is not None and creative_id not in known_creatives:
        return RowError(row_number, "creative_id", f"{creative_id!r} is not a known creative")
    if known_segments is not None and segment not in known_segments:
        return RowError(
            row_number, "segment", f"{segment!r} is not one of {', '.join(sorted(known_segments))}"
        )
    flags = {}
    for name in ("clicked", "converted"):
        try:
            flags[name] = _parse_bool(row.get(name))
        except ValueError:
            return RowError(row_number, name, f"is {row.get(name)!r}; expected 0/1 or true/false")
    propensity = None
    if not _is_blank(row.get("propensity")):
        try:
            propensity = float(row["propensity"])
        except (TypeError, ValueError):
            propensity = float("nan")
        if not 0 < propensity <= 1:
            return RowError(row_number, "propensity", f"is {row['propensity']!r}; must be in (0, 1]")
    position = None
    if not _is_blank(row.get("position")):
        try:
            position = int(float(row["position"]))
        except (TypeError, ValueError):
            return RowError(row_number, "position", f"is {row['position']!r}; expected an integer")
    optional = {k: (None if _is_blank(row.get(k)) else str(row[k])) for k in ("timestamp", "user_id")}
    context = {
        k[len(CONTEXT_PREFIX) :]: str(v)
        for k, v in row.items()
        if k.startswith(CONTEXT_PREFIX) and not _is_blank(v)
    }
    elements = {
        k[len(ELEMENT_PREFIX) :]: str(v)
        for k, v in row.items()
        if k.startswith(ELEMENT_PREFIX) and not _is_blank(v)
    }
    return Event(
        creative_id=creative_id,
        segment=segment,
        clicked=flags["clicked"],
        converted=flags["converted"],
        propensity=propensity,
        position=position,
        context=context,
        elements=elements,
        **optional,
    )


def read_table(path: str | Path):
    """Read a CSV or Parquet log into a pandas DataFrame (all columns as they are)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataError(f"log file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    raise InvalidInputError(f"log file {path.name!r} must end in .csv or .parquet")


def import_events(
    path: str | Path,
    known_creatives: Iterable[str] | None = None,
    known_segments: Iterable[str] | None = None,
) -> ImportReport:
    """Import an impression log (CSV/Parquet); invalid rows are reported, valid rows are kept."""
    frame = read_table(path)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{Path(path).name}: missing column(s) {', '.join(missing)}; required: "
            f"{', '.join(REQUIRED_COLUMNS)}"
        )
    creatives = set(known_creatives) if known_creatives is not None else None
    segments = set(known_segments) if known_segments is not None else None
    events, errors = [], []
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
        parsed = parse_event(row, i, creatives, segments)
        (errors if isinstance(parsed, RowError) else events).append(parsed)
    logger.info("imported %d events from %s, rejected %d rows", len(events), path, len(errors))
    return ImportReport(events=events, errors=errors)


class EventLog:
    """An in-process, thread-safe, append-only list of events."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = list(events)

    def append(self, event: Event) -> None:
        """Record one event."""
        with self._lock:
            self._events.append(event)

    def extend(self, events: Iterable[Event]) -> None:
        """Record several events."""
        batch = list(events)
        with self._lock:
            self._events.extend(batch)

    def snapshot(self) -> list[Event]:
        """A copy of the events recorded so far."""
        with self._lock:
            return list(self._events)

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.snapshot())

    def ctr_table(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(segment, creative_id) -> (impressions, clicks)."""
        table: dict[tuple[str, str], tuple[int, int]] = {}
        for e in self.snapshot():
            n, c = table.get((e.segment, e.creative_id), (0, 0))
            table[(e.segment, e.creative_id)] = (n + 1, c + int(e.clicked))
        return table
