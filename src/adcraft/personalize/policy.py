"""Serving policies for a campaign: settings, action probabilities with a floor and a cap, learning.

A policy turns (context, candidate variants) into a probability for every candidate, and the
server samples the shown variant from exactly those probabilities, so the logged propensity is the
probability the choice was really made with (what off-policy evaluation needs). Thompson sampling
has no closed form for that probability; it is the share of `n_draws` posterior draws in which a
variant wins, and that share *is* the distribution sampled from, not an estimate of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from scipy.special import logit

from adcraft.errors import ConfigError
from adcraft.personalize.bandits import ContextualThompsonSelector, ThompsonSelector
from adcraft.personalize.events import Event

POLICY_KINDS = ("contextual", "segment_thompson", "uniform")


@dataclass(frozen=True)
class PolicySettings:
    """How a campaign chooses, explores, learns and attributes."""

    policy: str = "contextual"  # one of POLICY_KINDS
    prior_ctr: float = 0.01  # cold-start CTR belief (display ads: 0.3-2 % is normal)
    prior_weight: float = 200.0  # how many impressions that belief is worth
    floor: float = 0.05  # share of traffic spread uniformly over the candidates (exploration floor)
    cap: float = 0.9  # no candidate gets more than this probability (at least 1/candidates)
    fatigue_per_user_day: int | None = None  # a user sees one variant at most this often per 24 h
    attribution_window_s: float = 3600.0  # a click counts for its impression within this many seconds
    n_draws: int = 256  # posterior draws behind each propensity
    learn_batch: int = 50  # matured impressions that trigger a learning step at choose time
    n_features: int = 2**12  # hash space of the contextual model

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PolicySettings:
        """Validate settings; unknown keys, wrong types and out-of-range values raise ConfigError."""
        data = dict(data or {})
        allowed = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ConfigError(f"campaign setting {unknown[0]!r} is unknown; allowed: {', '.join(allowed)}")
        settings = cls(**data)
        settings.check()
        return settings

    def check(self) -> None:
        """Raise ConfigError naming the first bad value."""
        for name in ("prior_ctr", "prior_weight", "floor", "cap", "attribution_window_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise self._bad(name, "a finite number")
        rules = (
            ("policy", self.policy in POLICY_KINDS, f"one of {', '.join(POLICY_KINDS)}"),
            ("prior_ctr", 0 < self.prior_ctr < 1, "in (0, 1)"),
            ("prior_weight", self.prior_weight > 0, "> 0"),
            ("floor", 0 <= self.floor < 1, "in [0, 1)"),
            ("cap", 0 < self.cap <= 1, "in (0, 1]"),
            ("attribution_window_s", self.attribution_window_s >= 0, ">= 0"),
        )
        for name, ok, rule in rules:
            if not ok:
                raise self._bad(name, rule)
        integers = {"n_draws": (16, 100_000), "learn_batch": (1, 100_000), "n_features": (16, 2**20)}
        for name, (low, high) in integers.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise self._bad(name, f"an integer in [{low}, {high}]")
        f = self.fatigue_per_user_day
        if f is not None and (isinstance(f, bool) or not isinstance(f, int) or f < 1):
            raise self._bad("fatigue_per_user_day", "a positive integer or null")

    def _bad(self, name: str, rule: str) -> ConfigError:
        return ConfigError(f"campaign setting {name}={getattr(self, name)!r} must be {rule}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly settings."""
        return asdict(self)


def shape_probabilities(p: np.ndarray, floor: float, cap: float) -> np.ndarray:
    """Mix in a uniform floor, then cap every probability and hand the excess to the others."""
    p = np.asarray(p, dtype=float)
    k = len(p)
    p = (1 - floor) * p / p.sum() + floor / k
    cap = max(cap, 1.0 / k)
    for _ in range(k):
        over = p > cap + 1e-12
        if not over.any():
            break
        excess = (p[over] - cap).sum()
        p[over] = cap
        room = ~over & (p < cap)
        p[room] += excess * p[room] / p[room].sum()
    return p / p.sum()


