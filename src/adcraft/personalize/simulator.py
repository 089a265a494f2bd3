"""A market simulator whose hidden click model is configured apart from any policy's model.

The world scores a campaign's real variants (their element features from `generate_variants`) with
effects the policies do not model: element × element interactions (palette × template, headline ×
CTA), a placement (position) factor, per-(segment, variant) noise, and optionally segment ×
element effects. Each segment's CTRs are then set to realistic levels: a base CTR drawn in
0.3–1 % and a best variant that beats the segment's average variant by 10–30 % (published
creative-optimisation lifts are +4–10 %, AutoCO and Shopee CG4CTR; the top of the range is generous).

Worlds (WORLDS):
- `segmented`: what is best depends on the segment (segment × element effects + interactions).
- `one_best`: one fixed creative is best for every segment; segments differ only in CTR level.
- `no_segment`: segments do not matter at all; element effects and interactions are common.

Policies race on the same contexts and click luck (common random numbers); the two learners start
from the same CTR prior and keep the same exploration floor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from adcraft.errors import InvalidInputError
from adcraft.personalize.events import Event
from adcraft.personalize.policy import CampaignPolicy, PolicySettings

logger = logging.getLogger(__name__)

WORLDS = ("segmented", "one_best", "no_segment")
POLICIES = ("random", "best_fixed", "segment_thompson", "contextual")
PLACEMENTS = ("feed", "sidebar", "banner")
PLACEMENT_FACTOR = (1.0, 0.7, 0.5)  # CTR multiplier by slot: the same for every variant (a position effect)
INTERACTIONS = (("palette", "template"), ("headline", "cta"))  # element crosses no policy models


@dataclass(frozen=True)
class WorldConfig:
    """Shape and strength of the hidden click model."""

    world: str = "segmented"  # one of WORLDS
    n_variants: int = 12  # the campaign's variants, shared by every segment
    ctr_range: tuple[float, float] = (0.003, 0.01)  # each segment's base CTR is drawn in here
    lift_range: tuple[float, float] = (0.10, 0.30)  # best variant over the segment's average, drawn
    interaction_share: float = 0.5  # share of the effect variance from element × element crosses
    noise_share: float = 0.2  # share from per-(segment, variant) noise no feature explains
    placement_share: tuple[float, ...] = (0.5, 0.3, 0.2)  # traffic per placement


@dataclass
class World:
    """A drawn world: variants with their elements and the true CTR per (segment, placement, variant)."""

    segments: list[str]
    variants: list[dict[str, str]]
    ctr: np.ndarray  # (n_segments, n_placements, n_variants)
    config: WorldConfig = field(default_factory=WorldConfig)

    @classmethod
    def draw(cls, config: WorldConfig, seed: int) -> World:
        """Draw a world from a seed: real variants, then effects scaled to the configured CTRs and lifts."""
        from adcraft.personalize.segments import load_segments
        from adcraft.personalize.variants import generate_variants

        if config.world not in WORLDS:
            raise InvalidInputError(f"world {config.world!r} must be one of {', '.join(WORLDS)}")
        if not 2 <= config.n_variants <= 64:
            raise InvalidInputError(f"n_variants={config.n_variants} must be between 2 and 64")
        segments = load_segments()
        names = sorted(segments)
        first = segments[names[0]]
        variants = [v.elements() for v in generate_variants(f"sim-{seed}", first, config.n_variants, seed)]
        rng = np.random.default_rng([seed, 7])
        S, K = len(names), len(variants)
        common = _effects(variants, rng, config)  # (K,)
        if config.world == "segmented":
            own = np.stack([_effects(variants, rng, config) for _ in range(S)])  # (S, K)
            z = 0.4 * common[None] + own
        elif config.world == "one_best":
            z = np.tile(0.3 * common, (S, 1))
            z[:, rng.integers(K)] += 1.0  # one creative clearly on top everywhere before scaling
        else:
            z = np.tile(common, (S, 1))
        ctr = np.empty((S, len(PLACEMENTS), K))
        for s in range(S):
            base = (
                rng.uniform(*config.ctr_range) if config.world != "no_segment" else np.mean(config.ctr_range)
            )
            lift = (
                rng.uniform(*config.lift_range)
                if config.world != "no_segment"
                else np.mean(config.lift_range)
            )
            if config.world == "no_segment" and s > 0:
                ctr[s] = ctr[0]
                continue
            row = _scaled(z[s], base, lift)
            ctr[s] = np.outer(PLACEMENT_FACTOR, row)
        return cls(names, variants, ctr, config)

    def sample_contexts(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n (segment, placement) index pairs: segments uniform, placements by traffic share."""
        share = np.asarray(self.config.placement_share) / np.sum(self.config.placement_share)
        return rng.integers(0, len(self.segments), n), rng.choice(len(PLACEMENTS), n, p=share)


