"""One product in, finished creative files out: the single generation call shared by the API and batches."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from adcraft.diffusion.schedule import check_seed
from adcraft.errors import InvalidInputError
from adcraft.store.files import write_json_atomic

logger = logging.getLogger(__name__)

DEFAULT_PLACEMENTS = ("feed-square", "link-landscape")  # two common slots keep a default run short
MAX_PLACEMENTS = 16  # more slots per product is a different job; split it
RESULT_FILE = "result.json"  # written last in a product's folder: its presence means "finished"


@dataclass(frozen=True)
class GenerationSettings:
    """Everything besides the product that changes the output; part of the resume key."""

    model: str = "default"  # shipped model name, checkpoint dir, or "tiny-random" (untrained; smoke tests)
    placements: tuple[str, ...] = DEFAULT_PLACEMENTS  # placement names or "WxH" sizes
    audiences: tuple[str, ...] = ()  # segment names; () = one generic creative set
    steps: int = 20  # sampler steps per visual
    guidance: float = 3.0  # classifier-free guidance scale
    seed: int = 0  # base seed; the same product + settings give the same images
    formats: tuple[str, ...] = ("png",)  # image formats written per creative
    allow_warnings: bool = False  # keep creatives whose compliance check only warns
    theme: str | None = None  # campaign theme (creative/themes.yaml); None = no campaign look

    def __post_init__(self) -> None:
        object.__setattr__(self, "placements", tuple(self.placements))
        object.__setattr__(self, "audiences", tuple(self.audiences))
        object.__setattr__(self, "formats", tuple(self.formats))
        if not 1 <= len(self.placements) <= MAX_PLACEMENTS:
            raise InvalidInputError(
                f"placements: {len(self.placements)} given; between 1 and {MAX_PLACEMENTS} allowed"
            )
        if not 1 <= self.steps <= 200:
            raise InvalidInputError(f"steps {self.steps} must be between 1 and 200")
        check_seed(self.seed)
        if self.theme is not None:
            from adcraft.delivery.run import check_theme
            from adcraft.errors import NotFoundError

            try:
                object.__setattr__(self, "theme", check_theme(self.theme))
            except NotFoundError as exc:  # a bad request value, not a missing resource
                raise InvalidInputError(str(exc)) from None

    def to_dict(self) -> dict:
        """Plain JSON form."""
        return asdict(self)


@dataclass
class CreativeFile:
    """One finished creative on disk and what the UI shows about it."""

    placement: str  # placement name or "WxH"
    image: Path  # the main image file (first format)
    manifest: Path  # JSON manifest beside it
    qa_status: str = "unchecked"  # pass / warn / fail / unchecked
    segment: str | None = None  # audience segment it was made for
    notes: dict = field(default_factory=dict)  # compliance and QA notes


def product_key(product: dict, settings: GenerationSettings) -> str:
    """Content hash of a product row and the settings: equal inputs give the same key (16 hex chars)."""
    payload = json.dumps(
        {"product": product, "settings": settings.to_dict()}, sort_keys=True, ensure_ascii=False, default=str
    )
    digest = hashlib.sha256(payload.encode("utf-8"))
    photo = product.get("photo")
    if photo and Path(photo).is_file():  # a changed photo under the same name is a new input
        digest.update(Path(photo).read_bytes())
    return digest.hexdigest()[:16]


def load_pipeline(model: str, device: str = "cpu"):
    """Load the text-to-image pipeline once per process: a shipped name, a checkpoint dir or 'tiny-random'."""
    from adcraft.diffusion.pipeline import TextToImagePipeline

    if model == "tiny-random":
        return TextToImagePipeline.tiny_random(seed=0)
    return TextToImagePipeline.from_pretrained(model, device=device)


def generate_for_product(
    product: dict,
    settings: GenerationSettings,
    pipeline: Any,
    out_dir: str | Path,
) -> list[CreativeFile]:
    """Generate every creative for one product into out_dir (atomic files); returns them in order."""
    from adcraft.creative.product import Product

    parsed = Product.from_dict(dict(product))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    audiences = settings.audiences or (None,)
    files: list[CreativeFile] = []
    for audience in audiences:
        files.extend(_compose(parsed, audience, settings, pipeline, out_dir))
    return files


def _compose(
    product, audience: str | None, settings: GenerationSettings, pipeline: Any, out_dir: Path
) -> list[CreativeFile]:
    """The composer's call for one audience, writing under out_dir/<audience or 'all'>."""
    from adcraft.creative.api import generate_creatives

    folder = out_dir / (audience or "all")
    creatives = generate_creatives(
        product,
        placements=list(settings.placements),
        audience=audience,
        out_dir=folder,
        pipeline=pipeline,
        seed=settings.seed,
        formats=settings.formats,
        allow_warnings=settings.allow_warnings,
        num_steps=settings.steps,
        theme=settings.theme,
    )
    manifest = folder / "manifest.json"
    compliance = json.loads(manifest.read_text(encoding="utf-8")).get("compliance", {})
    hits = [
        f"{name}: {hit.get('matched') or hit.get('term')} ({hit.get('severity')}) -> {hit.get('suggestion')}"
        for name, report in compliance.items()
        for hit in report.get("hits", [])
    ]
    return [
        CreativeFile(
            placement=c.placement.name if c.placement.name != "custom" else c.placement.key,
            image=c.files[0],
            manifest=manifest,
            qa_status=qa_status(c.qa),
            segment=audience,
            notes={
                "qa_failures": list(c.qa.failures),
                "qa_warnings": list(c.qa.warnings),
                "compliance": hits,
                "size": c.placement.key,
            },
        )
        for c in creatives
    ]


def qa_status(qa: Any) -> str:
    """'fail' when a QA check failed, 'warn' when it only warned, else 'pass'."""
    if not qa.passed:
        return "fail"
    return "warn" if qa.warnings else "pass"


def write_result(out_dir: Path, files: list[CreativeFile], extra: dict) -> Path:
    """Write result.json (paths relative to out_dir) last, marking the product as finished."""
    entries = [
        {
            "placement": f.placement,
            "image": f.image.relative_to(out_dir).as_posix(),
            "manifest": f.manifest.relative_to(out_dir).as_posix(),
            "qa_status": f.qa_status,
            "segment": f.segment,
            "notes": f.notes,
        }
        for f in files
    ]
    return write_json_atomic(out_dir / RESULT_FILE, {**extra, "creatives": entries})


def publish_dir(tmp_dir: Path, final_dir: Path) -> Path:
    """Move a finished product folder into place in one rename; an older copy is replaced."""
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    if final_dir.exists():
        shutil.rmtree(final_dir)
    os.replace(tmp_dir, final_dir)
    return final_dir
