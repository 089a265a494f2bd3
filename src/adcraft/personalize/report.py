"""A campaign report a marketer can act on, and the campaign's own log as off-policy-evaluation input.

Per segment and variant: impressions, clicks, CTR with a Wilson 95 % interval, conversions and
value, the posterior probability that the variant has the best CTR among those the segment is
offered, and its lift over the segment's control with a 95 % credible interval (both from Beta
posteriors that start at the campaign's CTR prior; the control is the campaign's, or the
segment's first variant when the campaign's is not offered to it). The
policy's estimated value is the SNIPS estimate of the current policy's CTR on the campaign's own
logged impressions (those with a propensity whose attribution window has closed).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from adcraft.personalize.ope import BanditLog, estimate_policy_value
from adcraft.personalize.policy import CampaignPolicy
from adcraft.store.campaigns import iso

Z95 = float(norm.ppf(0.975))
CSV_COLUMNS = (
    "segment", "variant", "impressions", "clicks", "ctr", "ctr_low", "ctr_high", "p_best",
    "lift", "lift_low", "lift_high", "conversions", "value",
)  # fmt: skip


def wilson(clicks: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (sensible at 0 clicks and small n)."""
    if n == 0:
        return 0.0, 1.0
    p = clicks / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def campaign_log(server, campaign_id: str) -> tuple[BanditLog, list[dict], list[dict]]:
    """The campaign's matured impressions with propensities as a BanditLog; also (rows, variants)."""
    variants = server.campaigns.variants(campaign_id)
    index = {v["id"]: k for k, v in enumerate(variants)}
    rows = [
        r for r in server.campaigns.impressions(campaign_id, matured_only=True)
        if r["propensity"] is not None and r["variant_id"] in index
    ]  # fmt: skip
    keys = sorted({k for r in rows for k in r["context"]})
    contexts = pd.DataFrame(
        {
            "ctx.segment": [r["segment"] for r in rows],
            "ctx.placement": [r["placement"] or "any" for r in rows],
            **{f"ctx.{k}": [r["context"].get(k, "") for r in rows] for k in keys},
        }
    )
    element_keys = sorted({k for v in variants for k in v["elements"]})
    features = pd.DataFrame(
        {"el.variant": [v["id"] for v in variants]}
        | {f"el.{k}": [v["elements"].get(k, "") for v in variants] for k in element_keys}
    )
    eligible = np.array([[v["segment"] in (None, r["segment"]) for v in variants] for r in rows], dtype=bool)
    log = BanditLog(
        contexts,
        np.array([index[r["variant_id"]] for r in rows], dtype=int),
        np.array([float(r["clicked"]) for r in rows]),
        np.array([r["propensity"] for r in rows], dtype=float),
        features,
        eligible=eligible.reshape(len(rows), len(variants)),
    )
    return log, rows, variants


def policy_probabilities(
    policy: CampaignPolicy, rows: list[dict], variants: list[dict], seed: int = 0
) -> np.ndarray:
    """(n, n_variants) probabilities the given policy would choose with, for each logged context."""
    probs = np.zeros((len(rows), len(variants)))
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        key = (r["segment"], r["placement"], tuple(sorted(r["context"].items())))
        groups.setdefault(key, []).append(i)
    rng = np.random.default_rng(seed)
    for (segment, placement, context), members in groups.items():
        cols = [k for k, v in enumerate(variants) if v["segment"] in (None, segment)]
        features = CampaignPolicy.features(segment, placement, dict(context))
        p = policy.probabilities(
            features, [variants[k]["id"] for k in cols], [variants[k]["elements"] for k in cols], rng
        )
        probs[np.ix_(members, cols)] = p
    return probs


