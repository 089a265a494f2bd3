"""Request and response bodies of the HTTP API (pydantic); product fields are checked by adcraft.creative."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from adcraft.diffusion.schedule import MAX_SEED  # one seed rule for the CLI, batches and the API


class GenerateRequest(BaseModel):
    """Creatives for one product, generated while the request waits."""

    product: dict[str, Any] = Field(
        ...,
        description="product fields: title, description, price, currency, "
        "brand, selling_points, photo ('uploads/...' from POST /v1/uploads), ...",
    )
    placements: list[str] | None = Field(None, description="placement names or WxH; default: the service's")
    audiences: list[str] | None = Field(None, description="segment names; default: one generic set")
    seed: int = Field(0, ge=0, le=MAX_SEED)


class JobRequest(BaseModel):
    """Creatives for several products, generated in the background."""

    products: list[dict[str, Any]] = Field(..., min_length=1)
    placements: list[str] | None = None
    audiences: list[str] | None = None
    seed: int = Field(0, ge=0, le=MAX_SEED)


class Creative(BaseModel):
    """A stored creative with links to its files."""

    id: str
    product_id: str
    placement: str
    qa_status: str
    segment: str | None
    notes: dict[str, Any]
    created: str
    image_url: str
    manifest_url: str


class GenerateResponse(BaseModel):
    """The product's id and its new creatives."""

    product_id: str
    creatives: list[Creative]
    zip_url: str


class JobAccepted(BaseModel):
    """A queued job and where to poll it."""

    job_id: str
    status_url: str


class JobStatus(BaseModel):
    """A job's progress and per-product results (creative ids or an error)."""

    id: str
    status: str
    total: int
    done: int
    failed: int
    results: list[dict[str, Any]]
    created: str
    updated: str


class Upload(BaseModel):
    """Where an uploaded photo is stored; pass it as the product's 'photo'."""

    photo: str
