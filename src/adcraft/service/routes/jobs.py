"""Jobs: creatives for several products in the background; poll for status and results."""

from __future__ import annotations

from fastapi import APIRouter

from adcraft.service.routes import ServiceDep
from adcraft.service.schemas import JobAccepted, JobRequest, JobStatus

router = APIRouter(tags=["jobs"])


@router.post("/jobs", response_model=JobAccepted, status_code=202)
def create_job(body: JobRequest, service: ServiceDep) -> dict:
    """Queue a job over several products, every one checked first (422 names the first bad one;
    429 + Retry-After when the queue is full)."""
    settings = service.generation_settings(body.placements, body.audiences, body.seed, body.theme)
    job_id = service.submit_job(service.prepare_products(body.products), settings)
    return {"job_id": job_id, "status_url": f"/v1/jobs/{job_id}"}


@router.get("/jobs/{job_id}", response_model=JobStatus)
def get_job(job_id: str, service: ServiceDep) -> dict:
    """A job's status, counts and per-product results."""
    return service.store.get_job(job_id)
