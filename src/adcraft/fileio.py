"""Atomic file writes shared by every layer: temp file beside the target, then os.replace.

The temp file is opened with mode 0666 so the process umask decides the final permissions, as for
any file a program creates (tempfile.mkstemp would force 0600 on every output).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILE_MODE = 0o666  # before the umask, as open(2) and shells create files


def write_bytes_atomic(path: str | Path, data: bytes, fsync: bool = True) -> Path:
    """Write bytes so readers see either the old file or the whole new one; honours the umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
            break
        except FileExistsError:  # another writer drew the same name: draw again
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
