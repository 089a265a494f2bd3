"""Campaign tables and queries: campaigns, their variants, impressions with propensities, and feedback.

An impression is one decision (a variant shown in a context) with the probability the policy gave
that variant. Clicks and conversions are feedback rows that point at an impression id; each row has
its own event id, so sending a batch twice stores it once. Times are UTC epoch seconds (floats),
which keeps window arithmetic the same on SQLite and Postgres.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, defer, mapped_column

from adcraft.errors import InvalidInputError, NotFoundError
from adcraft.store.models import Base, new_id

logger = logging.getLogger(__name__)

FEEDBACK_KINDS = ("click", "conversion")
# What happened to a click or conversion row; every row gets exactly one of these.
FEEDBACK_STATUSES = (
    "attributed",  # joined its impression inside the attribution window
    "after_learning",  # joined, but the policy had already learned the impression as unclicked
    "repeat",  # a second click on an impression that already has one (CTR counts one)
    "late",  # arrived after the attribution window closed
    "before_impression",  # timestamp earlier than its impression's
    "orphan",  # no impression with that id
)
# Why an incoming row was not stored at all.
REJECT_REASONS = (
    "duplicate_id",
    "unknown_campaign",
    "unknown_variant",
    "unknown_segment",
    "bad_propensity",
    "negative_value",
    "missing_field",
)


MAX_EPOCH = 253_402_214_400.0  # 9999-12-31T00:00:00Z: later times cannot be written back as ISO-8601


def epoch(ts: str | float | datetime | None) -> float:
    """UTC epoch seconds of an ISO-8601 string, a datetime or a number; now when None."""
    if ts is None:
        return datetime.now(UTC).timestamp()
    if isinstance(ts, (int, float)):
        if not 0 <= float(ts) < MAX_EPOCH:
            raise InvalidInputError(f"timestamp {ts} must be epoch seconds between 1970 and 9999")
        return float(ts)
    text = ts
    try:
        if isinstance(ts, str):
            ts = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        t = ts.timestamp()
    except (ValueError, OverflowError, OSError):
        t = float("nan")
    if not 0 <= t < MAX_EPOCH:
        raise InvalidInputError(
            f"timestamp {text!s:.40} must be ISO-8601 between 1970 and 9999 (e.g. 2026-12-04T01:30:00Z)"
        )
    return t


def iso(t: float | None) -> str | None:
    """ISO-8601 UTC text of epoch seconds."""
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat()


class CampaignRow(Base):
    """A campaign: the variants it races, its segments, its policy settings and the policy's state."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    product_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    segments: Mapped[list] = mapped_column(JSON)  # allowed segment names, case-sensitive
    settings: Mapped[dict] = mapped_column(JSON)  # policy, prior, floor, cap, fatigue, window (see serving)
    state: Mapped[dict] = mapped_column(JSON, default=dict)  # the policy's learned state
    state_version: Mapped[int] = mapped_column(Integer, default=0)  # optimistic lock for learners
    watermark: Mapped[float] = mapped_column(Float, default=0.0)  # latest impression time seen
    rejected: Mapped[dict] = mapped_column(JSON, default=dict)  # reason -> rows not stored
    created: Mapped[float] = mapped_column(Float, default=lambda: epoch(None))


class VariantRow(Base):
    """One creative variant of a campaign: its full spec and the element features learners see."""

    __tablename__ = "variants"

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # order given at creation (the first is the control)
    segment: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: shown to every segment
    elements: Mapped[dict] = mapped_column(JSON)  # palette, template, headline, cta, ... as strings
    spec: Mapped[dict] = mapped_column(JSON, default=dict)  # everything else: prompt, seed, copy
    creatives: Mapped[dict] = mapped_column(JSON, default=dict)  # placement -> stored creative id


