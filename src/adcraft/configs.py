"""Typed updates of config dataclasses: unknown keys and wrong types raise ConfigError naming the key.

Shared by training configs (--config, --set) and checkpoint configs read back from config.json.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

from adcraft.errors import ConfigError


def _coerce(value: Any, hint: Any, key: str) -> Any:
    """Check (and lightly convert) one override value against its field type."""
    origin = getattr(hint, "__origin__", None)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key} must be an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key} must be a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a string, got {value!r}")
        return value
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key} must be a list, got {value!r}")
        inner = hint.__args__[0]
        return origin(_coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value))
    return value


def apply_updates(obj: Any, updates: dict, prefix: str = "") -> Any:
    """Return a copy of dataclass `obj` with `updates` applied; unknown keys and wrong types raise."""
    if not isinstance(updates, dict):
        raise ConfigError(
            f"{prefix.rstrip('.') or 'config'} must be a mapping of keys to values, got {updates!r}"
        )
    hints = get_type_hints(type(obj))
    changes = {}
    for key, value in updates.items():
        name = f"{prefix}{key}"
        if key not in hints:
            raise ConfigError(f"unknown config key {name!r}; allowed: {sorted(prefix + k for k in hints)}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{name} must be a mapping, got {value!r}")
            changes[key] = apply_updates(current, value, f"{name}.")
        else:
            changes[key] = _coerce(value, hints[key], name)
    return dataclasses.replace(obj, **changes)
