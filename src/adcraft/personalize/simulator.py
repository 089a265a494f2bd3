"""A market simulator with a hidden ground-truth click model, and policy races on it.

Ground truth: logit CTR = base + segment bias + Σ_element effect[segment, element value]
+ effect[device, template] + idiosyncratic noise per (segment, creative); CTRs are then clipped to
the realistic 0.5–5% band. Policies only see contexts, their own choices and the sampled clicks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from adcraft.errors import InvalidInputError
from adcraft.personalize.bandits import ContextualThompsonSelector, ThompsonSelector
from adcraft.personalize.events import Event

logger = logging.getLogger(__name__)

SEGMENTS = ("young_women_fashion", "students_budget", "professionals", "parents", "seniors", "sporty")
ELEMENT_VALUES = {
    "palette": ("pink", "red_yellow", "navy", "teal"),
    "template": ("lifestyle", "promo", "minimal", "bold"),
    "headline": ("h0", "h1", "h2"),
    "cta": ("c0", "c1", "c2"),
}
DEVICES = ("mobile", "desktop")
POLICIES = ("random", "best_fixed", "segment_thompson", "contextual")


@dataclass(frozen=True)
class MarketConfig:
    """Shape and strength of the hidden click model."""

    n_creatives: int = 16  # distinct creatives (element combinations) on offer
    base_ctr: float = 0.015  # typical CTR before segment and element effects
    segment_effect: float = 0.3  # std of per-segment logit offsets
    element_effect: float = 0.35  # std of segment × element-value logit effects
    device_effect: float = 0.25  # std of device × template logit effects
    creative_noise: float = 0.15  # std of (segment, creative) effects no feature explains
    ctr_min: float = 0.005  # true CTRs are clipped into [ctr_min, ctr_max]
    ctr_max: float = 0.05
    device_share: tuple[float, float] = (0.7, 0.3)  # mobile vs desktop traffic


@dataclass
class Market:
    """A drawn market: creatives with their elements and the true CTR of every (segment, device, creative)."""

    creatives: list[dict[str, str]]
    ctr: np.ndarray  # (n_segments, n_devices, n_creatives)
    config: MarketConfig = field(default_factory=MarketConfig)

    @classmethod
    def draw(cls, config: MarketConfig, seed: int) -> Market:
        """Draw creatives and a hidden click model from a seed."""
        rng = np.random.default_rng(seed)
        grid = np.array(np.meshgrid(*[range(len(v)) for v in ELEMENT_VALUES.values()])).reshape(4, -1).T
        if not 2 <= config.n_creatives <= len(grid):
            raise InvalidInputError(f"n_creatives={config.n_creatives} must be between 2 and {len(grid)}")
        picks = grid[rng.choice(len(grid), config.n_creatives, replace=False)]
        creatives = [{k: ELEMENT_VALUES[k][i] for k, i in zip(ELEMENT_VALUES, row)} for row in picks]
        S, D, K = len(SEGMENTS), len(DEVICES), config.n_creatives
        z = np.full((S, D, K), logit(config.base_ctr)) + config.segment_effect * rng.standard_normal(
            (S, 1, 1)
        )
        for e, name in enumerate(ELEMENT_VALUES):
            effect = config.element_effect * rng.standard_normal((S, len(ELEMENT_VALUES[name])))
            z += effect[:, picks[:, e]][:, None, :]
        template = list(ELEMENT_VALUES).index("template")
        z += (config.device_effect * rng.standard_normal((D, len(ELEMENT_VALUES["template"]))))[None][
            :, :, picks[:, template]
        ]
        z += config.creative_noise * rng.standard_normal((S, 1, K))
        return cls(creatives, np.clip(expit(z), config.ctr_min, config.ctr_max), config)

    def sample_contexts(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n (segment index, device index) pairs: segments uniform, devices by traffic share."""
        return rng.integers(0, len(SEGMENTS), n), rng.choice(len(DEVICES), n, p=self.config.device_share)


Chooser = Callable[[int, int, np.random.Generator], int]


class _Policy:
    """Adapter from the simulator loop to a selector: choose per impression, learn per batch."""

    def __init__(self, name: str, market: Market, contexts: tuple[np.ndarray, np.ndarray]) -> None:
        self.name, self.market = name, market
        self.ids = [f"cr{k}" for k in range(len(market.creatives))]
        K = len(self.ids)
        mean_ctr = market.ctr[contexts[0], contexts[1]].mean(axis=0)  # (K,) over the realised contexts
        self.best_fixed = int(np.argmax(mean_ctr))
        if name == "segment_thompson":
            self.selector = ThompsonSelector()
        elif name == "contextual":
            self.selector = ContextualThompsonSelector()
            # the design of every (segment, device) context is fixed, so build it once
            self.designs = {
                (s, d): self.selector.design(
                    [{"segment": SEGMENTS[s], "device": DEVICES[d]}] * K, market.creatives
                )
                for s in range(len(SEGMENTS))
                for d in range(len(DEVICES))
            }

    def choose(self, s: int, d: int, rng: np.random.Generator) -> int:
        """The creative index shown to one impression."""
        if self.name == "random":
            return int(rng.integers(len(self.ids)))
        if self.name == "best_fixed":
            return self.best_fixed
        if self.name == "segment_thompson":
            return self.ids.index(self.selector.select(SEGMENTS[s], self.ids, rng))
        return int(np.argmax(self.selector.scores(self.designs[(s, d)], rng)))

    def learn(self, seg: np.ndarray, dev: np.ndarray, arms: np.ndarray, clicks: np.ndarray) -> None:
        """Feed a batch of outcomes back as events."""
        if self.name in ("random", "best_fixed"):
            return
        self.selector.update(
            Event(
                creative_id=self.ids[a],
                segment=SEGMENTS[s],
                clicked=bool(c),
                context={"device": DEVICES[d]},
                elements=self.market.creatives[a],
            )
            for s, d, a, c in zip(seg, dev, arms, clicks)
        )


