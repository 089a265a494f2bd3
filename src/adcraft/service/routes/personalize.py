"""Personalisation: choose a creative for a user context; record impressions, clicks and conversions."""

from __future__ import annotations

from fastapi import APIRouter

from adcraft.service.routes import ServiceDep, creative_out
from adcraft.service.schemas import ChooseRequest, ChooseResponse, EventsRecorded, EventsRequest

router = APIRouter(tags=["personalisation"])


@router.post("/choose", response_model=ChooseResponse)
def choose(body: ChooseRequest, service: ServiceDep) -> dict:
    """Thompson-sample one of the product's creatives for the user's segment."""
    out = service.choose(body.product_id, body.segment, body.placement, body.seed)
    return {**out, "creative": creative_out(out["creative"])}


@router.post("/events", response_model=EventsRecorded, status_code=201)
def record_events(body: EventsRequest, service: ServiceDep) -> dict:
    """Store feedback events; later choices learn from them."""
    return {"recorded": service.store.record_events(e.model_dump() for e in body.events)}
