"""Ranker features: hashed one-hot of creative elements, product, user/segment context and their crosses.

A row is a flat mapping whose keys carry a group prefix: `ctx.` (user, segment, position),
`el.` (the creative's elements), `prod.` (the product). String values become one-hot indicators,
numbers stay numeric (standardised). Interactions are ctx × el and prod × el crosses, which is what
lets one model learn that students click price-led red creatives while professionals do not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product as cross
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from adcraft.errors import InvalidInputError

GROUPS = ("ctx", "el", "prod")
CROSSED_GROUPS = (("ctx", "el"), ("prod", "el"))  # which groups interact by default


def make_row(
    context: Mapping[str, Any], elements: Mapping[str, Any], product: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Flatten context, creative elements and product fields into one prefixed feature row."""
    row = {f"ctx.{k}": v for k, v in context.items()}
    row.update({f"el.{k}": v for k, v in elements.items()})
    row.update({f"prod.{k}": v for k, v in (product or {}).items()})
    return row


def to_frame(X: Any) -> pd.DataFrame:
    """Accept a DataFrame or a sequence of row mappings; check every column has a known group prefix."""
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(list(X))
    if frame.empty:
        raise InvalidInputError("no feature rows given")
    bad = [c for c in frame.columns if str(c).split(".", 1)[0] not in GROUPS or "." not in str(c)]
    if bad:
        raise InvalidInputError(
            f"feature column {bad[0]!r} must start with one of {', '.join(g + '.' for g in GROUPS)}"
        )
    return frame


def split_columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(categorical columns, numeric columns) of a feature frame."""
    numeric = [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    return [c for c in frame.columns if c not in numeric], numeric


class FeatureBuilder(BaseEstimator, TransformerMixin):
    """Hashing-trick one-hot encoder with group crosses; stateless except for numeric scaling."""

    def __init__(self, n_features: int = 2**18, interactions: bool = True) -> None:
        self.n_features = n_features  # hash space; 2**18 keeps collisions rare for ~10k distinct tokens
        self.interactions = interactions  # add ctx × el and prod × el crosses

    def fit(self, X: Any, y: Any = None) -> FeatureBuilder:
        """Learn which columns are categorical/numeric and the numeric means and scales."""
        frame = to_frame(X)
        self.categorical_, self.numeric_ = split_columns(frame)
        values = frame[self.numeric_].astype(float)
        self.mean_ = values.mean().fillna(0.0).to_numpy()
        self.scale_ = values.std().replace(0, 1.0).fillna(1.0).to_numpy()
        return self

    def _tokens(self, frame: pd.DataFrame) -> list[pd.Series]:
        cols = {c: c + "=" + frame[c].astype(str) for c in self.categorical_ if c in frame}
        series = list(cols.values())
        if self.interactions:
            for left, right in CROSSED_GROUPS:
                lcols = [c for c in cols if c.startswith(left + ".")]
                rcols = [c for c in cols if c.startswith(right + ".")]
                series.extend(cols[a] + "|" + cols[b] for a, b in cross(lcols, rcols))
        return series

    def transform(self, X: Any) -> sp.csr_matrix:
        """Sparse design matrix: hashed indicators, then standardised numeric columns."""
        frame = to_frame(X)
        n = len(frame)
        series = self._tokens(frame)
        if series:
            hashes = np.stack([pd.util.hash_array(s.to_numpy(dtype=object)) for s in series], axis=1)
            cols = (hashes % np.uint64(self.n_features)).astype(np.int64).ravel()
            rows = np.repeat(np.arange(n), len(series))
            hashed = sp.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(n, self.n_features))
        else:
            hashed = sp.csr_matrix((n, self.n_features))
        numeric = [c for c in self.numeric_ if c in frame]
        if len(numeric) != len(self.numeric_):
            raise InvalidInputError(f"numeric feature columns {self.numeric_} expected, got {numeric}")
        dense = (frame[self.numeric_].astype(float).fillna(0.0).to_numpy() - self.mean_) / self.scale_
        return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")


def ordinal_design(
    frame: pd.DataFrame, categories: dict[str, Sequence[str]] | None = None
) -> tuple[np.ndarray, dict[str, list[str]], list[bool]]:
    """Dense design for tree models: categorical columns as ordinal codes (unknown = NaN), numerics as is."""
    categorical, numeric = split_columns(frame)
    categories = dict(categories or {c: sorted(frame[c].astype(str).unique()) for c in categorical})
    columns, mask = [], []
    for c in categorical:
        codes = pd.Categorical(frame[c].astype(str), categories=categories[c]).codes.astype(float)
        codes[codes < 0] = np.nan
        columns.append(codes)
        mask.append(True)
    for c in numeric:
        columns.append(frame[c].astype(float).to_numpy())
        mask.append(False)
    return np.column_stack(columns), categories, mask
