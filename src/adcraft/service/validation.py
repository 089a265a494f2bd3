"""The API's validation layer: a request is checked whole here, before anything is stored or queued.

Images come only from uploads, by id ('uploads/<32 hex>.<ext>', what POST /v1/uploads returns): the
schema refuses any other value and this module maps the id to its file inside the data folder, so a
request never names a server path and every refusal reads the same whether or not a path exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from adcraft.errors import InvalidInputError, NotFoundError
from adcraft.generate import GenerationSettings
from adcraft.service.schemas import ProductIn, upload_ref
from adcraft.service.settings import ServiceSettings
from adcraft.store import resolve_inside

UPLOADS_DIR = "uploads"  # product photos and logos, named by content hash
IMAGE_FIELDS = ("photo", "logo")


@dataclass(frozen=True)
class PreparedProduct:
    """A checked product: as submitted (stored, upload ids) and resolved (files, for generation)."""

    submitted: dict[str, Any]  # the fields the client gave
    resolved: dict[str, Any]  # the same with photo/logo as paths inside the data dir
    price: Decimal | None  # the price as Product read it


def upload_path(data_dir: Path, ref: str, field: str) -> Path:
    """The file of an upload id inside data_dir; NotFoundError when nothing was uploaded under it."""
    try:
        upload_ref(ref)
    except ValueError as exc:
        raise InvalidInputError(f"{field} {exc}") from None
    path = resolve_inside(data_dir, ref)  # the id's pattern has no '..'; this also refuses links out
    if not path.is_file():
        raise NotFoundError(f"{field} {ref!r} was not uploaded; POST the image to /v1/uploads first")
    return path


def prepare_product(
    product: ProductIn, data_dir: Path, settings: ServiceSettings, field: str | None = None
) -> PreparedProduct:
    """Check one product completely (sizes, images, every value); errors start with `field` if given
    (a job's 'products[3]')."""
    from adcraft.creative.product import Product

    given = product.fields_given()
    try:
        description = given.get("description", "")
        if len(description) > settings.max_description_chars:
            raise InvalidInputError(
                f"description has {len(description)} characters; at most {settings.max_description_chars} "
                "(ADCRAFT_MAX_DESCRIPTION_CHARS)"
            )
        resolved = dict(given)
        for name in IMAGE_FIELDS:
            if name in given:
                resolved[name] = str(upload_path(data_dir, given[name], name))  # 404 if never uploaded
        parsed = Product.from_dict(dict(resolved))
    except (InvalidInputError, NotFoundError) as exc:
        if field is None:
            raise
        raise type(exc)(f"{field}: {exc}") from None
    return PreparedProduct(submitted=given, resolved=resolved, price=parsed.price)


def prepare_settings(
    settings: ServiceSettings,
    placements: list[str] | None,
    audiences: list[str] | None,
    seed: int,
    theme: str | None = None,
) -> GenerationSettings:
    """Request options on top of the service defaults, each placement and audience checked."""
    from adcraft.creative.placements import parse_placements
    from adcraft.personalize.segments import get_segment

    generation = GenerationSettings(
        model=settings.model,
        placements=tuple(placements or settings.default_placements),
        audiences=tuple(audiences or ()),
        steps=settings.steps,
        guidance=settings.guidance,
        seed=seed,
        theme=theme,
    )
    parse_placements(list(generation.placements))
    for audience in generation.audiences:
        get_segment(audience)
    return generation
