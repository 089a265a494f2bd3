"""Helpers for the API's adversarial tests: an app over a temporary data dir, and problem-body checks."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


@functools.cache
def tiny_pipeline():
    """One tiny random pipeline per test process (untrained; seconds to build)."""
    from adcraft.diffusion.pipeline import TextToImagePipeline

    return TextToImagePipeline.tiny_random(seed=0)


def make_client(data_dir: Path, *, pipeline=True, **overrides):
    """A TestClient (already started) over an app on data_dir; 5xx are answered, never raised."""
    from fastapi.testclient import TestClient

    from adcraft.service.app import create_app
    from adcraft.service.settings import ServiceSettings

    options = {
        "data_dir": data_dir,
        "model": "tiny-random",
        "steps": 1,
        "workers": 1,
        "queue_size": 2,
        "default_placements": ("300x250",),
    }
    options.update(overrides)
    app = create_app(ServiceSettings(**options), pipeline=tiny_pipeline() if pipeline else None)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    return client


def assert_problem(response, status: int, needle: str = "") -> dict:
    """The response is an RFC 9457 problem with this status whose detail holds needle; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.headers
    body = response.json()
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status and body["type"] == f"/problems/{body['code']}"
    assert needle in body["detail"], body["detail"]
    assert "\n" not in body["detail"] and "Traceback" not in body["detail"]
    return body


def stored_counts(data_dir: Path) -> dict[str, int]:
    """Rows per table and product folders on disk: what a refused request must leave unchanged."""
    with sqlite3.connect(data_dir / "adcraft.sqlite") as db:
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("products", "jobs")}
    folder = data_dir / "creatives"
    counts["folders"] = len(list(folder.iterdir())) if folder.is_dir() else 0
    uploads = data_dir / "uploads"
    counts["uploads"] = len(list(uploads.iterdir())) if uploads.is_dir() else 0
    return counts