class ImpressionRow(Base):
    """A decision: which variant a context was shown, with the probability the policy gave it."""

    __tablename__ = "impressions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str] = mapped_column(String(64))
    placement: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    propensity: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: imported, unknown
    policy: Mapped[str] = mapped_column(String(32), default="external")
    ts: Mapped[float] = mapped_column(Float, index=True)
    clicked: Mapped[bool] = mapped_column(Boolean, default=False)
    conversions: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[float] = mapped_column(Float, default=0.0)  # summed conversion value
    learned: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class FeedbackRow(Base):
    """A click or conversion event, kept with what became of it (see FEEDBACK_STATUSES)."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the sender's event id
    kind: Mapped[str] = mapped_column(String(16))
    impression_id: Mapped[str] = mapped_column(String(64), index=True)
    campaign_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    ts: Mapped[float] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20))


def _campaign_dict(row: CampaignRow) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "product_id": row.product_id,
        "segments": list(row.segments),
        "settings": dict(row.settings),
        "state_version": row.state_version,
        "watermark": row.watermark,
        "rejected": dict(row.rejected or {}),
        "created": iso(row.created),
    }


def _variant_dict(row: VariantRow) -> dict:
    return {
        "id": row.id,
        "segment": row.segment,
        "elements": dict(row.elements),
        "spec": dict(row.spec or {}),
        "creatives": dict(row.creatives or {}),
    }


def impression_dict(row: ImpressionRow) -> dict:
    """A stored impression as plain data."""
    return {
        "id": row.id,
        "campaign_id": row.campaign_id,
        "variant_id": row.variant_id,
        "segment": row.segment,
        "placement": row.placement,
        "user_id": row.user_id,
        "context": dict(row.context or {}),
        "propensity": row.propensity,
        "policy": row.policy,
        "ts": row.ts,
        "clicked": row.clicked,
        "conversions": row.conversions,
        "value": row.value,
        "learned": row.learned,
    }


class CampaignStore:
    """Queries over the campaign tables; used through `Store.campaigns`."""

    def __init__(self, session_factory) -> None:
        self._session = session_factory

    # campaigns and variants -------------------------------------------------------------------
    def create(self, campaign: dict, variants: list[dict]) -> str:
        """Record a campaign and its variants (already validated by the caller); returns its id."""
        with self._session() as s, s.begin():
            if s.get(CampaignRow, campaign["id"]) is not None:
                raise InvalidInputError(f"campaign {campaign['id']!r} already exists; pick another id")
            s.add(
                CampaignRow(
                    id=campaign["id"],
                    name=campaign["name"],
                    product_id=campaign.get("product_id"),
                    segments=list(campaign["segments"]),
                    settings=dict(campaign["settings"]),
                    state=dict(campaign.get("state") or {}),
                    rejected={},
                )
            )
            s.flush()
            for position, v in enumerate(variants):
                s.add(
                    VariantRow(
                        campaign_id=campaign["id"],
                        id=v["id"],
                        position=position,
                        segment=v.get("segment"),
                        elements=dict(v["elements"]),
                        spec=dict(v.get("spec") or {}),
                        creatives=dict(v.get("creatives") or {}),
                    )
                )
        return campaign["id"]

    def get(self, campaign_id: str) -> dict:
        """The campaign's record without its policy state; NotFoundError naming it if there is none."""
        with self._session() as s:
            row = s.get(CampaignRow, campaign_id, options=[defer(CampaignRow.state)])
            if row is None:
                raise NotFoundError(f"campaign {campaign_id!r} does not exist")
            return _campaign_dict(row)

    def state(self, campaign_id: str) -> tuple[int, dict]:
        """(state version, learned policy state) of a campaign."""
        with self._session() as s:
            version, state = s.execute(
                select(CampaignRow.state_version, CampaignRow.state).where(CampaignRow.id == campaign_id)
            ).one()
            return int(version), dict(state or {})

    def list(self) -> list[dict]:
        """Every campaign (id, name, product, segments), oldest first."""
        with self._session() as s:
            rows = s.scalars(select(CampaignRow).order_by(CampaignRow.created, CampaignRow.id))
            return [
                {"id": r.id, "name": r.name, "product_id": r.product_id, "segments": list(r.segments)}
                for r in rows
            ]

    def variants(self, campaign_id: str) -> list[dict]:
        """A campaign's variants in creation order (the first is the default control)."""
        with self._session() as s:
            rows = s.scalars(
                select(VariantRow).where(VariantRow.campaign_id == campaign_id).order_by(VariantRow.position)
            )
            return [_variant_dict(r) for r in rows]

    # impressions --------------------------------------------------------------------------------
    def add_impressions(self, rows: list[dict]) -> tuple[list[str], Counter]:
        """Store impressions; ids already stored (or repeated in the batch) are skipped and counted."""
        rejected: Counter = Counter()
        if not rows:
            return [], rejected
        with self._session() as s, s.begin():
            ids = [r["id"] for r in rows if r.get("id")]
            existing = set(s.scalars(select(ImpressionRow.id).where(ImpressionRow.id.in_(ids))))
            stored, watermark, by_campaign = [], {}, {}
            for r in rows:
                rid = r.get("id") or new_id()
                if rid in existing:
                    rejected["duplicate_id"] += 1
                    by_campaign.setdefault(r["campaign_id"], Counter())["duplicate_id"] += 1
                    continue
                existing.add(rid)
                s.add(ImpressionRow(**{**r, "id": rid}))
                stored.append(rid)
                cid = r["campaign_id"]
                watermark[cid] = max(watermark.get(cid, 0.0), r["ts"])
            for cid, t in watermark.items():
                s.execute(
                    update(CampaignRow)
                    .where(CampaignRow.id == cid, CampaignRow.watermark < t)
                    .values(watermark=t)
                )
            for cid, counts in by_campaign.items():
                self._count_rejected(s, cid, counts)
        return stored, rejected

    def impressions(
        self, campaign_id: str, matured_only: bool = False, limit: int | None = None
    ) -> list[dict]:
        """A campaign's impressions in time order (optionally only those whose window has closed)."""
        query = select(ImpressionRow).where(ImpressionRow.campaign_id == campaign_id)
        with self._session() as s:
            if matured_only:
                camp = s.get(CampaignRow, campaign_id)
                window = float(camp.settings["attribution_window_s"])
                query = query.where(ImpressionRow.ts + window <= camp.watermark)
            query = query.order_by(ImpressionRow.ts, ImpressionRow.id)
            if limit is not None:
                query = query.limit(limit)
            return [impression_dict(r) for r in s.scalars(query)]

    def recent_views(self, campaign_id: str, user_id: str, since: float) -> Counter:
        """How many impressions of each variant a user got since a time (for the fatigue guard)."""
        query = (
            select(ImpressionRow.variant_id, func.count())
            .where(
                ImpressionRow.campaign_id == campaign_id,
                ImpressionRow.user_id == user_id,
                ImpressionRow.ts >= since,
            )
            .group_by(ImpressionRow.variant_id)
        )
        with self._session() as s:
            return Counter({v: int(n) for v, n in s.execute(query)})

    # feedback -----------------------------------------------------------------------------------
    def add_feedback(self, rows: list[dict]) -> tuple[Counter, Counter]:
        """Store clicks/conversions, join each to its impression; returns (status counts, rejected counts)."""
        statuses: Counter = Counter()
        rejected: Counter = Counter()
        if not rows:
            return statuses, rejected
        with self._session() as s, s.begin():
            ids = [r["id"] for r in rows]
            existing = set(s.scalars(select(FeedbackRow.id).where(FeedbackRow.id.in_(ids))))
            imp_ids = {r["impression_id"] for r in rows}
            impressions = {
                i.id: i for i in s.scalars(select(ImpressionRow).where(ImpressionRow.id.in_(imp_ids)))
            }
            windows: dict[str, float] = {}
            by_campaign: dict[str | None, Counter] = {}
            for r in rows:
                imp = impressions.get(r["impression_id"])
                campaign_id = imp.campaign_id if imp is not None else r.get("campaign_id")
                if r["id"] in existing:
                    by_campaign.setdefault(campaign_id, Counter())["duplicate_id"] += 1
                    rejected["duplicate_id"] += 1
                    continue
                existing.add(r["id"])
                if imp is not None and imp.campaign_id not in windows:
                    camp = s.get(CampaignRow, imp.campaign_id)
                    windows[imp.campaign_id] = float(camp.settings["attribution_window_s"])
                status = _join(imp, r, windows.get(campaign_id, 0.0))
                statuses[status] += 1
                s.add(FeedbackRow(**{**r, "campaign_id": campaign_id, "status": status}))
            for campaign_id, counts in by_campaign.items():
                if campaign_id is not None:
                    self._count_rejected(s, campaign_id, counts)
        return statuses, rejected

    def count_rejected(self, campaign_id: str, counts: Counter) -> None:
        """Add rows refused before storage to a campaign's per-reason counters."""
        if counts:
            with self._session() as s, s.begin():
                self._count_rejected(s, campaign_id, counts)

    @staticmethod
    def _count_rejected(s, campaign_id: str, counts: Counter) -> None:
        if not counts:
            return
        row = s.get(CampaignRow, campaign_id)
        if row is not None:
            merged = Counter(row.rejected or {})
            merged.update(counts)
            row.rejected = dict(merged)

    def feedback_counts(self, campaign_id: str) -> dict[str, dict[str, int]]:
        """kind -> status -> rows, for one campaign."""
        query = (
            select(FeedbackRow.kind, FeedbackRow.status, func.count())
            .where(FeedbackRow.campaign_id == campaign_id)
            .group_by(FeedbackRow.kind, FeedbackRow.status)
        )
        out: dict[str, dict[str, int]] = {k: {} for k in FEEDBACK_KINDS}
        with self._session() as s:
            for kind, status, n in s.execute(query):
                out[kind][status] = int(n)
        return out

    # learning -----------------------------------------------------------------------------------
    def unlearned_matured(self, campaign_id: str, limit: int) -> list[dict]:
        """Impressions whose attribution window closed (by the campaign's clock) and are not learned yet."""
        with self._session() as s:
            camp = s.get(CampaignRow, campaign_id)
            window = float(camp.settings["attribution_window_s"])
            query = (
                select(ImpressionRow)
                .where(
                    ImpressionRow.campaign_id == campaign_id,
                    ImpressionRow.learned.is_(False),
                    ImpressionRow.ts + window <= camp.watermark,
                )
                .order_by(ImpressionRow.ts, ImpressionRow.id)
                .limit(limit)
            )
            return [impression_dict(r) for r in s.scalars(query)]

    def count_unlearned_matured(self, campaign_id: str, limit: int) -> int:
        """How many impressions are ready to learn from (counting stops at `limit`)."""
        with self._session() as s:
            camp = s.get(CampaignRow, campaign_id)
            window = float(camp.settings["attribution_window_s"])
            inner = (
                select(ImpressionRow.id)
                .where(
                    ImpressionRow.campaign_id == campaign_id,
                    ImpressionRow.learned.is_(False),
                    ImpressionRow.ts + window <= camp.watermark,
                )
                .limit(limit)
                .subquery()
            )
            return int(s.scalar(select(func.count()).select_from(inner)))

    def commit_learning(self, campaign_id: str, ids: Iterable[str], state: dict, version: int) -> bool:
        """Save a new policy state and mark impressions learned, unless another learner got there first."""
        ids = list(ids)
        try:
            with self._session() as s, s.begin():
                done = s.execute(
                    update(CampaignRow)
                    .where(CampaignRow.id == campaign_id, CampaignRow.state_version == version)
                    .values(state=state, state_version=version + 1)
                )
                if done.rowcount != 1:
                    raise _Conflict
                for start in range(0, len(ids), 500):
                    s.execute(
                        update(ImpressionRow)
                        .where(ImpressionRow.id.in_(ids[start : start + 500]))
                        .values(learned=True)
                    )
        except _Conflict:
            return False
        return True


class _Conflict(Exception):
    """Another learner saved a newer policy state first (the transaction is rolled back)."""


def _join(imp: ImpressionRow | None, r: dict, window: float) -> str:
    """Attribute one feedback row to its impression and say what became of it."""
    if imp is None:
        return "orphan"
    if r["ts"] < imp.ts:
        return "before_impression"
    if r["ts"] > imp.ts + window:
        return "late"
    if r["kind"] == "click":
        if imp.clicked:
            return "repeat"
        imp.clicked = True
        return "after_learning" if imp.learned else "attributed"
    imp.conversions += 1
    imp.value += float(r.get("value") or 0.0)
    return "attributed"