def _effects(variants: list[dict[str, str]], rng: np.random.Generator, config: WorldConfig) -> np.ndarray:
    """Random logit effects of main elements, element crosses and noise for each variant, unit scale."""
    K = len(variants)
    main = np.zeros(K)
    for key in variants[0]:
        values = sorted({v[key] for v in variants})
        effect = dict(zip(values, rng.standard_normal(len(values)), strict=True))
        main += np.array([effect[v[key]] for v in variants])
    cross = np.zeros(K)
    for a, b in INTERACTIONS:
        pairs = sorted({(v[a], v[b]) for v in variants})
        effect = dict(zip(pairs, rng.standard_normal(len(pairs)), strict=True))
        cross += np.array([effect[(v[a], v[b])] for v in variants])
    noise = rng.standard_normal(K)
    parts = [(main, 1 - config.interaction_share - config.noise_share), (cross, config.interaction_share),
             (noise, config.noise_share)]  # fmt: skip
    return sum(np.sqrt(max(w, 0.0)) * x / max(x.std(), 1e-9) for x, w in parts)


def _scaled(z: np.ndarray, base: float, lift: float) -> np.ndarray:
    """CTRs with mean `base` whose best beats the mean by `lift`: scale the logit effects by bisection."""
    z = (z - z.mean()) / max(z.std(), 1e-9)
    low, high = 0.0, 5.0
    for _ in range(60):
        scale = (low + high) / 2
        ctr = expit(logit(base) + scale * z)
        ctr *= base / ctr.mean()
        low, high = (scale, high) if ctr.max() / ctr.mean() - 1 < lift else (low, scale)
    return ctr


