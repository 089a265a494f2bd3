"""Train the evaluator on real dataset images only, with a held-out split to report its own accuracy."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from adcraft.data.dataset import ImageRecord, dataset_fingerprint, read_dataset
from adcraft.errors import ConfigError, DataError
from adcraft.evaluation.classifier import (
    EVALUATOR_DIR,
    ConceptClassifier,
    Evaluator,
    EvaluatorConfig,
    images_to_batch,
    save_evaluator,
)
from adcraft.seeding import seeded_torch

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, float], None]  # (epoch done, epochs, last loss)


@dataclass
class EvaluatorTrainConfig:
    """How the evaluator is trained; the defaults fit a few minutes of one CPU core."""

    epochs: int = 40  # passes over the training images (stopped early by max_seconds)
    batch_size: int = 64  # images per optimiser step
    lr: float = 3e-3  # AdamW peak learning rate (one-cycle schedule)
    weight_decay: float = 5e-4  # AdamW weight decay
    label_smoothing: float = 0.1  # softens targets; concepts like 'shirt'/'t-shirt' overlap
    # wall-clock safety stop after the epoch that passes it; the one-cycle schedule runs over `epochs`, so
    # a stop cuts it near its peak rate and leaves the evaluator under-trained (40 epochs: 4-5 min on one
    # free core)
    max_seconds: float = 3600.0
    seed: int = 0  # seeds the split, the augmentations and the initial weights
    threads: int = 1  # torch CPU threads, set by the entry point (`adcraft evaluator train`)
    holdout_per_concept: int = 1  # recoloured images held out per recolourable concept
    max_shift: float = 0.1  # augmentation: translation as a fraction of the frame
    scale_range: tuple[float, float] = (0.85, 1.1)  # augmentation: zoom range
    model: EvaluatorConfig = field(default_factory=EvaluatorConfig)  # num_classes is set from the data

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 2 or self.lr <= 0 or self.max_seconds <= 0:
            raise ConfigError(
                "evaluator training needs epochs >= 1, batch_size >= 2, lr > 0, max_seconds > 0"
            )


@dataclass
class TrainReport:
    """What training measured: held-out accuracy on real images the evaluator never saw."""

    train_images: int
    heldout_images: int
    concepts: int
    heldout_concepts: int
    top1: float  # held-out top-1 accuracy
    top5: float  # held-out top-5 accuracy
    train_top1: float  # accuracy on the (un-augmented) training images
    epochs: int
    seconds: float
    data_fingerprint: str


def concept_table(records: list[ImageRecord]) -> list[dict]:
    """One entry per concept id (sorted): labels, group and whether the dataset recolours it."""
    table: dict[str, dict] = {}
    for rec in records:
        entry = table.setdefault(
            rec.concept,
            {
                "id": rec.concept,
                "label_en": rec.label_en,
                "label_zh": rec.label_zh,
                "group": rec.group,
                "recolorable": False,
                "colors": [],
            },
        )
        if rec.color:
            entry["recolorable"] = True
            if rec.color not in entry["colors"]:
                entry["colors"].append(rec.color)
    return [table[k] for k in sorted(table)]


def split_holdout(records: list[ImageRecord], per_concept: int, seed: int = 0) -> tuple[list[int], list[int]]:
    """Hold out recoloured images (per_concept per concept, chosen by a seeded hash); keep every original."""
    by_concept: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        if rec.color:
            by_concept.setdefault(rec.concept, []).append(i)
    held: set[int] = set()
    for concept, idx in by_concept.items():
        ranked = sorted(idx, key=lambda i: hashlib.sha256(f"{seed}:{records[i].file}".encode()).hexdigest())
        # always leave at least one image of the concept (its original, or a recolouring) for training
        n_total = sum(1 for r in records if r.concept == concept)
        held.update(ranked[: min(per_concept, n_total - 1)])
    train = [i for i in range(len(records)) if i not in held]
    return train, sorted(held)


def hue_rotation(angle: torch.Tensor) -> torch.Tensor:
    """(B, 3, 3) luminance-preserving hue rotation matrices (the SVG feColorMatrix hueRotate)."""
    c, s = torch.cos(angle)[:, None, None], torch.sin(angle)[:, None, None]
    base = torch.tensor([[0.213, 0.715, 0.072]] * 3)
    cos_part = torch.tensor([[0.787, -0.715, -0.072], [-0.213, 0.285, -0.072], [-0.213, -0.715, 0.928]])
    sin_part = torch.tensor([[-0.213, -0.715, 0.928], [0.143, 0.140, -0.283], [-0.787, 0.715, 0.072]])
    return base + c * cos_part + s * sin_part


def augment(
    x: torch.Tensor, recolorable: torch.Tensor, cfg: EvaluatorTrainConfig, generator: torch.Generator
) -> torch.Tensor:
    """Random flip, shift and zoom for every image; hue rotation only where the concept's colour varies."""
    b = x.shape[0]

    def rand(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=generator)

    flip = torch.where(rand(b) < 0.5, -1.0, 1.0)
    lo, hi = cfg.scale_range
    zoom = 1.0 / (lo + (hi - lo) * rand(b))  # sampling-grid scale: > 1 shrinks the object
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = zoom * flip
    theta[:, 1, 1] = zoom
    theta[:, :, 2] = (rand(b, 2) * 2 - 1) * cfg.max_shift * 2
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # transparent (-1 in every channel) outside the frame: shift to [0, 1] so zero padding means transparent
    x01 = F.grid_sample((x + 1) / 2, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    angle = (rand(b) * 2 * math.pi) * recolorable.float()
    rgb = torch.einsum("bij,bjhw->bihw", hue_rotation(angle), x01[:, :3])  # premultiplied, so linear is fine
    rgb = torch.minimum(rgb.clamp(min=0.0), x01[:, 3:4])  # premultiplied colour never exceeds alpha
    return torch.cat([rgb, x01[:, 3:4]], dim=1) * 2 - 1


@torch.no_grad()
def topk_accuracy(model: ConceptClassifier, x: torch.Tensor, y: torch.Tensor, ks=(1, 5)) -> list[float]:
    """Top-k accuracy of model on images x (N, 4, H, W) with labels y (N,)."""
    model.eval()
    if len(y) == 0:
        return [float("nan")] * len(ks)
    logits = torch.cat([model(x[i : i + 256].float()) for i in range(0, len(x), 256)])
    ranked = logits.topk(min(max(ks), logits.shape[1]), dim=1).indices  # (N, K)
    return [float((ranked[:, :k] == y[:, None]).any(dim=1).float().mean()) for k in ks]


def load_images(root: Path, records: list[ImageRecord], size: int) -> torch.Tensor:
    """Every record's image as (N, 4, size, size) float16 premultiplied RGBA in [-1, 1]."""
    chunks = []
    for start in range(0, len(records), 256):
        imgs = []
        for rec in records[start : start + 256]:
            with Image.open(root / rec.file) as img:
                imgs.append(img.convert("RGBA"))
        chunks.append(images_to_batch(imgs, size).half())
    return torch.cat(chunks)


def _fit(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    recolor: torch.Tensor,
    cfg: EvaluatorTrainConfig,
    progress: ProgressCallback | None,
) -> tuple[int, float]:
    """The epoch loop (AdamW, one-cycle LR, augmentations); returns (epochs run, seconds)."""
    steps_per_epoch = max(1, math.ceil(len(x) / cfg.batch_size))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(cfg.seed)
    t0, epoch, loss = time.monotonic(), 0, torch.tensor(float("nan"))
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=gen)
        for start in range(0, len(order), cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            if len(idx) < 2:
                continue  # BatchNorm needs two samples
            batch = augment(x[idx].float(), recolor[idx], cfg, gen)
            loss = F.cross_entropy(model(batch), y[idx], label_smoothing=cfg.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        if progress is not None:
            progress(epoch, cfg.epochs, loss.item())
        if time.monotonic() - t0 > cfg.max_seconds:
            logger.warning(
                "evaluator training stopped after %d/%d epochs (max_seconds=%s), before its "
                "learning rate annealed: the evaluator is under-trained",
                epoch,
                cfg.epochs,
                cfg.max_seconds,
            )
            break
    return epoch, time.monotonic() - t0


def train_evaluator(
    data: str | Path,
    cfg: EvaluatorTrainConfig | None = None,
    out: str | Path | None = EVALUATOR_DIR,
    progress: ProgressCallback | None = None,
) -> tuple[Evaluator, TrainReport]:
    """Train the concept classifier on a dataset's real images; save it to out (None: don't save)."""
    cfg = cfg or EvaluatorTrainConfig()
    root = Path(data)
    records = [r for r in read_dataset(root) if r.concept]
    concepts = concept_table(records)
    if len(concepts) < 2:
        raise DataError(f"{root} has {len(concepts)} concept ids; the evaluator needs at least 2")
    index = {c["id"]: i for i, c in enumerate(concepts)}
    model_cfg = EvaluatorConfig(**{**cfg.model.to_dict(), "num_classes": len(concepts)})
    x_all = load_images(root, records, model_cfg.image_size)
    y_all = torch.tensor([index[r.concept] for r in records])
    recolor_all = torch.tensor([concepts[index[r.concept]]["recolorable"] for r in records])
    train_idx, held_idx = split_holdout(records, cfg.holdout_per_concept, cfg.seed)
    logger.info(
        "evaluator: %d concepts, %d train / %d held-out images", len(concepts), len(train_idx), len(held_idx)
    )
    tr = torch.tensor(train_idx)
    with seeded_torch(cfg.seed):  # weights and dropout depend on the seed only; the caller's RNG is kept
        model = ConceptClassifier(model_cfg)
        epoch, seconds = _fit(model, x_all[tr], y_all[tr], recolor_all[tr], cfg, progress)
    hd = torch.tensor(held_idx, dtype=torch.long)
    top1, top5 = topk_accuracy(model, x_all[hd], y_all[hd])
    train_top1 = topk_accuracy(model, x_all[tr], y_all[tr], ks=(1,))[0]
    report = TrainReport(
        train_images=len(train_idx),
        heldout_images=len(held_idx),
        concepts=len(concepts),
        heldout_concepts=len({records[i].concept for i in held_idx}),
        top1=top1,
        top5=top5,
        train_top1=train_top1,
        epochs=epoch,
        seconds=round(seconds, 1),
        data_fingerprint=dataset_fingerprint(root),
    )
    info = {
        "train": {k: v for k, v in asdict(cfg).items() if k != "model"},
        "report": asdict(report),
        "heldout_files": [records[i].file for i in held_idx],
    }
    evaluator = Evaluator(model.eval(), concepts, info)
    if out is not None:
        save_evaluator(out, model, concepts, info)
        logger.info("evaluator saved to %s (held-out top-1 %.3f, top-5 %.3f)", out, top1, top5)
    return evaluator, report