def _argmax_shares(scores: np.ndarray) -> np.ndarray:
    """(K, M) sampled scores -> the share of the M draws each of the K candidates wins."""
    wins = np.bincount(scores.argmax(axis=0), minlength=scores.shape[0])
    return wins / scores.shape[1]


class CampaignPolicy:
    """A policy over a campaign's variants: probabilities for a context, learning from impressions."""

    def __init__(self, settings: PolicySettings, state: Mapping[str, Any] | None = None) -> None:
        self.settings = settings
        s = settings
        if s.policy == "contextual":
            if state:
                self.model = ContextualThompsonSelector.from_dict(state)
            else:
                self.model = ContextualThompsonSelector(n_features=s.n_features)
                self.model.mean[-1] = logit(s.prior_ctr)  # the bias starts at the prior CTR
                self.model.precision[-1] = s.prior_weight * s.prior_ctr * (1 - s.prior_ctr)
        elif s.policy == "segment_thompson":
            alpha, beta = s.prior_ctr * s.prior_weight, (1 - s.prior_ctr) * s.prior_weight
            self.model = ThompsonSelector.from_dict(state) if state else ThompsonSelector(alpha, beta)
        else:
            self.model = None

    @staticmethod
    def features(segment: str, placement: str | None, context: Mapping[str, str]) -> dict[str, str]:
        """The context the contextual model sees: segment, placement and the request's own features."""
        return {"segment": segment, "placement": placement or "any", **context}

    def raw_probabilities(
        self,
        features: Mapping[str, str],
        ids: Sequence[str],
        elements: Sequence[Mapping[str, str]],
        rng: np.random.Generator,
    ) -> np.ndarray:
        """The policy's own choice probabilities, before the floor and cap."""
        k, m = len(ids), self.settings.n_draws
        if self.model is None or k == 1:
            return np.full(k, 1.0 / k)
        if isinstance(self.model, ThompsonSelector):
            alpha, beta = self.model.posterior(features["segment"], list(ids))
            return _argmax_shares(rng.beta(alpha[:, None], beta[:, None], size=(k, m)))
        X = self.model.design([features] * k, elements)  # (K, D), CSR
        active = np.unique(X.indices)  # CSR column indices: only the weights these candidates touch
        mean = self.model.mean[active]
        std = self.model.exploration / np.sqrt(self.model.precision[active])
        W = mean[:, None] + std[:, None] * rng.standard_normal((active.size, m))  # (D_active, M)
        return _argmax_shares(np.asarray(X[:, active] @ W))

    def probabilities(
        self,
        features: Mapping[str, str],
        ids: Sequence[str],
        elements: Sequence[Mapping[str, str]],
        rng: np.random.Generator,
    ) -> np.ndarray:
        """What the server samples from: the policy's probabilities with the floor and the cap."""
        raw = self.raw_probabilities(features, ids, elements, rng)
        return shape_probabilities(raw, self.settings.floor, self.settings.cap)

    def learn(
        self, impressions: Sequence[Mapping[str, Any]], elements: Mapping[str, Mapping[str, str]]
    ) -> int:
        """Fold matured impressions (clicked or not) into the posterior; returns how many were used."""
        if self.model is None or not impressions:
            return 0
        events = [
            Event(
                creative_id=i["variant_id"],
                segment=i["segment"],
                clicked=bool(i["clicked"]),
                context={
                    k: v
                    for k, v in self.features(i["segment"], i["placement"], i["context"]).items()
                    if k != "segment"
                },
                elements=dict(elements.get(i["variant_id"], {})),
            )
            for i in impressions
        ]
        return self.model.update(events)

    def state(self) -> dict[str, Any]:
        """JSON-friendly learned state."""
        return {} if self.model is None else self.model.to_dict()
