"""Metric functions on images, probabilities and evaluator features; each is a plain function of arrays."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import linalg, ndimage

from adcraft.errors import InvalidInputError

ALPHA_THRESHOLD = 0.5  # alpha above this is the object's mask
MIN_OBJECT_AREA = 0.02  # a mask covering less of the frame than this is "blank"
MAIN_COMPONENT_SHARE = 0.97  # the largest connected part must hold this share of the mask
BORDER_PX = 1  # an object touching this many outer pixel rows/columns is cut by the frame
COLLAPSE_RMSE = 0.02  # seeds of one prompt closer than this (pixel RMSE in [0, 1]) count as collapsed


def topk_hits(proba: np.ndarray, targets: np.ndarray, k: int) -> np.ndarray:
    """(N,) bool: whether each row's target index is among its k most probable classes."""
    proba, targets = np.asarray(proba), np.asarray(targets)
    if proba.ndim != 2 or targets.shape != (proba.shape[0],):
        raise InvalidInputError(
            f"topk_hits needs proba (N, C) and targets (N,), got {proba.shape}, {targets.shape}"
        )
    if k < 1:
        raise InvalidInputError(f"k {k} must be at least 1")
    top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return (top == targets[:, None]).any(axis=1)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (N, D) and (M, D)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise InvalidInputError(
            f"frechet_distance needs two (N>=2, D) feature sets, got {a.shape} and {b.shape}"
        )
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr sqrt(cov_a cov_b) = sum of sqrt eigenvalues of the symmetric PSD matrix sA cov_b sA (sA = cov_a^1/2),
    # which stays real and stable even when the covariances are singular (few samples, many features)
    w, v = linalg.eigh(cov_a)
    sqrt_a = (v * np.sqrt(w.clip(min=0.0))) @ v.T
    trace_covmean = np.sqrt(linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a).clip(min=0.0)).sum()
    value = float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_covmean)
    return max(value, 0.0)


def mean_pairwise_distance(feats: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs of rows of (S, D); 0 for fewer than two rows."""
    feats = np.asarray(feats, np.float64)
    if len(feats) < 2:
        return 0.0
    d = np.sqrt(((feats[:, None, :] - feats[None, :, :]) ** 2).sum(-1))  # (S, S)
    return float(d[np.triu_indices(len(feats), 1)].mean())


def pixel_spread(images: list[Image.Image]) -> float:
    """Smallest pixel RMSE between any two images (premultiplied RGBA in [0, 1]); 0 when two are identical."""
    if len(images) < 2:
        return float("inf")
    arrs = [_premultiplied(img) for img in images]
    return min(
        float(np.sqrt(((arrs[i] - arrs[j]) ** 2).mean()))
        for i in range(len(arrs))
        for j in range(i + 1, len(arrs))
    )


def is_collapsed(images: list[Image.Image], threshold: float = COLLAPSE_RMSE) -> bool:
    """True when some two seeds of one prompt gave (near-)identical images."""
    return pixel_spread(images) < threshold


def alpha_is_one_object(img: Image.Image, threshold: float = ALPHA_THRESHOLD) -> bool:
    """True when the alpha mask is one connected object, big enough, not touching the frame."""
    alpha = np.asarray(img.convert("RGBA"), np.float32)[..., 3] / 255.0
    mask = alpha > threshold
    area = int(mask.sum())
    if area < MIN_OBJECT_AREA * mask.size:
        return False
    b = BORDER_PX
    if mask[:b].any() or mask[-b:].any() or mask[:, :b].any() or mask[:, -b:].any():
        return False
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))  # 8-connectivity
    if n == 0:
        return False
    largest = np.bincount(labels.ravel())[1:].max()
    return largest >= MAIN_COMPONENT_SHARE * area


def color_family(img: Image.Image) -> str | None:
    """The dominant colour family of the alpha-weighted product pixels (adcraft.text.colors)."""
    from adcraft.text.colors import dominant_color_family  # the data engineer's; imported lazily

    return dominant_color_family(img)


def _premultiplied(img: Image.Image) -> np.ndarray:
    a = np.asarray(img.convert("RGBA"), np.float32) / 255.0
    a[..., :3] *= a[..., 3:4]
    return a
