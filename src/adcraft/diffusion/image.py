"""RGBA images <-> model tensors: premultiplied colour and alpha, scaled to [-1, 1]."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image


def rgba_to_tensor(img: Image.Image, size: int) -> torch.Tensor:
    """A PIL image as a (4, size, size) float tensor of premultiplied RGBA in [-1, 1]."""
    img = img.convert("RGBA")
    if img.size != (size, size):
        img = img.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=None)
    a = np.asarray(img, dtype=np.float32) / 255.0  # (H, W, 4)
    a[..., :3] *= a[..., 3:4]  # premultiply so transparent pixels carry no colour
    return torch.from_numpy(a).permute(2, 0, 1) * 2.0 - 1.0  # (4, H, W)


def tensor_to_rgba(x: torch.Tensor) -> Image.Image:
    """Inverse of rgba_to_tensor for one (4, H, W) tensor; colour is un-premultiplied."""
    a = ((x.detach().float().clamp(-1, 1) + 1.0) / 2.0).permute(1, 2, 0).cpu().numpy()  # (H, W, 4)
    alpha = a[..., 3:4]
    rgb = np.where(alpha > 1e-3, a[..., :3] / np.maximum(alpha, 1e-3), 0.0).clip(0.0, 1.0)
    out = np.concatenate([rgb, alpha], axis=-1)
    return Image.fromarray((out * 255.0 + 0.5).astype(np.uint8), "RGBA")


ALPHA_FLOOR = 0.15  # alpha below this is background noise, not product
MIN_PART = 0.1  # object parts smaller than this fraction of the largest part are speckles


def clean_alpha(img: Image.Image) -> Image.Image:
    """Remove the sampler's speckles from a generated mask: keep the main object and its nearby parts."""
    from scipy import ndimage

    a = np.asarray(img, dtype=np.float32).copy()  # (H, W, 4)
    alpha = a[..., 3] / 255.0
    labels, count = ndimage.label(alpha > 0.5)
    if count == 0:
        return img
    sizes = ndimage.sum_labels(np.ones_like(alpha), labels, index=range(1, count + 1))
    keep = np.isin(labels, 1 + np.flatnonzero(sizes >= MIN_PART * sizes.max()))
    near = ndimage.binary_dilation(keep, iterations=2)  # keep the soft edge around kept parts
    alpha = np.where(near & (alpha >= ALPHA_FLOOR), alpha, 0.0)
    a[..., 3] = alpha * 255.0
    return Image.fromarray(a.round().astype(np.uint8), "RGBA")