@dataclass
class RunResult:
    """One policy on one seed."""

    policy: str
    clicks: int
    impressions: int
    regret: np.ndarray  # cumulative expected regret after each impression

    @property
    def ctr(self) -> float:
        """Realised click-through rate."""
        return self.clicks / self.impressions


def run_policies(
    impressions: int = 20000,
    seed: int = 0,
    batch_size: int = 200,
    config: MarketConfig | None = None,
    policies: tuple[str, ...] = POLICIES,
) -> dict[str, RunResult]:
    """Race the policies on one drawn market with the same contexts and click draws (common random numbers)."""
    unknown = [p for p in policies if p not in POLICIES]
    if unknown or impressions < batch_size or batch_size < 1:
        raise InvalidInputError(
            f"policies {unknown} must be in {POLICIES}; impressions={impressions} must be "
            f">= batch_size={batch_size} >= 1"
        )
    market = Market.draw(config or MarketConfig(), seed)
    rng = np.random.default_rng([seed, 1])
    seg, dev = market.sample_contexts(impressions, rng)
    uniforms = rng.random(impressions)  # click if u < true CTR: the same luck for every policy
    best = market.ctr[seg, dev].max(axis=1)  # (T,) the per-context oracle's expected CTR
    results = {}
    for name in policies:
        policy, prng = _Policy(name, market, (seg, dev)), np.random.default_rng([seed, 2])
        arms = np.empty(impressions, dtype=int)
        for start in range(0, impressions, batch_size):
            stop = min(start + batch_size, impressions)
            for t in range(start, stop):
                arms[t] = policy.choose(seg[t], dev[t], prng)
            sl = slice(start, stop)
            policy.learn(seg[sl], dev[sl], arms[sl], uniforms[sl] < market.ctr[seg[sl], dev[sl], arms[sl]])
        p = market.ctr[seg, dev, arms]
        results[name] = RunResult(name, int((uniforms < p).sum()), impressions, np.cumsum(best - p))
        logger.info(
            "seed %d %s: CTR %.4f regret %.1f", seed, name, results[name].ctr, results[name].regret[-1]
        )
    return results


@dataclass(frozen=True)
class PolicySummary:
    """A policy's results over seeds: mean and standard deviation."""

    policy: str
    ctr_mean: float
    ctr_std: float
    lift_vs_random: float  # mean over seeds of CTR / random policy's CTR (nan without a random run)
    regret_mean: float
    regret_std: float
    half_ratio: float  # regret gained in the second half / first half (< 1 means sublinear)
    loglog_slope: float  # slope of log regret vs log t over the second half (1 = linear)
    curve: np.ndarray  # mean cumulative regret per impression


def summarise(runs: list[dict[str, RunResult]]) -> list[PolicySummary]:
    """Aggregate run_policies outputs over seeds."""
    summaries = []
    for name in runs[0]:
        ctr = np.array([r[name].ctr for r in runs])
        lift = (
            float(np.mean([r[name].ctr / r["random"].ctr for r in runs])) if "random" in runs[0] else np.nan
        )
        curves = np.stack([r[name].regret for r in runs])
        curve = curves.mean(axis=0)
        T = len(curve)
        first, total = curve[T // 2 - 1], curve[-1]
        t = np.arange(T // 2, T)
        slope = float(np.polyfit(np.log(t + 1), np.log(np.maximum(curve[t], 1e-9)), 1)[0])
        summaries.append(
            PolicySummary(
                name,
                float(ctr.mean()),
                float(ctr.std()),
                lift,
                float(curves[:, -1].mean()),
                float(curves[:, -1].std()),
                float((total - first) / max(first, 1e-9)),
                slope,
                curve,
            )
        )
    return summaries


def simulate(
    impressions: int = 20000,
    seeds: int = 3,
    batch_size: int = 200,
    config: MarketConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PolicySummary]:
    """Run every policy on `seeds` drawn markets and summarise CTR and regret."""
    runs = []
    for seed in range(seeds):
        runs.append(run_policies(impressions, seed, batch_size, config))
        if progress is not None:
            progress(seed)
    return summarise(runs)
