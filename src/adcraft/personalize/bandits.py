"""Online creative selection: Beta-Bernoulli Thompson sampling per segment, and a contextual version.

The contextual selector is Thompson sampling for logistic regression with a diagonal Laplace
posterior (Chapelle & Li, "An Empirical Evaluation of Thompson Sampling", 2011, algorithm 3) on the
ranker's hashed features, so what it learns about a palette or a template in one segment or for one
creative carries over to every creative that shares it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit
from threadpoolctl import threadpool_limits

from adcraft.errors import InvalidInputError
from adcraft.personalize.events import Event
from adcraft.personalize.state import file_lock, read_json, write_json_atomic

logger = logging.getLogger(__name__)


def candidate_id(candidate: Any) -> str:
    """The id of a candidate creative: a string, or an object with variant_id / creative_id."""
    if isinstance(candidate, str):
        return candidate
    for attr in ("variant_id", "creative_id"):
        if getattr(candidate, attr, None):
            return str(getattr(candidate, attr))
    raise InvalidInputError(f"candidate {candidate!r} has no variant_id or creative_id")


def _check_candidates(candidates: Sequence[Any]) -> list[str]:
    if not candidates:
        raise InvalidInputError("no candidate creatives to select from")
    return [candidate_id(c) for c in candidates]


class _Persistent:
    """Shared JSON save/load and locked file updates for selectors."""

    KIND = ""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def save(self, path: str | Path) -> None:
        """Write the state as JSON, atomically."""
        with self._lock:
            data = self.to_dict()
        write_json_atomic(path, data)

    @classmethod
    def load(cls, path: str | Path):
        """Read a state written by `save`."""
        return cls.from_dict(read_json(path, cls.KIND))

    @classmethod
    def update_file(cls, path: str | Path, events: Iterable[Event], **new_kwargs: Any):
        """Load (or create), update with events and save, holding a file lock so processes don't race."""
        with file_lock(path):
            selector = cls.load(path) if Path(path).exists() else cls(**new_kwargs)
            selector.update(events)
            selector.save(path)
        return selector


