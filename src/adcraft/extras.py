"""Optional extras: which modules each needs, and one error that says what to install."""

from __future__ import annotations

from importlib.util import find_spec

from adcraft.errors import ConfigError

# extra name in pyproject.toml -> the modules its features import (import names, not package names)
EXTRAS: dict[str, tuple[str, ...]] = {
    "service": ("fastapi", "uvicorn", "pydantic_settings", "prometheus_client"),
    "ray": ("ray",),
    "hf": ("transformers",),
    "parquet": ("pyarrow",),
}


def missing_modules(extra: str) -> list[str]:
    """The extra's modules that are not importable here."""
    if extra not in EXTRAS:
        raise ValueError(f"extra {extra!r} must be one of {sorted(EXTRAS)}")
    return [name for name in EXTRAS[extra] if find_spec(name) is None]


def require_extra(extra: str, feature: str) -> None:
    """Raise ConfigError naming the pip command when `feature` needs an extra that is not installed."""
    missing = missing_modules(extra)
    if missing:
        raise ConfigError(
            f"{feature} needs the {extra!r} extra ({', '.join(missing)} not installed): "
            f"pip install 'adcraft[{extra}]'"
        )
