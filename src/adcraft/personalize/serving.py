"""The closed loop over one store: create campaigns, choose with logged propensities, take events, learn.

`CampaignServer(store)` is what the API routes and the CLI call; it holds no state of its own that
the database does not (a cached policy is rebuilt whenever the stored state version moves).
Learning is by event time: an impression is learned once the campaign's clock (its latest
impression time) has passed the impression's time plus the attribution window, so a click that
arrives inside the window is never learned as a non-click.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from adcraft.errors import InvalidInputError, NotFoundError
from adcraft.personalize.policy import CampaignPolicy, PolicySettings
from adcraft.store.campaigns import FEEDBACK_KINDS, epoch, iso

logger = logging.getLogger(__name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")  # ids and segment names (case-sensitive)
MAX_VARIANTS = 64  # more variants than this per campaign only dilutes the data each one gets
MAX_CONTEXT_KEYS = 16  # request context features kept per impression
MAX_TEXT = 128  # longest context value or element value
FATIGUE_PERIOD_S = 24 * 3600.0  # the fatigue guard counts views over this period
EVENT_KINDS = ("impression", *FEEDBACK_KINDS)


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise InvalidInputError(
            f"{what} {value!r} must be 1-64 letters, digits or _ . : - (starting with a letter or digit)"
        )
    return value


def _strings(value: Any, what: str, max_keys: int = MAX_CONTEXT_KEYS) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or len(value) > max_keys:
        raise InvalidInputError(f"{what} must be a mapping of at most {max_keys} names to strings")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or not NAME.match(k) or not isinstance(v, str) or len(v) > MAX_TEXT:
            raise InvalidInputError(
                f"{what} entry {k!r}: {v!r} must map a name to a string of at most {MAX_TEXT} characters"
            )
        out[k] = v
    return out


def validate_campaign(spec: Mapping[str, Any], creative_exists=None) -> tuple[dict, list[dict]]:
    """Check a campaign spec (id, name, segments, variants, settings, control): (campaign, variants)."""
    allowed = ("id", "name", "product_id", "segments", "variants", "settings", "control")
    unknown = sorted(set(spec) - set(allowed))
    if unknown:
        raise InvalidInputError(f"campaign field {unknown[0]!r} is unknown; allowed: {', '.join(allowed)}")
    cid = _name(spec.get("id"), "campaign id")
    segments = spec.get("segments")
    if not isinstance(segments, list) or not segments:
        raise InvalidInputError("campaign 'segments' must be a non-empty list of segment names")
    segments = [_name(s, "segment") for s in segments]
    if len(set(segments)) != len(segments):
        raise InvalidInputError(f"campaign segments {segments} repeat a name")
    variants = spec.get("variants")
    if not isinstance(variants, list) or not 1 <= len(variants) <= MAX_VARIANTS:
        raise InvalidInputError(f"campaign 'variants' must be a list of 1 to {MAX_VARIANTS} variants")
    out, seen = [], set()
    for i, v in enumerate(variants):
        variant = _validate_variant(i, v, segments, creative_exists)
        if variant["id"] in seen:
            raise InvalidInputError(f"variant id {variant['id']!r} is repeated")
        seen.add(variant["id"])
        out.append(variant)
    for segment in segments:
        if not any(v["segment"] in (None, segment) for v in out):
            raise InvalidInputError(
                f"segment {segment!r} has no variant (give one with that segment or none)"
            )
    control = spec.get("control", out[0]["id"])
    if control not in seen:
        raise NotFoundError(f"control {control!r} is not one of the variants: {', '.join(sorted(seen))}")
    settings = PolicySettings.from_dict(spec.get("settings")).to_dict()
    settings["control"] = control
    name = spec.get("name", cid)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInputError("campaign 'name' must be a non-empty string of at most 200 characters")
    campaign = {
        "id": cid,
        "name": name,
        "product_id": spec.get("product_id"),
        "segments": segments,
        "settings": settings,
    }
    return campaign, out


def _validate_variant(i: int, v: Any, segments: list[str], creative_exists) -> dict:
    """One variant of a campaign spec, checked: id, segment (one of the campaign's), elements, creatives."""
    if not isinstance(v, Mapping):
        raise InvalidInputError(f"variant {i} must be a mapping with id, elements and optional segment")
    extra = sorted(set(v) - {"id", "segment", "elements", "spec", "creatives"})
    if extra:
        raise InvalidInputError(f"variant {i} field {extra[0]!r} is unknown")
    vid = _name(v.get("id"), f"variant {i} id")
    segment = v.get("segment")
    if segment is not None and segment not in segments:
        raise NotFoundError(
            f"variant {vid!r} segment {segment!r} is not one of the campaign's segments: "
            f"{', '.join(segments)} (names are case-sensitive)"
        )
    elements = _strings(v.get("elements"), f"variant {vid!r} elements")
    if not elements:
        raise InvalidInputError(f"variant {vid!r} needs 'elements' (e.g. palette, template, headline)")
    creatives = _strings(v.get("creatives"), f"variant {vid!r} creatives", max_keys=32)
    for placement, creative_id in creatives.items():
        if creative_exists is not None and not creative_exists(creative_id):
            raise NotFoundError(
                f"variant {vid!r} placement {placement!r}: creative {creative_id!r} does not exist"
            )
    extra_spec = v.get("spec") or {}
    if not isinstance(extra_spec, Mapping):
        raise InvalidInputError(f"variant {vid!r} 'spec' must be a mapping")
    return {
        "id": vid,
        "segment": segment,
        "elements": elements,
        "spec": dict(extra_spec),
        "creatives": creatives,
    }


def _settings(campaign: Mapping[str, Any]) -> PolicySettings:
    return PolicySettings.from_dict({k: v for k, v in campaign["settings"].items() if k != "control"})


class CampaignServer:
    """Campaigns over a Store: choose with propensities, record events, learn, hand logs to reports/OPE."""

    def __init__(self, store) -> None:
        self.store = store
        self.campaigns = store.campaigns
        self._lock = threading.Lock()
        self._policies: dict[str, tuple[int, CampaignPolicy]] = {}
        self._variant_cache: dict[str, list[dict]] = {}
        self._since_check: dict[str, int] = {}

    # campaigns ----------------------------------------------------------------------------------
    def create(self, spec: Mapping[str, Any]) -> dict:
        """Validate and store a campaign; returns its record with variants."""

        def creative_exists(creative_id: str) -> bool:
            try:
                self.store.get_creative(creative_id)
            except NotFoundError:
                return False
            return True

        campaign, variants = validate_campaign(spec, creative_exists)
        if campaign["product_id"] is not None:
            self.store.get_product(campaign["product_id"])
        self.campaigns.create(campaign, variants)
        return self.get(campaign["id"])

    def get(self, campaign_id: str) -> dict:
        """The campaign with its variants (state left out)."""
        campaign = self.campaigns.get(campaign_id)
        return {
            **campaign,
            "watermark": iso(campaign["watermark"] or None),
            "variants": self.campaigns.variants(campaign_id),
        }

    def policy(self, campaign: Mapping[str, Any]) -> CampaignPolicy:
        """The campaign's policy at its stored state (cached until the state version moves)."""
        with self._lock:
            cached = self._policies.get(campaign["id"])
            if cached is None or cached[0] != campaign["state_version"]:
                version, state = self.campaigns.state(campaign["id"])
                cached = (version, CampaignPolicy(_settings(campaign), state))
                self._policies[campaign["id"]] = cached
            return cached[1]

    def _variants(self, campaign_id: str) -> list[dict]:
        """A campaign's variants (fixed once created, so read once per process)."""
        with self._lock:
            if campaign_id not in self._variant_cache:
                self._variant_cache[campaign_id] = self.campaigns.variants(campaign_id)
            return self._variant_cache[campaign_id]

    def _due(self, campaign_id: str, learn_batch: int) -> bool:
        """Whether enough impressions have matured to learn (the count is checked every tenth batch)."""
        with self._lock:
            n = self._since_check.get(campaign_id, 0) + 1
            self._since_check[campaign_id] = n
            if n < max(1, learn_batch // 10):
                return False
            self._since_check[campaign_id] = 0
        return self.campaigns.count_unlearned_matured(campaign_id, learn_batch) >= learn_batch

    @staticmethod
    def _check_segment(campaign: Mapping[str, Any], segment: Any) -> str:
        if segment not in campaign["segments"]:
            raise NotFoundError(
                f"segment {segment!r} is not one of campaign {campaign['id']!r}'s segments: "
                f"{', '.join(campaign['segments'])} (names are case-sensitive)"
            )
        return segment

    # choosing -----------------------------------------------------------------------------------
    def choose(
        self,
        campaign_id: str,
        segment: str,
        placement: str | None = None,
        context: Mapping[str, str] | None = None,
        user_id: str | None = None,
        timestamp: str | float | None = None,
        seed: int | None = None,
        impression_id: str | None = None,
    ) -> dict:
        """Pick a variant for a context, log the impression with its propensity, and return both."""
        campaign = self.campaigns.get(campaign_id)
        self._check_segment(campaign, segment)
        context = _strings(context, "context")
        if placement is not None:
            _name(placement, "placement")
        if impression_id is not None:
            _name(impression_id, "impression id")
        ts = epoch(timestamp)
        settings = _settings(campaign)
        if self._due(campaign_id, settings.learn_batch):
            self.learn(campaign_id)
            campaign = self.campaigns.get(campaign_id)
        variants = [v for v in self._variants(campaign_id) if v["segment"] in (None, segment)]
        if placement is not None and any(v["creatives"] for v in variants):
            variants = [v for v in variants if placement in v["creatives"]]
            if not variants:
                raise NotFoundError(
                    f"campaign {campaign_id!r} has no variant rendered for placement "
                    f"{placement!r} and segment {segment!r}"
                )
        fatigued = False
        if settings.fatigue_per_user_day is not None and user_id is not None:
            views = self.campaigns.recent_views(campaign_id, user_id, ts - FATIGUE_PERIOD_S)
            fresh = [v for v in variants if views[v["id"]] < settings.fatigue_per_user_day]
            fatigued = not fresh
            variants = fresh or variants  # every variant tired: keep them all, and say so
        ids = [v["id"] for v in variants]
        features = CampaignPolicy.features(segment, placement, context)
        rng = np.random.default_rng(seed)
        probs = self.policy(campaign).probabilities(features, ids, [v["elements"] for v in variants], rng)
        k = int(rng.choice(len(ids), p=probs))
        stored, rejected = self.campaigns.add_impressions(
            [
                {
                    "id": impression_id,
                    "campaign_id": campaign_id,
                    "variant_id": ids[k],
                    "segment": segment,
                    "placement": placement,
                    "user_id": user_id,
                    "context": context,
                    "propensity": float(probs[k]),
                    "policy": settings.policy,
                    "ts": ts,
                }
            ]
        )
        if not stored:
            raise InvalidInputError(f"impression id {impression_id!r} was already used")
        chosen = variants[k]
        return {
            "impression_id": stored[0],
            "campaign_id": campaign_id,
            "variant": chosen,
            "creative_id": chosen["creatives"].get(placement) if placement else None,
            "propensity": float(probs[k]),
            "probabilities": dict(zip(ids, map(float, probs), strict=True)),
            "policy": settings.policy,
            "segment": segment,
            "fatigued": fatigued,
        }

    # events -------------------------------------------------------------------------------------
    def record_events(self, events: Iterable[Mapping[str, Any]]) -> dict:
        """Store impressions, clicks and conversions; every row is stored once or counted under a reason."""
        impressions, feedback = [], []
        rejected: Counter = Counter()
        errors: list[dict] = []
        campaigns: dict[str, dict | None] = {}
        per_campaign: dict[str, Counter] = {}

        def refuse(i: int, reason: str, detail: str, campaign_id: str | None = None) -> None:
            rejected[reason] += 1
            if len(errors) < 20:
                errors.append({"index": i, "reason": reason, "detail": detail})
            if campaign_id:
                per_campaign.setdefault(campaign_id, Counter())[reason] += 1

        for i, e in enumerate(events):
            kind = e.get("kind")
            if kind not in EVENT_KINDS or not e.get("id"):
                refuse(i, "missing_field", f"needs an 'id' and a kind in {', '.join(EVENT_KINDS)}")
                continue
            try:
                ts = epoch(e.get("timestamp"))
            except InvalidInputError as exc:
                refuse(i, "missing_field", str(exc))
                continue
            if kind != "impression":
                value = float(e.get("value") or 0.0)
                if value < 0 or not np.isfinite(value):
                    refuse(i, "negative_value", f"value {value} must be >= 0", e.get("campaign_id"))
                    continue
                if not e.get("impression_id"):
                    refuse(i, "missing_field", f"a {kind} needs the 'impression_id' it belongs to")
                    continue
                feedback.append(
                    {
                        "id": str(e["id"]),
                        "kind": kind,
                        "impression_id": str(e["impression_id"]),
                        "campaign_id": e.get("campaign_id"),
                        "ts": ts,
                        "value": value,
                    }
                )
                continue
            row = self._impression_row(i, e, ts, campaigns, refuse)
            if row is not None:
                impressions.append(row)
        for campaign_id, counts in per_campaign.items():  # one write per campaign, not per row
            self.campaigns.count_rejected(campaign_id, counts)
        stored, dupes = self.campaigns.add_impressions(impressions)
        rejected.update(dupes)
        statuses, fb_dupes = self.campaigns.add_feedback(feedback)
        rejected.update(fb_dupes)
        return {
            "impressions": len(stored),
            "feedback": dict(statuses),
            "rejected": dict(rejected),
            "errors": errors,
        }

    def _impression_row(
        self, i: int, e: Mapping[str, Any], ts: float, campaigns: dict, refuse
    ) -> dict | None:
        cid = e.get("campaign_id")
        if cid not in campaigns:
            try:
                campaigns[cid] = self.campaigns.get(cid) if cid else None
                if campaigns[cid] is not None:
                    campaigns[cid]["variant_ids"] = {v["id"] for v in self.campaigns.variants(cid)}
            except NotFoundError:
                campaigns[cid] = None
        campaign = campaigns[cid]
        if campaign is None:
            refuse(i, "unknown_campaign", f"campaign {cid!r} does not exist")
            return None
        if e.get("variant_id") not in campaign["variant_ids"]:
            refuse(i, "unknown_variant", f"variant {e.get('variant_id')!r} is not in campaign {cid!r}", cid)
            return None
        if e.get("segment") not in campaign["segments"]:
            refuse(
                i,
                "unknown_segment",
                f"segment {e.get('segment')!r} is not one of "
                f"{', '.join(campaign['segments'])} (case-sensitive)",
                cid,
            )
            return None
        p = e.get("propensity")
        if p is not None and not (isinstance(p, (int, float)) and 0 < p <= 1):
            refuse(i, "bad_propensity", f"propensity {p!r} must be in (0, 1]", cid)
            return None
        try:
            context = _strings(e.get("context"), "context")
        except InvalidInputError as exc:
            refuse(i, "missing_field", str(exc), cid)
            return None
        return {
            "id": str(e["id"]),
            "campaign_id": cid,
            "variant_id": e["variant_id"],
            "segment": e["segment"],
            "placement": e.get("placement"),
            "user_id": e.get("user_id"),
            "context": context,
            "propensity": None if p is None else float(p),
            "policy": str(e.get("policy") or "external")[:32],
            "ts": ts,
        }

    # learning -----------------------------------------------------------------------------------
    def learn(self, campaign_id: str, max_rows: int = 5000) -> int:
        """Fold matured, unlearned impressions into the campaign's policy; returns how many."""
        for _attempt in range(3):
            campaign = self.campaigns.get(campaign_id)
            rows = self.campaigns.unlearned_matured(campaign_id, max_rows)
            if not rows:
                return 0
            version, state = self.campaigns.state(campaign_id)
            policy = CampaignPolicy(_settings(campaign), state)
            elements = {v["id"]: v["elements"] for v in self.campaigns.variants(campaign_id)}
            policy.learn(rows, elements)
            if self.campaigns.commit_learning(campaign_id, [r["id"] for r in rows], policy.state(), version):
                logger.info("campaign %s learned %d impressions", campaign_id, len(rows))
                return len(rows)
        logger.warning("campaign %s: learning lost the race three times; will retry later", campaign_id)
        return 0
