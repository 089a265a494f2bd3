"""The Store: one object over the database and the files under the data directory; returns plain dicts."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from adcraft.errors import ConfigError, InvalidInputError, NotFoundError
from adcraft.store.campaigns import CampaignStore
from adcraft.store.files import relative_to_root, resolve_inside
from adcraft.store.jobs import JobQueue, JobWorkRow
from adcraft.store.models import (
    JOB_STATES,
    QA_STATES,
    Base,
    CreativeRow,
    JobRow,
    ProductRow,
    iso_utc,
    new_id,
    utcnow,
)

logger = logging.getLogger(__name__)

DB_FILE = "adcraft.sqlite"  # default database file name under the data directory
MAX_LIST = 500  # largest page a list call returns
MAX_OFFSET = 2**31 - 1  # SQLite's OFFSET is a signed 64-bit integer; nobody pages past two billion rows
MAX_ID_CHARS = 64  # the id columns' width; a longer or NUL-holding string is never an id
INTERRUPTED = "interrupted: the server stopped before this product was generated; submit it again"


def default_url(data_dir: str | Path) -> str:
    """The SQLite URL of the default database file under data_dir."""
    return f"sqlite:///{Path(data_dir).resolve() / DB_FILE}"


def _enable_sqlite_wal(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent on a crash; no fsync per logged choice
    cur.execute("PRAGMA foreign_keys=ON")  # so deleting a product deletes its creatives and events
    cur.execute("PRAGMA busy_timeout=10000")  # wait for another writer instead of failing at once
    cur.close()


class Store:
    """Products, creatives, jobs and events in a SQL database; creative files under data_dir."""

    def __init__(self, data_dir: str | Path, url: str | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if not os.access(self.data_dir, os.W_OK | os.X_OK):
                raise PermissionError("not writable")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError(
                f"data dir {str(self.data_dir)!r} cannot be used as a folder: {reason}"
            ) from None
        self.url = url or default_url(self.data_dir)
        try:
            self.engine = create_engine(self.url, future=True)
        except Exception as exc:  # bad URL or a driver that is not installed
            raise ConfigError(f"database url cannot be used: {type(exc).__name__}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _enable_sqlite_wal)
        try:
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:  # unreachable server, read-only or corrupt file
            first = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
            raise ConfigError(f"database cannot be opened: {first}") from None
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.campaigns = CampaignStore(self._session)  # campaigns, variants, impressions, feedback
        self.jobs = JobQueue(self._session)  # the durable job queue (store/jobs.py)
        logger.info("store at %s (%s)", self.data_dir, self.engine.dialect.name)

    def session(self) -> Session:
        """A new ORM session (use as a context manager)."""
        return self._session()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # products ---------------------------------------------------------------------------------
    def ping(self) -> None:
        """Run a trivial query (readiness); raises when the database cannot answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def add_product(
        self, product: dict, *, product_id: str | None = None, price: Decimal | float | None = None
    ) -> str:
        """Record a product dict (needs a non-empty 'title'); returns its id.
        price defaults to the dict's price when that is a number."""
        return self.add_product_with_creatives(product, (), product_id=product_id, price=price)[0]

    def add_product_with_creatives(
        self,
        product: dict,
        creatives: Iterable[dict],
        *,
        product_id: str | None = None,
        price: Decimal | float | None = None,
    ) -> tuple[str, list[str]]:
        """Record a product and its creatives (add_creative's arguments as dicts) in one transaction;
        returns (product id, creative ids in order)."""
        title = str(product.get("title") or "").strip()
        if not title:
            raise InvalidInputError("product needs a non-empty 'title'")
        if price is None and isinstance(product.get("price"), (int, float)):
            price = product["price"]
        product_id = product_id or new_id()
        rows = [self._creative_row(product_id, **c) for c in creatives]
        with self.session() as s, s.begin():
            s.add(
                ProductRow(
                    id=product_id,
                    title=title,
                    price=None if price is None else float(price),
                    data=dict(product),
                )
            )
            s.flush()
            s.add_all(rows)
        return product_id, [row.id for row in rows]

    def get_product(self, product_id: str) -> dict:
        """The product's record; NotFoundError if there is none."""
        with self.session() as s:
            row = s.get(ProductRow, product_id) if _plausible_id(product_id) else None
            if row is None:
                raise NotFoundError(f"product {product_id!r} does not exist")
            return {
                "id": row.id,
                "title": row.title,
                "price": row.price,
                "data": row.data,
                "created": iso_utc(row.created),
            }

    # creatives --------------------------------------------------------------------------------
    def add_creative(
        self,
        product_id: str,
        placement: str,
        image_path: str | Path,
        manifest_path: str | Path,
        qa_status: str = "unchecked",
        segment: str | None = None,
        notes: dict | None = None,
    ) -> str:
        """Record a creative whose files already exist under data_dir; returns its id."""
        row = self._creative_row(product_id, placement, image_path, manifest_path, qa_status, segment, notes)
        with self.session() as s, s.begin():
            if s.get(ProductRow, product_id) is None:
                raise NotFoundError(f"product {product_id!r} does not exist")
            s.add(row)
            s.flush()
            return row.id

    def _creative_row(
        self,
        product_id: str,
        placement: str,
        image_path: str | Path,
        manifest_path: str | Path,
        qa_status: str = "unchecked",
        segment: str | None = None,
        notes: dict | None = None,
    ) -> CreativeRow:
        if qa_status not in QA_STATES:
            raise InvalidInputError(f"qa_status {qa_status!r} must be one of {QA_STATES}")
        return CreativeRow(
            id=new_id(),
            product_id=product_id,
            placement=placement,
            image_path=relative_to_root(self.data_dir, image_path),
            manifest_path=relative_to_root(self.data_dir, manifest_path),
            qa_status=qa_status,
            segment=segment,
            notes=notes or {},
        )

    def get_creative(self, creative_id: str) -> dict:
        """The creative's record; NotFoundError if there is none."""
        with self.session() as s:
            row = s.get(CreativeRow, creative_id) if _plausible_id(creative_id) else None
            if row is None:
                raise NotFoundError(f"creative {creative_id!r} does not exist")
            return _creative_dict(row)

    def creative_file(self, creative_id: str, which: str) -> Path:
        """Absolute path of a creative's 'image' or 'manifest', checked to lie inside data_dir."""
        if which not in ("image", "manifest"):
            raise InvalidInputError(f"which {which!r} must be 'image' or 'manifest'")
        record = self.get_creative(creative_id)
        path = resolve_inside(self.data_dir, record[f"{which}_path"])
        if not path.is_file():
            raise NotFoundError(f"the {which} file of creative {creative_id!r} is missing")
        return path

    def list_creatives(
        self, product_id: str | None = None, segment: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict]:
        """Creatives, newest first, optionally for one product or segment."""
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInputError(f"limit {limit} must be between 1 and {MAX_LIST}")
        if not 0 <= offset <= MAX_OFFSET:
            raise InvalidInputError(f"offset {offset} must be between 0 and {MAX_OFFSET}")
        query = select(CreativeRow).order_by(CreativeRow.created.desc(), CreativeRow.id)
        if product_id is not None:
            query = query.where(CreativeRow.product_id == product_id)
        if segment is not None:
            query = query.where(CreativeRow.segment == segment)
        with self.session() as s:
            return [_creative_dict(r) for r in s.scalars(query.limit(limit).offset(offset))]

    def delete_creative(self, creative_id: str) -> None:
        """Delete a creative's record and its files (campaign variants keep their logged history)."""
        with self.session() as s, s.begin():
            row = s.get(CreativeRow, creative_id) if _plausible_id(creative_id) else None
            if row is None:
                raise NotFoundError(f"creative {creative_id!r} does not exist")
            paths = [row.image_path, row.manifest_path]
            s.delete(row)
        for rel in paths:
            path = resolve_inside(self.data_dir, rel)
            if path.is_file() and not self._shared(rel):
                os.unlink(path)

    def _shared(self, rel: str) -> bool:
        with self.session() as s:
            n = s.scalar(
                select(func.count())
                .select_from(CreativeRow)
                .where((CreativeRow.image_path == rel) | (CreativeRow.manifest_path == rel))
            )
            return bool(n)

    # jobs -------------------------------------------------------------------------------------
    def create_job(self, request: dict, total: int, status: str = "queued") -> str:
        """Record a job (queued unless told otherwise); returns its id."""
        if status not in JOB_STATES:
            raise InvalidInputError(f"job status {status!r} must be one of {JOB_STATES}")
        with self.session() as s, s.begin():
            row = JobRow(request=request, total=total, status=status)
            s.add(row)
            s.flush()
            return row.id

    def delete_job(self, job_id: str) -> None:
        """Forget a job (one that was never queued); no error when it is already gone."""
        with self.session() as s, s.begin():
            row = s.get(JobRow, job_id)
            if row is not None:
                s.delete(row)

    def interrupt_unfinished_jobs(self) -> list[str]:
        """Mark every queued or running job without a stored request 'interrupted' (its missing products
        as failed); returns ids. Jobs with one are re-queued instead (JobQueue.requeue_at_startup).

        Called at start-up: such a job, queued or running when the last server process stopped, can
        never finish. One server process per database is assumed."""
        durable = select(JobWorkRow.job_id)
        with self.session() as s, s.begin():
            rows = list(
                s.scalars(
                    select(JobRow).where(JobRow.status.in_(("queued", "running")), JobRow.id.not_in(durable))
                )
            )
            for row in rows:
                reported = {r.get("index") for r in row.results}
                missing = [i for i in range(row.total) if i not in reported]
                row.results = [*row.results, *({"index": i, "error": INTERRUPTED} for i in missing)]
                row.failed += len(missing)
                row.status = "interrupted"
                row.updated = utcnow()
            return [row.id for row in rows]

    def update_job(self, job_id: str, *, status: str | None = None, result: dict | None = None) -> None:
        """Change a job's status and/or append one product's result (counted as done or failed)."""
        if status is not None and status not in JOB_STATES:
            raise InvalidInputError(f"job status {status!r} must be one of {JOB_STATES}")
        with self.session() as s, s.begin():
            row = s.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id!r} does not exist")
            if status is not None:
                row.status = status
            if result is not None:
                row.results = [*row.results, result]
                if result.get("error"):
                    row.failed += 1
                else:
                    row.done += 1
            row.updated = utcnow()

    def get_job(self, job_id: str) -> dict:
        """The job's status, counts and per-product results."""
        with self.session() as s:
            row = s.get(JobRow, job_id) if _plausible_id(job_id) else None
            if row is None:
                raise NotFoundError(f"job {job_id!r} does not exist")
            return {
                "id": row.id,
                "status": row.status,
                "total": row.total,
                "done": row.done,
                "failed": row.failed,
                "results": list(row.results),
                "created": iso_utc(row.created),
                "updated": iso_utc(row.updated),
            }


def _plausible_id(value: str) -> bool:
    """Whether a string could be a stored id (short, no NUL), so it is safe to send to any database."""
    return 0 < len(value) <= MAX_ID_CHARS and "\x00" not in value


def _creative_dict(row: CreativeRow) -> dict:
    return {
        "id": row.id,
        "product_id": row.product_id,
        "placement": row.placement,
        "image_path": row.image_path,
        "manifest_path": row.manifest_path,
        "qa_status": row.qa_status,
        "segment": row.segment,
        "notes": row.notes or {},
        "created": iso_utc(row.created),
    }
