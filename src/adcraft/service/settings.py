"""Service settings, read from ADCRAFT_* environment variables when create_app builds them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adcraft.defaults import (
    DEFAULT_GUIDANCE,
    DEFAULT_PLACEMENTS,
    DEFAULT_STEPS,
    MAX_GUIDANCE,
    MAX_STEPS,
    MIN_STEPS,
)
from adcraft.errors import AdcraftError, ConfigError

ENV_PREFIX = "ADCRAFT_"
SECRET_SETTINGS = ("api_key", "database_url")  # never echoed in an error message
TINY_MODEL = "tiny-random"  # the untrained smoke-test model, built in memory


class ServiceSettings(BaseSettings):
    """Everything `adcraft serve` can be told; each field is ADCRAFT_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Path("adcraft-data")  # database file, uploads and creatives live under here
    database_url: str | None = None  # any SQLAlchemy URL; None = SQLite file in data_dir (WAL mode)
    model: str = "default"  # shipped model name, checkpoint dir, or "tiny-random" (untrained; smoke tests)
    preload_model: bool = True  # start loading the model at start-up, so /readyz turns ready unasked
    api_key: str | None = None  # when set, every /v1 call needs header X-API-Key with this value
    workers: int = Field(1, ge=1, le=64)  # generation threads; each runs one product at a time
    queue_size: int = Field(4, ge=0, le=10_000)  # products waiting beyond the running ones; more -> 429
    retry_after_s: int = Field(5, ge=1, le=3600)  # Retry-After seconds sent with a 429 or 504
    steps: int = Field(DEFAULT_STEPS, ge=MIN_STEPS, le=MAX_STEPS)  # sampler steps per visual
    guidance: float = Field(DEFAULT_GUIDANCE, ge=0.0, le=MAX_GUIDANCE)  # classifier-free guidance scale
    default_placements: tuple[str, ...] = DEFAULT_PLACEMENTS  # when a request names none
    max_products_per_job: int = Field(100, ge=1, le=10_000)  # larger catalogs belong to `adcraft batch`
    max_upload_bytes: int = Field(10 * 2**20, ge=1024, le=2**30)  # product photo / logo upload limit (413)
    max_body_bytes: int = Field(2**20, ge=1024, le=2**30)  # any JSON request body (413 past it)
    max_description_chars: int = Field(5000, ge=1, le=1_000_000)  # a product's description (422 past it)
    cors_origins: tuple[str, ...] = ()  # browser origins allowed to call the API (CORS); () = CORS off
    sync_timeout_s: float = Field(600.0, gt=0, le=86_400)  # POST /v1/creatives waits this long, then 504

    @field_validator("api_key")
    @classmethod
    def _visible_ascii(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value or not all("!" <= ch <= "~" for ch in value):
            raise ValueError(
                "must be 1 or more visible ASCII characters (no spaces), so clients can send it in a "
                "header; unset it to turn authentication off"
            )
        return value


def load_settings(**overrides) -> ServiceSettings:
    """ServiceSettings from the environment and overrides; a bad value (a model that does not exist
    included) raises ConfigError naming it."""
    try:
        settings = ServiceSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(settings_message(exc)) from None
    if settings.model != TINY_MODEL:
        from adcraft.diffusion.checkpoint import resolve_checkpoint

        try:
            resolve_checkpoint(settings.model)
        except AdcraftError as exc:
            raise ConfigError(f"bad service setting: {ENV_PREFIX}MODEL={settings.model!r}: {exc}") from None
    return settings


def settings_message(exc: ValidationError) -> str:
    """One line naming every bad ADCRAFT_* setting and what is allowed (secrets are not echoed)."""
    parts = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error.get("loc") else "?"
        got = "" if name in SECRET_SETTINGS else f"={error.get('input')!r}"
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{ENV_PREFIX}{name.upper()}{got}: {message}")
    return "bad service setting(s): " + "; ".join(parts)
