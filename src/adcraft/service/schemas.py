"""Request and response bodies of the HTTP API (pydantic); product values are checked by adcraft.creative.

Every request model refuses unknown keys (a misspelt `placement` or `audience` is a 422 naming the
allowed ones), text fields refuse control characters, and images are named only by upload id.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from adcraft.creative.product import MAX_BANNED_CHARS, MAX_BANNED_TERMS, MAX_TITLE_CHARS
from adcraft.defaults import MAX_PLACEMENTS
from adcraft.diffusion.schedule import MAX_SEED  # one seed rule for the CLI, batches and the API
from adcraft.store.repository import MAX_ID_CHARS

MAX_NAME_CHARS = 64  # segment, placement and audience names
MAX_POINT_CHARS = 200  # one selling point
MAX_LIST_ITEMS = 50  # selling points, brand colours, audiences
UPLOAD_PATTERN = r"^uploads/[0-9a-f]{32}\.(png|jpg|webp)$"  # what POST /v1/uploads returns
_UPLOAD_REF = re.compile(UPLOAD_PATTERN)
_ALLOWED_CONTROLS = "\t\n\r"


def no_control_chars(value: str) -> str:
    """Refuse NUL and other control characters (tab and newlines are allowed): they cannot be drawn."""
    for index, ch in enumerate(value):
        if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS:
            raise ValueError(f"control character U+{ord(ch):04X} at position {index} is not allowed")
    return value


def no_control_chars_or_none(value: str | None) -> str | None:
    """no_control_chars for an optional value."""
    return None if value is None else no_control_chars(value)


def upload_ref(value: str) -> str:
    """An image is named by the id POST /v1/uploads returned, never by a server path."""
    if not _UPLOAD_REF.match(value):
        raise ValueError(
            "must be an upload id like 'uploads/<32 hex>.png' returned by POST /v1/uploads; "
            "a request cannot name a file on the server"
        )
    return value


def text(max_length: int | None = None, **kw: Any) -> Any:
    """A strict string without control characters, at most max_length characters."""
    return Annotated[StrictStr, Field(max_length=max_length, **kw), AfterValidator(no_control_chars)]


Text = text()
Name = text(MAX_NAME_CHARS, min_length=1)
Id = text(MAX_ID_CHARS, min_length=1)
Title = text(MAX_TITLE_CHARS)
Code = text(8)  # currency or language code
Code32 = text(32)  # a category name
Brand = text(100)
Point = text(MAX_POINT_CHARS)
Color = text(7)
Banned = text(MAX_BANNED_CHARS)
ImageRef = Annotated[
    StrictStr, Field(json_schema_extra={"pattern": UPLOAD_PATTERN}), AfterValidator(upload_ref)
]
MAX_AMOUNT_CHARS = 32


def amount(value: Any) -> Any:
    """A price is a JSON number or a short string; Product reads it by the currency's conventions."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("must be a number or a string like '19.99' or '$19.99'")
    if isinstance(value, str):
        if len(value) > MAX_AMOUNT_CHARS:
            raise ValueError(f"has {len(value)} characters; at most {MAX_AMOUNT_CHARS}")
        no_control_chars(value)
    return value


Amount = Annotated[
    Any,
    BeforeValidator(amount),
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": MAX_AMOUNT_CHARS}, {"type": "number"}]}),
]


