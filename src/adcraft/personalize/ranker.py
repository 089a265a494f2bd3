"""CTR ranker: logistic regression on hashed crosses (baseline) or gradient-boosted trees."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from adcraft.errors import InvalidInputError
from adcraft.personalize.features import FeatureBuilder, ordinal_design, to_frame

logger = logging.getLogger(__name__)

RANKER_KINDS = ("logistic", "hgb")
MAX_TREE_CATEGORIES = 254  # HistGradientBoosting's limit on categories per categorical column


class CTRRanker(BaseEstimator, ClassifierMixin):
    """Predicts click probability for (context, creative, product) rows; scikit-learn conventions."""

    def __init__(
        self,
        kind: str = "logistic",
        C: float = 0.3,
        n_features: int = 2**18,
        interactions: bool = True,
        random_state: int = 0,
    ) -> None:
        self.kind = kind  # "logistic" (hashed one-hot + crosses) or "hgb" (trees on ordinal codes)
        self.C = C  # inverse L2 strength for the logistic model; clicks are rare, so regularise
        self.n_features = n_features  # hash space of the logistic model's features
        self.interactions = interactions  # ctx × el and prod × el crosses for the logistic model
        self.random_state = random_state  # seed for the tree model

    def fit(self, X: Any, y: Any) -> CTRRanker:
        """Fit on feature rows X (DataFrame or list of prefixed dicts) and 0/1 clicks y."""
        if self.kind not in RANKER_KINDS:
            raise InvalidInputError(f"ranker kind {self.kind!r} must be one of {', '.join(RANKER_KINDS)}")
        frame = to_frame(X)
        y = np.asarray(y).astype(int)
        if len(y) != len(frame):
            raise InvalidInputError(f"{len(frame)} feature rows but {len(y)} labels")
        self.classes_ = np.array([0, 1])
        self.base_rate_ = float(y.mean())
        if y.min() == y.max():  # one class only: the best model is the constant
            self.model_ = None
            return self
        if self.kind == "logistic":
            self.builder_ = FeatureBuilder(n_features=self.n_features, interactions=self.interactions).fit(
                frame
            )
            self.model_ = LogisticRegression(C=self.C, max_iter=500, solver="liblinear")
            self.model_.fit(self.builder_.transform(frame), y)
        else:
            design, self.categories_, mask = ordinal_design(frame)
            # categorical columns come first in the design; very wide ones are treated as plain codes
            sizes = [len(v) for v in self.categories_.values()] + [0] * (len(mask) - len(self.categories_))
            mask = [m and size <= MAX_TREE_CATEGORIES for m, size in zip(mask, sizes, strict=True)]
            self.model_ = HistGradientBoostingClassifier(
                max_iter=200,
                learning_rate=0.05,
                max_leaf_nodes=15,
                min_samples_leaf=40,
                l2_regularization=1.0,
                categorical_features=mask,
                early_stopping=True,
                random_state=self.random_state,
            )
            self.model_.fit(design, y)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """(n, 2) array of [P(no click), P(click)]."""
        frame = to_frame(X)
        if self.model_ is None:
            p = np.full(len(frame), self.base_rate_)
        elif self.kind == "logistic":
            p = self.model_.predict_proba(self.builder_.transform(frame))[:, 1]
        else:
            p = self.model_.predict_proba(ordinal_design(frame, self.categories_)[0])[:, 1]
        return np.column_stack([1 - p, p])

    def predict_ctr(self, X: Any) -> np.ndarray:
        """(n,) predicted click probabilities."""
        return self.predict_proba(X)[:, 1]


@dataclass(frozen=True)
class RankerScore:
    """Held-out quality of one model."""

    model: str
    log_loss: float  # lower is better
    auc: float  # 0.5 = no better than chance


def compare_rankers(X: Any, y: Any, test_size: float = 0.3, seed: int = 0) -> list[RankerScore]:
    """Held-out log loss and AUC of the constant predictor, logistic regression and boosted trees."""
    frame = to_frame(X)
    y = np.asarray(y).astype(int)
    if y.sum() < 4 or (1 - y).sum() < 4:
        raise InvalidInputError(
            f"need at least 4 clicks and 4 non-clicks to compare rankers, got {y.sum()} clicks"
        )
    train_X, test_X, train_y, test_y = train_test_split(
        frame, y, test_size=test_size, random_state=seed, stratify=y
    )
    scores = [
        RankerScore("constant", log_loss(test_y, np.full(len(test_y), train_y.mean()), labels=[0, 1]), 0.5)
    ]
    for kind in RANKER_KINDS:
        p = CTRRanker(kind=kind, random_state=seed).fit(train_X, train_y).predict_ctr(test_X)
        p = np.clip(p, 1e-6, 1 - 1e-6)
        scores.append(
            RankerScore(kind, float(log_loss(test_y, p, labels=[0, 1])), float(roc_auc_score(test_y, p)))
        )
    for s in scores:
        logger.info("ranker %s: held-out log loss %.5f, AUC %.3f", s.model, s.log_loss, s.auc)
    return scores


def choose_ranker(scores: list[RankerScore]) -> str:
    """The boosted model only if it beats logistic regression on both log loss and AUC, else logistic."""
    by_name = {s.model: s for s in scores}
    base, alt = by_name["logistic"], by_name.get("hgb")
    if alt is not None and alt.log_loss < base.log_loss and alt.auc > base.auc:
        return "hgb"
    return "logistic"
