"""Off-policy evaluation on logged bandit feedback: IPS, SNIPS, DR and switch-DR, with diagnostics.

A log row is (context, chosen action, reward, propensity of the logging policy for that action).
A policy is any function from a log to an (n, n_actions) matrix of action probabilities, so every
policy the project can express (uniform, a ranker's greedy or softmax choice, a bandit's
posterior) is evaluated the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from adcraft.errors import DataError, InvalidInputError

logger = logging.getLogger(__name__)

ESTIMATORS = ("IPS", "SNIPS", "DR", "SwitchDR")
CI_METHODS = ("auto", "normal", "bootstrap")
HEAVY_ESS_SHARE = 0.1  # "auto" intervals bootstrap when the effective sample size is below this share
SWITCH_QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.99, 1.0)  # switch-DR thresholds tried (of the positive weights)


@dataclass
class BanditLog:
    """Logged bandit feedback with action features (rows of `contexts` align with actions/rewards)."""

    contexts: pd.DataFrame  # one row per impression; 'ctx.' columns
    actions: np.ndarray  # (n,) chosen action index in [0, n_actions)
    rewards: np.ndarray  # (n,) 0/1 clicks
    pscores: np.ndarray  # (n,) logging policy's probability of the chosen action, in (0, 1]
    action_features: pd.DataFrame  # one row per action; 'el.' columns
    pair_features: Callable[[np.ndarray, np.ndarray], pd.DataFrame] | None = (
        None  # (rows, actions) -> extra cols
    )
    eligible: np.ndarray | None = None  # (n, n_actions) bool: actions a row could have been shown

    def __post_init__(self) -> None:
        n = len(self.contexts)
        for name in ("actions", "rewards", "pscores"):
            if len(getattr(self, name)) != n:
                raise DataError(f"log field {name!r} has {len(getattr(self, name))} rows, contexts have {n}")
        bad = np.flatnonzero(~((self.pscores > 0) & (self.pscores <= 1)))
        if bad.size:
            raise DataError(f"row {bad[0] + 1}: propensity {self.pscores[bad[0]]!r} must be in (0, 1]")
        if n and (self.actions.min() < 0 or self.actions.max() >= self.n_actions):
            raise DataError(
                f"actions must be in [0, {self.n_actions}); got {self.actions.min()}..{self.actions.max()}"
            )
        if self.eligible is not None:
            self.eligible = np.asarray(self.eligible, dtype=bool).reshape(n, self.n_actions)
            if n and not self.eligible[np.arange(n), self.actions].all():
                raise DataError("a logged action is not among its row's eligible actions")

    @property
    def n_actions(self) -> int:
        """Size of the action space."""
        return len(self.action_features)

    def __len__(self) -> int:
        return len(self.contexts)

    def subset(self, index: np.ndarray | slice) -> BanditLog:
        """The rows at `index` (same action space)."""
        rows = np.arange(len(self))[index]
        pair = None
        if self.pair_features is not None:
            parent = self.pair_features

            def pair(r: np.ndarray, a: np.ndarray) -> pd.DataFrame:
                return parent(rows[r], a)

        return BanditLog(
            self.contexts.iloc[rows].reset_index(drop=True),
            self.actions[rows],
            self.rewards[rows],
            self.pscores[rows],
            self.action_features,
            pair,
            None if self.eligible is None else self.eligible[rows],
        )

    def split(self, train_fraction: float = 0.5) -> tuple[BanditLog, BanditLog]:
        """Time-ordered split: the first part to train on, the rest to evaluate on."""
        if not 0 < train_fraction < 1:
            raise InvalidInputError(f"train fraction {train_fraction} must be in (0, 1)")
        cut = int(len(self) * train_fraction)
        return self.subset(slice(0, cut)), self.subset(slice(cut, len(self)))

    def pair_rows(self, rows: np.ndarray, actions: np.ndarray) -> pd.DataFrame:
        """Feature rows for (row, action) pairs: context, action features and pair features."""
        frame = pd.concat(
            [
                self.contexts.iloc[rows].reset_index(drop=True),
                self.action_features.iloc[actions].reset_index(drop=True),
            ],
            axis=1,
        )
        if self.pair_features is not None:
            frame = pd.concat([frame, self.pair_features(rows, actions).reset_index(drop=True)], axis=1)
        return frame

    def logged_rows(self) -> pd.DataFrame:
        """Feature rows of the logged (row, chosen action) pairs."""
        return self.pair_rows(np.arange(len(self)), self.actions)


Policy = Callable[[BanditLog], np.ndarray]  # log -> (n, n_actions) action probabilities


@dataclass(frozen=True)
class Estimate:
    """A policy value estimate with its confidence interval."""

    estimator: str
    value: float
    ci_low: float
    ci_high: float
    n: int
    ci: str = "normal"  # how the interval was made: normal or bootstrap


@dataclass(frozen=True)
class WeightDiagnostics:
    """How much the log says about the target policy: importance-weight statistics."""

    n: int
    ess: float  # effective sample size (sum w)^2 / sum w^2; n when target = logging policy
    mean_weight: float  # about 1 when propensities are right and the target is supported
    max_weight: float
    zero_share: float  # rows the target would never have chosen the logged action for
    clipped_share: float  # rows whose weight the clip lowered
    clip: float | None  # the clip used by IPS/SNIPS (None: unclipped)
    switch_tau: float  # switch-DR drops the residual term of rows with a weight above this (MSE-chosen)

    @property
    def heavy(self) -> bool:
        """Whether the weights are heavy enough that normal intervals are not trusted."""
        return self.ess < HEAVY_ESS_SHARE * self.n


def _check_probs(log: BanditLog, probs: np.ndarray) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(log), log.n_actions):
        raise InvalidInputError(
            f"policy probabilities have shape {probs.shape}, expected {(len(log), log.n_actions)}"
        )
    if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
        raise InvalidInputError("policy probabilities must be non-negative and sum to 1 per row")
    return probs


def _switch_threshold(w: np.ndarray, log: BanditLog, probs: np.ndarray, q_hat: np.ndarray | None) -> float:
    """Switch-DR's threshold minimising estimated variance / n + bias bound² (Wang et al., 2017, sec. 4).

    The bias of switching a row's residual off is bounded by the reward model's own prediction for
    it (an error of 100 %), importance-weighted: mean(1[w > tau] * w * q_hat(x, a)).
    """
    positive = w[w > 0]
    if q_hat is None or not positive.size:
        return float(positive.max()) if positive.size else 1.0
    rows = np.arange(len(log))
    q_logged = q_hat[rows, log.actions]
    direct = (probs * q_hat).sum(axis=1)
    residual = w * (log.rewards - q_logged)
    best, best_mse = float(positive.max()), np.inf
    for tau in sorted({float(np.quantile(positive, q)) for q in SWITCH_QUANTILES}):
        keep = w <= tau
        term = direct + np.where(keep, residual, 0.0)
        bias = float(np.mean(np.where(keep, 0.0, w * q_logged)))
        mse = term.var(ddof=1) / len(log) + bias**2
        if mse < best_mse:
            best, best_mse = tau, mse
    return best


def weight_diagnostics(
    log: BanditLog,
    probs: np.ndarray,
    clip: float | None = None,
    switch_tau: float | None = None,
    q_hat: np.ndarray | None = None,
) -> WeightDiagnostics:
    """Effective sample size, weight range and clipping of a target policy on a log."""
    probs = _check_probs(log, probs)
    w = probs[np.arange(len(log)), log.actions] / log.pscores
    if clip is not None and not clip > 0:
        raise InvalidInputError(f"clip {clip} must be > 0")
    if switch_tau is None:
        switch_tau = _switch_threshold(w, log, probs, q_hat)
    ess = float(w.sum() ** 2 / max((w**2).sum(), 1e-300))
    return WeightDiagnostics(
        n=len(log),
        ess=ess,
        mean_weight=float(w.mean()),
        max_weight=float(w.max()),
        zero_share=float((w == 0).mean()),
        clipped_share=0.0 if clip is None else float((w > clip).mean()),
        clip=clip,
        switch_tau=float(switch_tau),
    )


def _terms(
    log: BanditLog, probs: np.ndarray, q_hat: np.ndarray | None, diag: WeightDiagnostics
) -> dict[str, np.ndarray]:
    """Per-row terms whose (weighted) means are the estimates."""
    rows = np.arange(len(log))
    w = probs[rows, log.actions] / log.pscores  # importance weights
    if diag.clip is not None:
        w = np.minimum(w, diag.clip)
    terms = {"w": w, "IPS": w * log.rewards}
    if q_hat is not None:
        w_raw = probs[rows, log.actions] / log.pscores
        direct = (probs * q_hat).sum(axis=1)
        residual = w_raw * (log.rewards - q_hat[rows, log.actions])
        terms["DR"] = direct + residual
        terms["SwitchDR"] = direct + np.where(w_raw <= diag.switch_tau, residual, 0.0)
    return terms


def _point(name: str, terms: dict[str, np.ndarray], idx: np.ndarray | None = None) -> float:
    pick = (lambda a: a) if idx is None else (lambda a: a[idx])
    if name == "SNIPS":
        return float(pick(terms["IPS"]).sum() / max(pick(terms["w"]).sum(), 1e-12))
    return float(pick(terms[name]).mean())


def estimate_policy_value(
    log: BanditLog,
    probs: np.ndarray,
    q_hat: np.ndarray | None = None,
    alpha: float = 0.05,
    ci: str = "auto",
    n_boot: int = 500,
    seed: int = 0,
    clip: float | None = None,
    switch_tau: float | None = None,
) -> list[Estimate]:
    """IPS, SNIPS and (with a reward model's q_hat, (n, n_actions)) DR and switch-DR with (1-alpha) CIs.

    `ci="auto"` bootstraps when the weights are heavy (effective sample size under 10 % of the
    rows) and uses the normal approximation otherwise; `clip` caps the IPS/SNIPS weights.
    """
    if ci not in CI_METHODS:
        raise InvalidInputError(f"ci method {ci!r} must be one of {', '.join(CI_METHODS)}")
    if len(log) < 2:
        raise InvalidInputError(f"need at least 2 logged rows to estimate, got {len(log)}")
    probs = _check_probs(log, probs)
    if q_hat is not None and np.shape(q_hat) != probs.shape:
        raise InvalidInputError(f"q_hat has shape {np.shape(q_hat)}, expected {probs.shape}")
    diag = weight_diagnostics(log, probs, clip, switch_tau, q_hat)
    if ci == "auto":
        ci = "bootstrap" if diag.heavy else "normal"
    terms = _terms(log, probs, q_hat, diag)
    names = [e for e in ESTIMATORS if e in ("IPS", "SNIPS") or q_hat is not None]
    n, z = len(log), norm.ppf(1 - alpha / 2)
    if ci == "bootstrap":
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, n, size=(n_boot, n))
    estimates = []
    for name in names:
        value = _point(name, terms)
        if ci == "bootstrap":
            boot = np.array([_point(name, terms, idx) for idx in draws])
            low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
        else:
            # SNIPS is a ratio estimator: delta method on w * (r - value) / mean(w)
            resid = (
                terms["w"] * (log.rewards - value) / max(terms["w"].mean(), 1e-12)
                if name == "SNIPS"
                else terms[name]
            )
            half = z * resid.std(ddof=1) / np.sqrt(n)
            low, high = value - half, value + half
        estimates.append(Estimate(name, value, float(low), float(high), n, ci))
    return estimates
