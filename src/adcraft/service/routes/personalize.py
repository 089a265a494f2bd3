"""Campaigns: create, choose a variant with its propensity, record events, learn, report."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from adcraft.personalize.report import campaign_report, report_csv
from adcraft.service.personalize_schemas import (
    CampaignIn,
    ChooseRequest,
    ChooseResponse,
    EventsRecorded,
    EventsRequest,
)
from adcraft.service.routes import ServiceDep

router = APIRouter(tags=["personalisation"])


@router.post("/campaigns", status_code=201)
def create_campaign(body: CampaignIn, service: ServiceDep) -> dict:
    """Create a campaign with its segments, variants and policy settings."""
    return service.campaigns.create(body.model_dump(exclude_none=True))


@router.get("/campaigns")
def list_campaigns(service: ServiceDep) -> list[dict]:
    """Every campaign."""
    return service.store.campaigns.list()


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: str, service: ServiceDep) -> dict:
    """A campaign, its settings and its variants."""
    return service.campaigns.get(campaign_id)


@router.post("/choose", response_model=ChooseResponse)
def choose(body: ChooseRequest, service: ServiceDep) -> dict:
    """Pick a variant for a context; the impression is logged with the probability it was chosen with."""
    return service.campaigns.choose(**body.model_dump())


@router.post("/events", response_model=EventsRecorded)
def record_events(body: EventsRequest, service: ServiceDep) -> dict:
    """Record impressions, clicks and conversions; resent ids are counted, never stored twice."""
    return service.campaigns.record_events(e.model_dump() for e in body.events)


@router.post("/campaigns/{campaign_id}/learn")
def learn(campaign_id: str, service: ServiceDep) -> dict:
    """Fold impressions whose attribution window has closed into the policy now."""
    return {"learned": service.campaigns.learn(campaign_id)}


@router.get("/campaigns/{campaign_id}/report")
def report(campaign_id: str, service: ServiceDep) -> dict:
    """Per-variant CTR with intervals, probability best, lift over control and the policy's value."""
    return campaign_report(service.campaigns, campaign_id)


@router.get("/campaigns/{campaign_id}/report.csv", response_class=PlainTextResponse)
def report_as_csv(campaign_id: str, service: ServiceDep) -> PlainTextResponse:
    """The report's per-variant table as CSV."""
    text = report_csv(campaign_report(service.campaigns, campaign_id))
    return PlainTextResponse(text, media_type="text/csv")
