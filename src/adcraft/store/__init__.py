"""Storage: a SQL database (SQLite by default, WAL) for records and atomic files under the data directory."""

from adcraft.store.files import resolve_inside, save_image_atomic, write_bytes_atomic, write_json_atomic
from adcraft.store.repository import Store, default_url

__all__ = [
    "Store",
    "default_url",
    "resolve_inside",
    "save_image_atomic",
    "write_bytes_atomic",
    "write_json_atomic",
]
