"""The database tables (SQLAlchemy 2 declarative): products, creatives, jobs (campaigns: campaigns.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# interrupted: the server stopped (a job without a stored request); cancelled: by the client
JOB_STATES = ("queued", "running", "done", "failed", "interrupted", "cancelled")
QA_STATES = ("pass", "warn", "fail", "unchecked")


def new_id() -> str:
    """A random 32-hex-character id."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The current time in UTC (stored timezone-aware)."""
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 with its timezone; SQLite hands timezone-aware columns back naive, and they are UTC."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).isoformat()


class Base(DeclarativeBase):
    """Declarative base for every adcraft table."""


class ProductRow(Base):
    """A product as submitted (title, description, price and the rest as JSON)."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(Text)
    price: Mapped[float | None] = mapped_column(Float, nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    creatives: Mapped[list[CreativeRow]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )


class CreativeRow(Base):
    """One finished creative: an image and its manifest on disk (paths relative to the data dir)."""

    __tablename__ = "creatives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    placement: Mapped[str] = mapped_column(String(64))
    image_path: Mapped[str] = mapped_column(Text)
    manifest_path: Mapped[str] = mapped_column(Text)
    qa_status: Mapped[str] = mapped_column(String(16), default="unchecked")
    segment: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    notes: Mapped[dict] = mapped_column(JSON, default=dict)  # compliance and QA notes for the UI
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    product: Mapped[ProductRow] = relationship(back_populates="creatives")


class JobRow(Base):
    """An asynchronous generation job over several products."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    request: Mapped[dict] = mapped_column(JSON, default=dict)
    results: Mapped[list] = mapped_column(JSON, default=list)  # one entry per product: ids or an error
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
