"""Service settings, read from ADCRAFT_* environment variables when create_app builds them (never at import)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Everything `adcraft serve` can be told; each field is ADCRAFT_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="ADCRAFT_", extra="ignore")

    data_dir: Path = Path("adcraft-data")  # database file, uploads and creatives live under here
    database_url: str | None = None  # any SQLAlchemy URL; None = SQLite file in data_dir (WAL mode)
    model: str = "default"  # shipped model name, checkpoint dir, or "tiny-random" (untrained; smoke tests)
    api_key: str | None = None  # when set, every /v1 call needs header X-API-Key with this value
    workers: int = Field(1, ge=1, le=64)  # generation threads; each runs one product at a time
    queue_size: int = Field(4, ge=0, le=10_000)  # products waiting beyond the running ones; more -> 429
    retry_after_s: int = Field(5, ge=1, le=3600)  # Retry-After seconds sent with a 429
    steps: int = Field(20, ge=1, le=200)  # sampler steps per visual
    guidance: float = Field(3.0, ge=0.0, le=20.0)  # classifier-free guidance scale
    default_placements: tuple[str, ...] = ("feed-square", "link-landscape")  # when a request names none
    max_products_per_job: int = Field(100, ge=1, le=10_000)  # larger catalogs belong to `adcraft batch`
    max_upload_bytes: int = Field(10 * 2**20, ge=1024)  # product photo upload limit
    sync_timeout_s: float = Field(600.0, gt=0)  # a synchronous request waits at most this long