class _Racer:
    """One policy in the race: chooses a batch of impressions at once, learns after each batch."""

    def __init__(self, name: str, world: World, settings: PolicySettings, contexts) -> None:
        self.name, self.world, self.settings = name, world, settings
        self.ids = [f"v{k}" for k in range(len(world.variants))]
        mean_ctr = world.ctr[contexts[0], contexts[1]].mean(axis=0)
        self.best_fixed = int(np.argmax(mean_ctr))
        kind = {"segment_thompson": "segment_thompson", "contextual": "contextual"}.get(name, "uniform")
        self.policy = CampaignPolicy(PolicySettings(**{**settings.to_dict(), "policy": kind}))
        self.designs = {}
        if kind == "contextual":
            for s, seg in enumerate(world.segments):
                for p, placement in enumerate(PLACEMENTS):
                    features = CampaignPolicy.features(seg, placement, {})
                    self.designs[(s, p)] = self.policy.model.design(
                        [features] * len(self.ids), world.variants
                    )

    def choose(self, seg: np.ndarray, pla: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Variant indices for a batch: one posterior draw per impression (plain Thompson), plus the floor."""
        n, K = len(seg), len(self.ids)
        if self.name == "random":
            return rng.integers(0, K, n)
        if self.name == "best_fixed":
            return np.full(n, self.best_fixed)
        arms = np.empty(n, dtype=int)
        model = self.policy.model
        if self.name == "segment_thompson":
            for s in np.unique(seg):
                idx = np.flatnonzero(seg == s)
                alpha, beta = model.posterior(self.world.segments[s], self.ids)
                arms[idx] = rng.beta(alpha[:, None], beta[:, None], size=(K, idx.size)).argmax(axis=0)
        else:
            std = model.exploration / np.sqrt(model.precision)
            for key in {(s, p) for s, p in zip(seg, pla, strict=True)}:
                idx = np.flatnonzero((seg == key[0]) & (pla == key[1]))
                X = self.designs[key]
                active = np.unique(X.indices)
                W = model.mean[active, None] + std[active, None] * rng.standard_normal(
                    (active.size, idx.size)
                )
                arms[idx] = np.asarray(X[:, active] @ W).argmax(axis=0)
        explore = rng.random(n) < self.settings.floor
        arms[explore] = rng.integers(0, K, int(explore.sum()))
        return arms

    def learn(self, seg: np.ndarray, pla: np.ndarray, arms: np.ndarray, clicks: np.ndarray) -> None:
        """Feed a batch of outcomes back, as the server does with matured impressions."""
        if self.policy.model is None:
            return
        self.policy.model.update(
            Event(
                creative_id=self.ids[a],
                segment=self.world.segments[s],
                clicked=bool(c),
                context={"placement": PLACEMENTS[p]},
                elements=self.world.variants[a],
            )
            for s, p, a, c in zip(seg, pla, arms, clicks, strict=True)
        )


@dataclass
class RunResult:
    """One policy on one seed."""

    policy: str
    clicks: int
    impressions: int
    expected_ctr: float  # mean true CTR of what was shown (less noisy than realised clicks)
    regret: np.ndarray  # cumulative expected regret after each impression

    @property
    def ctr(self) -> float:
        """Realised click-through rate."""
        return self.clicks / self.impressions


def run_policies(
    impressions: int = 100_000,
    seed: int = 0,
    batch_size: int = 1000,
    config: WorldConfig | None = None,
    policies: tuple[str, ...] = POLICIES,
    settings: PolicySettings | None = None,
) -> dict[str, RunResult]:
    """Race the policies on one drawn world with the same contexts and click draws."""
    unknown = [p for p in policies if p not in POLICIES]
    if unknown or impressions < batch_size or batch_size < 1:
        raise InvalidInputError(
            f"policies {unknown} must be in {POLICIES}; impressions={impressions} must be "
            f">= batch_size={batch_size} >= 1"
        )
    config = config or WorldConfig()
    world = World.draw(config, seed)
    settings = settings or PolicySettings(prior_ctr=float(np.mean(config.ctr_range)), floor=0.05)
    rng = np.random.default_rng([seed, 1])
    seg, pla = world.sample_contexts(impressions, rng)
    uniforms = rng.random(impressions)  # click if u < true CTR: the same luck for every policy
    best = world.ctr[seg, pla].max(axis=1)  # (T,) the per-context oracle's expected CTR
    results = {}
    for name in policies:
        racer, prng = _Racer(name, world, settings, (seg, pla)), np.random.default_rng([seed, 2])
        arms = np.empty(impressions, dtype=int)
        for start in range(0, impressions, batch_size):
            sl = slice(start, min(start + batch_size, impressions))
            arms[sl] = racer.choose(seg[sl], pla[sl], prng)
            racer.learn(seg[sl], pla[sl], arms[sl], uniforms[sl] < world.ctr[seg[sl], pla[sl], arms[sl]])
        p = world.ctr[seg, pla, arms]
        results[name] = RunResult(
            name, int((uniforms < p).sum()), impressions, float(p.mean()), np.cumsum(best - p)
        )
        logger.info(
            "seed %d %s: CTR %.5f regret %.1f", seed, name, results[name].ctr, results[name].regret[-1]
        )
    return results


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and a 95 % t-free normal interval over seeds."""
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else float("nan")
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


@dataclass(frozen=True)
class PolicySummary:
    """A policy's results over seeds: means with 95 % intervals over seeds."""

    policy: str
    ctr: tuple[float, float, float]  # expected CTR of what was shown: mean, low, high
    lift_vs_random: tuple[float, float, float]  # expected CTR / random's - 1
    lift_vs_segment: tuple[float, float, float]  # expected CTR / segment_thompson's - 1 (paired)
    regret: tuple[float, float, float]  # cumulative expected clicks lost against the per-context oracle
    half_ratio: float  # mean-curve regret in the 2nd half / 1st half (< 1: sublinear)
    curve: np.ndarray  # mean cumulative regret per impression
    seeds: int


def summarise(runs: list[dict[str, RunResult]]) -> list[PolicySummary]:
    """Aggregate run_policies outputs over seeds."""
    summaries = []
    nan3 = (float("nan"),) * 3
    for name in runs[0]:
        ctr = np.array([r[name].expected_ctr for r in runs])

        def lift(other: str, ctr=ctr) -> tuple[float, float, float]:
            if other not in runs[0]:
                return nan3
            return _interval(ctr / np.array([r[other].expected_ctr for r in runs]) - 1)

        curves = np.stack([r[name].regret for r in runs])
        curve = curves.mean(axis=0)
        T = len(curve)
        first = curve[T // 2 - 1]
        summaries.append(
            PolicySummary(
                name,
                _interval(ctr),
                lift("random"),
                lift("segment_thompson"),
                _interval(curves[:, -1]),
                float((curve[-1] - first) / max(first, 1e-9)),
                curve,
                len(runs),
            )
        )
    return summaries


def simulate(
    impressions: int = 100_000,
    seeds: int = 10,
    batch_size: int = 1000,
    config: WorldConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PolicySummary]:
    """Run every policy on `seeds` drawn worlds and summarise CTR, lift and regret."""
    runs = []
    for seed in range(seeds):
        runs.append(run_policies(impressions, seed, batch_size, config))
        if progress is not None:
            progress(seed)
    return summarise(runs)
