"""Request and response bodies of the campaign API: campaigns, choices with propensities, events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from adcraft.service.schemas import MAX_SEED

Id = Field(..., min_length=1, max_length=64)


class VariantIn(BaseModel):
    """One variant: its element features (what learners see) and optional rendered creatives."""

    model_config = ConfigDict(extra="forbid")

    id: str = Id
    segment: str | None = Field(None, description="only shown to this segment; none = every segment")
    elements: dict[str, str] = Field(..., description="palette, template, headline, cta, tone, ...")
    spec: dict[str, Any] = Field(default_factory=dict, description="the full creative spec, kept as given")
    creatives: dict[str, str] = Field(default_factory=dict, description="placement -> stored creative id")


class CampaignIn(BaseModel):
    """A campaign: the segments it serves, the variants it races and how its policy behaves."""

    model_config = ConfigDict(extra="forbid")

    id: str = Id
    name: str | None = Field(None, max_length=200)
    product_id: str | None = None
    segments: list[str] = Field(..., min_length=1, max_length=64, description="case-sensitive names")
    variants: list[VariantIn] = Field(..., min_length=1, max_length=64)
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="policy (contextual | segment_thompson | uniform), prior_ctr, prior_weight, floor, "
        "cap, fatigue_per_user_day, attribution_window_s, n_draws, learn_batch",
    )
    control: str | None = Field(None, description="variant id lifts are measured against; default: first")


class ChooseRequest(BaseModel):
    """A context to pick one of a campaign's variants for."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Id
    segment: str = Field(..., min_length=1, max_length=64, description="one of the campaign's segments")
    placement: str | None = Field(None, max_length=64, description="context feature; picks the creative")
    context: dict[str, str] = Field(default_factory=dict, description="request features, e.g. device")
    user_id: str | None = Field(None, max_length=128, description="for the fatigue guard")
    timestamp: str | None = Field(None, description="ISO-8601 event time (replays); default: now")
    impression_id: str | None = Field(None, max_length=64, description="your own id; default: generated")
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="fix the random draw (tests, replays)")


class ChooseResponse(BaseModel):
    """The chosen variant, the impression logged for it and the probability it was chosen with."""

    impression_id: str
    campaign_id: str
    variant: dict[str, Any]
    creative_id: str | None
    propensity: float
    probabilities: dict[str, float]
    policy: str
    segment: str
    fatigued: bool


class EventIn(BaseModel):
    """An impression (shown by another system), click or conversion; `id` makes resending safe."""

    model_config = ConfigDict(extra="forbid")

    id: str = Id
    kind: Literal["impression", "click", "conversion"]
    impression_id: str | None = Field(None, max_length=64, description="clicks/conversions: what was shown")
    campaign_id: str | None = Field(None, max_length=64)
    variant_id: str | None = Field(None, max_length=64)
    segment: str | None = Field(None, max_length=64)
    placement: str | None = Field(None, max_length=64)
    user_id: str | None = Field(None, max_length=128)
    context: dict[str, str] = Field(default_factory=dict)
    propensity: float | None = Field(None, description="impressions: the shown variant's probability")
    value: float | None = Field(None, description="conversions: order value (>= 0)")
    timestamp: str | None = Field(None, description="ISO-8601 event time; default: now")


class EventsRequest(BaseModel):
    """A batch of events."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(..., min_length=1, max_length=10_000)


class EventsRecorded(BaseModel):
    """What became of a batch: stored impressions, feedback by status, refused rows by reason."""

    impressions: int
    feedback: dict[str, int]
    rejected: dict[str, int]
    errors: list[dict[str, Any]]
