"""Bandit state on disk: JSON (never pickle), atomic replace, and a file lock for concurrent writers."""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from adcraft.errors import CheckpointError
from adcraft.fileio import write_bytes_atomic


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Write compact JSON atomically (adcraft.fileio: temp file, fsync, rename over `path`)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_bytes_atomic(path, text.encode("utf-8"))


def read_json(path: str | Path, kind: str) -> dict[str, Any]:
    """Read a state file written by `write_json_atomic`, checking its `kind` tag."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CheckpointError(f"bandit state {str(path)!r} does not exist") from exc
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"bandit state {str(path)!r} is not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or data.get("kind") != kind:
        found = data.get("kind") if isinstance(data, dict) else type(data).__name__
        raise CheckpointError(f"bandit state {str(path)!r} holds {found!r}, expected {kind!r}")
    return data


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[None]:
    """An exclusive advisory lock on `path + '.lock'` (serialises processes updating one state file)."""
    lock_path = Path(str(path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
