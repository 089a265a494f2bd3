"""Jobs: creatives for several products in the background; list, poll, follow (SSE), cancel, retry."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from adcraft.service.problems import problem_doc
from adcraft.service.routes import ServiceDep
from adcraft.service.schemas import JobAccepted, JobPage, JobRequest, JobState, JobStatus
from adcraft.store.jobs import FINISHED

router = APIRouter(tags=["jobs"])
EVENT_POLL_S = 0.25  # how often an event stream looks for a change
HEARTBEAT_S = 15.0  # a comment line this often keeps proxies from closing an idle stream
KeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="the same key and body return the same job; the same key with another body is a 422",
    ),
]


@router.post(
    "/jobs",
    response_model=JobAccepted,
    status_code=202,
    responses={422: problem_doc("a bad product, option or Idempotency-Key (reused for another body)")},
)
def create_job(body: JobRequest, service: ServiceDep, response: Response, key: KeyHeader = None) -> dict:
    """Queue a job over several products, every one checked first (422 names the first bad one;
    429 + Retry-After when the queue is full). With an Idempotency-Key, a repeat returns the same job."""
    raw = body.model_dump(mode="json")
    job_id = service.jobs.replay(key, raw)
    if job_id is not None:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        settings = service.generation_settings(body.placements, body.audiences, body.seed, body.theme)
        job_id = service.jobs.submit(raw, service.prepare_products(body.products), settings, key)
    return {"job_id": job_id, "status_url": f"/v1/jobs/{job_id}"}


@router.get("/jobs", response_model=JobPage)
def list_jobs(
    service: ServiceDep,
    status: JobState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict:
    """Jobs, newest first, with the total; filter by status; page with next_cursor."""
    return service.store.jobs.list(status, limit, cursor)


@router.get("/jobs/{job_id}", response_model=JobStatus)
def get_job(job_id: str, service: ServiceDep) -> dict:
    """A job's status, counts, per-product results, queue position and live progress."""
    return service.jobs.status(job_id)


@router.post("/jobs/{job_id}/cancel", response_model=JobStatus, responses={409: problem_doc("finished")})
def cancel_job(job_id: str, service: ServiceDep) -> dict:
    """Cancel a queued or running job; a running one stops at its next sampler step (409 if finished)."""
    return service.jobs.cancel(job_id)


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobStatus,
    status_code=202,
    responses={409: problem_doc("not finished, or nothing failed")},
)
def retry_job(job_id: str, service: ServiceDep) -> dict:
    """Queue a failed, interrupted or cancelled job (or a done one with failures) again: its products
    without creatives run again, the others keep theirs."""
    return service.jobs.retry(job_id)


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}},
)
async def job_events(job_id: str, service: ServiceDep, request: Request) -> StreamingResponse:
    """Server-Sent Events: a `status` event (the JobStatus body) at every change, then `end` when the
    job is finished (done, failed, interrupted or cancelled)."""
    first = await run_in_threadpool(service.jobs.status, job_id)  # 404 before the stream starts

    async def stream():
        job, last, quiet = first, None, 0.0
        while True:
            text = json.dumps(job, ensure_ascii=False)
            if text != last:
                yield f"event: status\ndata: {text}\n\n"
                last, quiet = text, 0.0
            if job["status"] in FINISHED:
                yield f"event: end\ndata: {json.dumps({'status': job['status']})}\n\n"
                return
            if quiet >= HEARTBEAT_S:
                yield ": still running\n\n"
                quiet = 0.0
            if await request.is_disconnected():
                return
            await asyncio.sleep(EVENT_POLL_S)
            quiet += EVENT_POLL_S
            job = await run_in_threadpool(service.jobs.status, job_id)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