def _segment_table(
    rows: list[dict],
    variants: list[dict],
    settings: Mapping[str, Any],
    n_draws: int,
    rng: np.random.Generator,
) -> list[dict]:
    """Rows for one segment's candidates: P(best) and lift compare only what that segment was offered."""
    n = Counter(r["variant_id"] for r in rows)
    clicks = Counter(r["variant_id"] for r in rows if r["clicked"])
    conversions, value = Counter(), Counter()
    for r in rows:
        conversions[r["variant_id"]] += r["conversions"]
        value[r["variant_id"]] += r["value"]
    a0 = settings["prior_ctr"] * settings["prior_weight"]
    b0 = (1 - settings["prior_ctr"]) * settings["prior_weight"]
    ids = [v["id"] for v in variants]
    draws = np.stack([rng.beta(a0 + clicks[i], b0 + n[i] - clicks[i], size=n_draws) for i in ids])  # (K, D)
    p_best = np.bincount(draws.argmax(axis=0), minlength=len(ids)) / n_draws
    control = ids.index(settings["control"]) if settings.get("control") in ids else 0
    lift = draws / draws[control] - 1
    table = []
    for k, i in enumerate(ids):
        low, high = wilson(clicks[i], n[i])
        lift_low, lift_mid, lift_high = np.quantile(lift[k], [0.025, 0.5, 0.975])
        table.append(
            {
                "variant": i,
                "impressions": n[i],
                "clicks": clicks[i],
                "ctr": clicks[i] / n[i] if n[i] else 0.0,
                "ctr_low": low,
                "ctr_high": high,
                "p_best": float(p_best[k]),
                "lift": float(lift_mid),
                "lift_low": float(lift_low),
                "lift_high": float(lift_high),
                "conversions": int(conversions[i]),
                "value": float(value[i]),
                "control": k == control,
            }
        )
    return table


def campaign_report(server, campaign_id: str, n_draws: int = 20000, seed: int = 0) -> dict:
    """Impressions, clicks, CTR intervals, P(best), lift over control and the policy's estimated value."""
    campaign = server.campaigns.get(campaign_id)
    variants = server.campaigns.variants(campaign_id)
    rows = server.campaigns.impressions(campaign_id)
    rng = np.random.default_rng(seed)
    table = []
    for segment in campaign["segments"]:
        offered = [v for v in variants if v["segment"] in (None, segment)]
        mine = [r for r in rows if r["segment"] == segment]
        for row in _segment_table(mine, offered, campaign["settings"], n_draws, rng):
            table.append({"segment": segment, **row})
    log, logged, _ = campaign_log(server, campaign_id)
    value = None
    if len(log) >= 2:
        probs = policy_probabilities(server.policy(campaign), logged, variants, seed)
        est = {e.estimator: e for e in estimate_policy_value(log, probs)}
        observed = float(log.rewards.mean())
        half = Z95 * float(log.rewards.std(ddof=1)) / np.sqrt(len(log))
        value = {
            "n": len(log),
            "logged_ctr": observed,
            "logged_ctr_low": observed - half,
            "logged_ctr_high": observed + half,
            "estimated_ctr": est["SNIPS"].value,
            "estimated_ctr_low": est["SNIPS"].ci_low,
            "estimated_ctr_high": est["SNIPS"].ci_high,
            "estimator": "SNIPS",
        }
    clicks = sum(t["clicks"] for t in table)
    return {
        "campaign_id": campaign_id,
        "name": campaign["name"],
        "policy": campaign["settings"]["policy"],
        "impressions": len(rows),
        "clicks": clicks,
        "ctr": clicks / len(rows) if rows else 0.0,
        "learned": sum(r["learned"] for r in rows),
        "clock": iso(campaign["watermark"] or None),
        "variants": table,
        "policy_value": value,
        "feedback": server.campaigns.feedback_counts(campaign_id),
        "rejected": campaign["rejected"],
    }


def report_csv(report: Mapping[str, Any]) -> str:
    """The per-variant table of a report as CSV text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report["variants"]:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_COLUMNS})
    return buf.getvalue()
