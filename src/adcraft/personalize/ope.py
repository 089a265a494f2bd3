"""Off-policy evaluation on logged bandit feedback: IPS, self-normalised IPS and doubly robust.

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

ESTIMATORS = ("IPS", "SNIPS", "DR")
CI_METHODS = ("normal", "bootstrap")


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
            pair = lambda r, a: parent(rows[r], a)
        return BanditLog(
            self.contexts.iloc[rows].reset_index(drop=True),
            self.actions[rows],
            self.rewards[rows],
            self.pscores[rows],
            self.action_features,
            pair,
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


def _check_probs(log: BanditLog, probs: np.ndarray) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(log), log.n_actions):
        raise InvalidInputError(
            f"policy probabilities have shape {probs.shape}, expected {(len(log), log.n_actions)}"
        )
    if np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
        raise InvalidInputError("policy probabilities must be non-negative and sum to 1 per row")
    return probs


def _terms(log: BanditLog, probs: np.ndarray, q_hat: np.ndarray | None) -> dict[str, np.ndarray]:
    """Per-row terms whose (weighted) means are the estimates."""
    rows = np.arange(len(log))
    w = probs[rows, log.actions] / log.pscores  # importance weights
    terms = {"w": w, "IPS": w * log.rewards}
    if q_hat is not None:
        direct = (probs * q_hat).sum(axis=1)
        terms["DR"] = direct + w * (log.rewards - q_hat[rows, log.actions])
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
    ci: str = "normal",
    n_boot: int = 500,
    seed: int = 0,
) -> list[Estimate]:
    """IPS, SNIPS and (with a reward model's q_hat, shape (n, n_actions)) DR estimates with (1-alpha) CIs."""
    if ci not in CI_METHODS:
        raise InvalidInputError(f"ci method {ci!r} must be one of {', '.join(CI_METHODS)}")
    if len(log) < 2:
        raise InvalidInputError(f"need at least 2 logged rows to estimate, got {len(log)}")
    probs = _check_probs(log, probs)
    if q_hat is not None and np.shape(q_hat) != probs.shape:
        raise InvalidInputError(f"q_hat has shape {np.shape(q_hat)}, expected {probs.shape}")
    terms = _terms(log, probs, q_hat)
    names = [e for e in ESTIMATORS if e != "DR" or q_hat is not None]
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
            resid = terms["w"] * (log.rewards - value) / terms["w"].mean() if name == "SNIPS" else terms[name]
            half = z * resid.std(ddof=1) / np.sqrt(n)
            low, high = value - half, value + half
        estimates.append(Estimate(name, value, float(low), float(high), n))
    return estimates