class ThompsonSelector(_Persistent):
    """Beta-Bernoulli Thompson sampling over creatives, one independent bandit per segment."""

    KIND = "beta-thompson"

    def __init__(self, prior_alpha: float = 1.0, prior_beta: float = 1.0) -> None:
        if prior_alpha <= 0 or prior_beta <= 0:
            raise InvalidInputError(f"Beta prior ({prior_alpha}, {prior_beta}) must be positive")
        self.prior_alpha = prior_alpha  # pseudo-clicks before any data
        self.prior_beta = prior_beta  # pseudo-non-clicks before any data
        self.counts: dict[str, dict[str, list[int]]] = {}  # segment -> creative -> [impressions, clicks]
        self._lock = threading.RLock()

    def posterior(self, segment: str, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Beta (alpha, beta) parameters for each creative id in a segment."""
        with self._lock:
            table = self.counts.get(segment, {})
            n = np.array([table.get(i, (0, 0))[0] for i in ids], dtype=float)
            c = np.array([table.get(i, (0, 0))[1] for i in ids], dtype=float)
        return self.prior_alpha + c, self.prior_beta + np.maximum(n - c, 0.0)

    def select(self, segment: str, candidates: Sequence[Any], rng: np.random.Generator) -> Any:
        """Draw a CTR for each candidate from its posterior and return the candidate with the highest."""
        alpha, beta = self.posterior(segment, _check_candidates(candidates))
        return candidates[int(np.argmax(rng.beta(alpha, beta)))]

    def update(self, events: Iterable[Event]) -> int:
        """Add impressions and clicks from events; returns how many were applied."""
        applied = 0
        with self._lock:
            for e in events:
                cell = self.counts.setdefault(e.segment, {}).setdefault(e.creative_id, [0, 0])
                cell[0] += 1
                cell[1] += int(e.clicked)
                applied += 1
        return applied

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly state."""
        with self._lock:
            counts = {s: {c: list(v) for c, v in t.items()} for s, t in self.counts.items()}
        return {
            "kind": self.KIND,
            "prior_alpha": self.prior_alpha,
            "prior_beta": self.prior_beta,
            "counts": counts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThompsonSelector:
        """Rebuild from `to_dict` output."""
        selector = cls(float(data["prior_alpha"]), float(data["prior_beta"]))
        selector.counts = {
            s: {c: [int(v[0]), int(v[1])] for c, v in t.items()} for s, t in data["counts"].items()
        }
        return selector


class ContextualThompsonSelector(_Persistent):
    """Logistic Thompson sampling on hashed context × creative-element features (diagonal Laplace)."""

    KIND = "logistic-thompson"

    def __init__(
        self, n_features: int = 2**12, prior_precision: float = 1.0, exploration: float = 1.0
    ) -> None:
        self.n_features = n_features  # hash space; small keeps the JSON state small
        self.prior_precision = prior_precision  # 1 / prior variance of each weight
        self.exploration = exploration  # scales posterior std when sampling (1 = plain Thompson)
        self.mean = np.zeros(n_features + 1)  # posterior means; the last weight is the bias
        self.precision = np.full(n_features + 1, prior_precision)  # diagonal posterior precisions
        self.creatives: dict[str, dict[str, str]] = {}  # creative id -> element features seen at select
        self._lock = threading.RLock()

    def design(
        self, contexts: Sequence[Mapping[str, Any]], elements: Sequence[Mapping[str, Any]]
    ) -> sp.csr_matrix:
        """Feature matrix (rows pair contexts[i] with elements[i]) plus the bias column.

        The tokens and their hashes are FeatureBuilder's (`ctx.k=v`, `el.k=v` and their ctx × el
        crosses, hashed with pandas' hash_array), built directly: serving calls this per request.
        """
        tokens, rows = [], []
        for i, (c, e) in enumerate(zip(contexts, elements, strict=True)):
            ctx = [f"ctx.{k}={v}" for k, v in c.items()]
            el = [f"el.{k}={v}" for k, v in e.items()]
            row = ctx + el + [a + "|" + b for a in ctx for b in el]
            tokens.extend(row)
            rows.extend([i] * len(row))
        n = len(contexts)
        hashed = pd.util.hash_array(np.array(tokens, dtype=object)) % np.uint64(self.n_features)
        X = sp.csr_matrix(
            (np.ones(len(tokens)), (np.array(rows, dtype=np.int64), hashed.astype(np.int64))),
            shape=(n, self.n_features),
        )
        return sp.hstack([X, np.ones((n, 1))], format="csr")

    def scores(self, X: sp.csr_matrix, rng: np.random.Generator | None = None) -> np.ndarray:
        """Logits of X under a posterior draw (or the posterior mean when rng is None)."""
        with self._lock:
            w = self.mean.copy()
            if rng is not None:
                w += self.exploration * rng.standard_normal(w.size) / np.sqrt(self.precision)
        return X @ w

    def select(
        self,
        context: Mapping[str, Any],
        candidates: Sequence[Any],
        rng: np.random.Generator,
        elements: Sequence[Mapping[str, Any]] | None = None,
    ) -> Any:
        """Pick the candidate with the highest sampled click logit for this context.

        `context` should include the segment (e.g. {"segment": "parents", "device": "mobile"});
        candidates are Variants (their `elements()` are used) or ids with `elements` given.
        """
        ids = _check_candidates(candidates)
        if elements is None:
            if not all(hasattr(c, "elements") for c in candidates):
                raise InvalidInputError("candidates without .elements() need elements=[...] alongside")
            elements = [c.elements() for c in candidates]
        with self._lock:
            self.creatives.update({i: dict(e) for i, e in zip(ids, elements, strict=True)})
        X = self.design([context] * len(ids), elements)
        return candidates[int(np.argmax(self.scores(X, rng)))]

    def update_xy(self, X: sp.csr_matrix, y: np.ndarray) -> None:
        """One Laplace step: MAP weights given the current Gaussian prior, then add the Hessian diagonal.

        Only the weights some row touches move (the others' MAP is their prior mean), so the
        optimisation runs over those columns alone.
        """
        y = np.asarray(y, dtype=float)
        X = sp.csr_matrix(X)
        active = np.unique(X.indices)
        Xa = X[:, active]
        with self._lock:
            m, q = self.mean[active], self.precision[active]

            def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
                z = Xa @ w
                nll = np.sum(np.logaddexp(0, z) - y * z)
                grad = Xa.T @ (expit(z) - y) + q * (w - m)
                return nll + 0.5 * np.sum(q * (w - m) ** 2), grad

            with threadpool_limits(1):  # BLAS threads only contend on problems this small
                w = minimize(objective, m, jac=True, method="L-BFGS-B", options={"maxiter": 100}).x
            p = expit(Xa @ w)
            mean, precision = self.mean.copy(), self.precision.copy()
            mean[active] = w
            precision[active] = q + np.asarray(Xa.multiply(Xa).T @ (p * (1 - p))).ravel()
            self.mean, self.precision = mean, precision

    def update(self, events: Iterable[Event]) -> int:
        """Learn from events whose creative elements are known (from the event or an earlier select)."""
        contexts, elements, clicks = [], [], []
        with self._lock:
            for e in events:
                el = e.elements or self.creatives.get(e.creative_id)
                if not el:
                    continue
                contexts.append({"segment": e.segment, **e.context})
                elements.append(el)
                clicks.append(e.reward)
        if clicks:
            self.update_xy(self.design(contexts, elements), np.array(clicks))
        skipped = "" if clicks else " (none had known creative elements)"
        logger.debug("contextual update with %d events%s", len(clicks), skipped)
        return len(clicks)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly state."""
        with self._lock:
            return {
                "kind": self.KIND,
                "n_features": self.n_features,
                "prior_precision": self.prior_precision,
                "exploration": self.exploration,
                "mean": self.mean.tolist(),
                "precision": self.precision.tolist(),
                "creatives": dict(self.creatives),
            }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContextualThompsonSelector:
        """Rebuild from `to_dict` output."""
        selector = cls(int(data["n_features"]), float(data["prior_precision"]), float(data["exploration"]))
        selector.mean = np.asarray(data["mean"], dtype=float)
        selector.precision = np.asarray(data["precision"], dtype=float)
        selector.creatives = {k: dict(v) for k, v in data["creatives"].items()}
        return selector
