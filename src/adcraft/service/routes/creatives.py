"""Creatives: generate for one product, upload a photo, list, fetch files, delete, zip a product's set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from pydantic import AfterValidator

from adcraft.service.problems import problem_doc
from adcraft.service.routes import ServiceDep, creative_out
from adcraft.service.schemas import (
    Creative,
    GenerateRequest,
    GenerateResponse,
    Upload,
    no_control_chars_or_none,
)
from adcraft.store.repository import MAX_ID_CHARS, MAX_OFFSET

router = APIRouter(tags=["creatives"])
FilterQuery = Annotated[str | None, Query(max_length=MAX_ID_CHARS), AfterValidator(no_control_chars_or_none)]


@router.post(
    "/creatives",
    response_model=GenerateResponse,
    status_code=201,
    responses={504: problem_doc("still running past ADCRAFT_SYNC_TIMEOUT_S: poll job_id")},
)
async def create_creatives(body: GenerateRequest, service: ServiceDep) -> dict:
    """Generate creatives for one product and wait for them (429 + Retry-After when the queue is full;
    504 with a job id when the wait passes the server's limit: the work carries on as that job)."""
    settings = service.generation_settings(body.placements, body.audiences, body.seed, body.theme)
    product = service.prepare_product(body.product)
    out = await run_in_threadpool(service.generate_sync, product, settings)
    return {
        "product_id": out["product_id"],
        "creatives": [creative_out(c) for c in out["creatives"]],
        "zip_url": f"/v1/products/{out['product_id']}/zip",
    }


@router.post("/uploads", response_model=Upload, status_code=201)
async def upload_photo(service: ServiceDep, file: Annotated[UploadFile, File()]) -> dict:
    """Store a product photo or logo; use the returned id as the product's 'photo' or 'logo'."""
    data = await file.read(service.settings.max_upload_bytes + 1)
    return {"photo": service.save_upload(data)}


@router.get("/creatives", response_model=list[Creative])
def list_creatives(
    service: ServiceDep,
    product_id: FilterQuery = None,
    segment: FilterQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[dict]:
    """Creatives, newest first; filter by product or segment."""
    return [creative_out(c) for c in service.store.list_creatives(product_id, segment, limit, offset)]


@router.get("/creatives/{creative_id}", response_model=Creative)
def get_creative(creative_id: str, service: ServiceDep) -> dict:
    """One creative's record."""
    return creative_out(service.store.get_creative(creative_id))


@router.get("/creatives/{creative_id}/image")
def get_image(creative_id: str, service: ServiceDep) -> FileResponse:
    """The creative's image file."""
    return FileResponse(service.store.creative_file(creative_id, "image"))


@router.get("/creatives/{creative_id}/manifest")
def get_manifest(creative_id: str, service: ServiceDep) -> FileResponse:
    """The manifest (JSON) written with the creative."""
    return FileResponse(service.store.creative_file(creative_id, "manifest"), media_type="application/json")


@router.delete("/creatives/{creative_id}", status_code=204)
def delete_creative(creative_id: str, service: ServiceDep) -> Response:
    """Delete a creative, its files and its events."""
    service.store.delete_creative(creative_id)
    return Response(status_code=204)


@router.get("/products/{product_id}")
def get_product(product_id: str, service: ServiceDep) -> dict:
    """A product as it was submitted."""
    return service.store.get_product(product_id)


@router.get("/products/{product_id}/zip")
def zip_product(product_id: str, service: ServiceDep) -> Response:
    """Every creative of a product (images + manifests) as one zip download."""
    data = service.zip_product(product_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="adcraft-{product_id[:12]}.zip"'},
    )