class Strict(BaseModel):
    """Request bodies: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class ProductIn(Strict):
    """A product as the API takes it; adcraft.creative.product.Product checks the values."""

    title: Title = Field(..., description="the product's name, 1-200 characters")
    description: Text | None = Field(None, description="free text; at most ADCRAFT_MAX_DESCRIPTION_CHARS")
    price: Amount | None = Field(None, description="a number or a string like '19.99', '$19.99', '19,99 €'")
    original_price: Amount | None = Field(None, description="list price before discount (with price)")
    currency: Code | None = Field(None, description="ISO code: CNY (default), USD, EUR, GBP, JPY, HKD")
    brand: Brand | None = None
    selling_points: list[Point] | None = Field(None, max_length=MAX_LIST_ITEMS)
    language: Code | None = Field(None, description="auto (default), zh or en")
    photo: ImageRef | None = Field(None, description="product photo: an id from POST /v1/uploads")
    brand_colors: list[Color] | None = Field(None, max_length=MAX_LIST_ITEMS, description="'#RRGGBB'")
    logo: ImageRef | None = Field(None, description="brand logo: an id from POST /v1/uploads")
    banned_terms: list[Banned] | None = Field(None, max_length=MAX_BANNED_TERMS)
    category: Code32 | None = Field(
        None, description="advertising-law category (drug, cosmetics, ...); default: read from the text"
    )

    def fields_given(self) -> dict[str, Any]:
        """The fields the client gave (null means not given), as Product.from_dict reads them."""
        return self.model_dump(exclude_none=True)


class GenerateRequest(Strict):
    """Creatives for one product, generated while the request waits."""

    product: ProductIn
    placements: list[Name] | None = Field(
        None, max_length=MAX_PLACEMENTS, description="placement names or WxH; default: the service's"
    )
    audiences: list[Name] | None = Field(
        None, max_length=MAX_LIST_ITEMS, description="segment names; default: one generic set"
    )
    seed: StrictInt = Field(0, ge=0, le=MAX_SEED)
    theme: Name | None = Field(
        None, description="campaign theme: 618, 双11, 双12, 春节, 情人节, 中秋, black-friday, christmas"
    )


class JobRequest(Strict):
    """Creatives for several products, generated in the background."""

    products: list[ProductIn] = Field(..., min_length=1, description="at most ADCRAFT_MAX_PRODUCTS_PER_JOB")
    placements: list[Name] | None = Field(None, max_length=MAX_PLACEMENTS)
    audiences: list[Name] | None = Field(None, max_length=MAX_LIST_ITEMS)
    seed: StrictInt = Field(0, ge=0, le=MAX_SEED)
    theme: Name | None = Field(None, description="campaign theme, as for POST /v1/creatives")


class Creative(BaseModel):
    """A stored creative with links to its files."""

    id: str
    product_id: str
    placement: str
    qa_status: str
    segment: str | None
    notes: dict[str, Any]
    created: str
    image_url: str
    manifest_url: str


class GenerateResponse(BaseModel):
    """The product's id and its new creatives."""

    product_id: str
    creatives: list[Creative]
    zip_url: str


class JobAccepted(BaseModel):
    """A queued job and where to poll it."""

    job_id: str
    status_url: str


JobState = Literal["queued", "running", "done", "failed", "interrupted", "cancelled"]


class JobProgress(BaseModel):
    """The product a running job is making now: its visual's sampler steps and placements composed."""

    product_index: int
    products_total: int
    visuals_done: int = Field(description="one visual per audience")
    visuals_total: int
    step: int = Field(description="sampler steps done of the visual being made")
    steps: int
    placements_done: int = Field(description="creatives of this product composed so far")
    placements_total: int


class JobStatus(BaseModel):
    """A job's progress and per-product results (creative ids or an error)."""

    id: str
    status: JobState = Field(
        description="interrupted: the server stopped while a job without a stored request ran; failed: "
        "see reason; cancelled: by POST /v1/jobs/{id}/cancel"
    )
    total: int
    done: int
    failed: int
    results: list[dict[str, Any]]
    created: str
    updated: str
    attempts: int = Field(0, description="times a server started running the job")
    reason: str | None = Field(None, description="why the job failed or was cancelled")
    queue_position: int | None = Field(None, description="1 = next to run; only while queued")
    progress: JobProgress | None = Field(None, description="only while running")


class JobSummary(BaseModel):
    """A job in a list."""

    id: str
    status: JobState
    total: int
    done: int
    failed: int
    created: str
    updated: str
    status_url: str


class JobPage(BaseModel):
    """One page of jobs, newest first; pass next_cursor as ?cursor= for the next page."""

    items: list[JobSummary]
    total: int = Field(description="jobs matching the filter, over all pages")
    next_cursor: str | None


class Upload(BaseModel):
    """Where an uploaded photo is stored; pass it as the product's 'photo'."""

    photo: str
