"""The durable half of jobs: each job's stored work (request, Idempotency-Key, attempts) and the
atomic state changes the runner and the routes make (claim, cancel, retry, re-queue at start-up).

A job is its `jobs` row plus a `job_work` row; the database is the queue. A job is claimed with one
conditional UPDATE (queued -> running), so two runners never take the same job, and everything a job
needs to run again is in the database: a server killed with SIGKILL loses no job.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from adcraft.errors import ConflictError, IdempotencyKeyReusedError, InvalidInputError, NotFoundError
from adcraft.store.models import JOB_STATES, Base, JobRow, iso_utc, utcnow

MAX_ATTEMPTS = 3  # server starts a job may be running through; a job killed this often fails with a reason
FINISHED = ("done", "failed", "interrupted", "cancelled")  # states a job never leaves unless retried
RETRYABLE = ("failed", "interrupted", "cancelled", "done")  # done only when some product failed
RESTART_FAILED = (
    "the server stopped {n} times while this job was running; it is not re-queued again "
    "(POST /v1/jobs/{id}/retry runs its unfinished products)"
)


class JobWorkRow(Base):
    """What a job needs to run again: its request, its Idempotency-Key, attempts and why it failed."""

    __tablename__ = "job_work"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    payload: Mapped[dict] = mapped_column(JSON)  # {"products": [submitted dicts], "settings": {...}}
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    body_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical request body
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times a runner claimed the job
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # why the job failed or was cancelled


def encode_cursor(created: datetime, job_id: str) -> str:
    """An opaque cursor: the last listed job's (created, id)."""
    return base64.urlsafe_b64encode(json.dumps([iso_utc(created), job_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(created, id) from a cursor; InvalidInputError when it is not one this server made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, job_id = json.loads(raw)
        return datetime.fromisoformat(created), str(job_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInputError(
            f"cursor {cursor[:40]!r} is not a cursor; pass the next_cursor of a previous page"
        ) from None


class JobQueue:
    """The job queue's operations over the store's sessions; returns plain values."""

    def __init__(self, session_factory) -> None:
        self._session = session_factory

    def create(self, payload: dict, total: int, body_hash: str, key: str | None) -> tuple[str, bool]:
        """Record a queued job and its work; (job id, False). With a key already used for the same body,
        (that job's id, True); for another body, ConflictError (422)."""
        existing = self.find_by_key(key, body_hash) if key else None
        if existing:
            return existing, True
        try:
            with self._session() as s, s.begin():
                row = JobRow(request={"products": total, "settings": payload["settings"]}, total=total)
                s.add(row)
                s.flush()
                s.add(JobWorkRow(job_id=row.id, payload=payload, idempotency_key=key, body_hash=body_hash))
                return row.id, False
        except IntegrityError:  # the same key committed by a concurrent request
            if key and (existing := self.find_by_key(key, body_hash)):
                return existing, True
            raise

    def find_by_key(self, key: str, body_hash: str) -> str | None:
        """The job made under an Idempotency-Key, None when the key is new; ConflictError when it was
        used for another request body (IdempotencyKeyReusedError, 422)."""
        with self._session() as s:
            work = s.scalar(select(JobWorkRow).where(JobWorkRow.idempotency_key == key))
            if work is None:
                return None
            if work.body_hash != body_hash:
                raise IdempotencyKeyReusedError(
                    f"Idempotency-Key {key[:40]!r} was used for a different request body (job "
                    f"{work.job_id}); send the same body to get that job, or use a new key"
                )
            return work.job_id

    def forget(self, job_id: str) -> None:
        """Delete a job that was never accepted (a refused request leaves nothing behind)."""
        with self._session() as s, s.begin():
            s.execute(JobWorkRow.__table__.delete().where(JobWorkRow.job_id == job_id))
            s.execute(JobRow.__table__.delete().where(JobRow.id == job_id))

    def claim(self, job_id: str) -> dict | None:
        """Take a queued job (queued -> running, attempts + 1) and return its payload; None when it is
        no longer queued (cancelled, or taken by another runner)."""
        with self._session() as s, s.begin():
            taken = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "queued")
                .values(status="running", updated=utcnow())
            ).rowcount
            if taken != 1:
                return None
            work = s.get(JobWorkRow, job_id)
            work.attempts += 1
            return dict(work.payload)

    def finish(self, job_id: str) -> bool:
        """running -> done; False when the job left 'running' meanwhile (it was cancelled)."""
        with self._session() as s, s.begin():
            return (
                s.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.status == "running")
                    .values(status="done", updated=utcnow())
                ).rowcount
                == 1
            )

    def status(self, job_id: str) -> str:
        """The job's current state."""
        with self._session() as s:
            state = s.scalar(select(JobRow.status).where(JobRow.id == job_id))
            if state is None:
                raise NotFoundError(f"job {job_id!r} does not exist")
            return state

    def cancel(self, job_id: str) -> str:
        """queued or running -> cancelled; returns the state it had. A finished job is a ConflictError."""
        with self._session() as s, s.begin():
            row = s.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id!r} does not exist")
            if row.status not in ("queued", "running"):
                raise ConflictError(
                    f"job {job_id} is {row.status}; only queued or running jobs can be cancelled"
                )
            before, row.status, row.updated = row.status, "cancelled", utcnow()
            work = s.get(JobWorkRow, job_id)
            if work is not None:
                work.reason = f"cancelled by the client while {before}"
            return before

    def retry(self, job_id: str) -> None:
        """Queue a finished job again for its products without a creative set (errors, never run)."""
        with self._session() as s, s.begin():
            row = s.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id!r} does not exist")
            work = s.get(JobWorkRow, job_id)
            if work is None:
                raise ConflictError(f"job {job_id} kept no request (a synchronous request's job); resend it")
            if row.status not in RETRYABLE or (row.status == "done" and row.failed == 0):
                raise ConflictError(
                    f"job {job_id} is {row.status} with {row.failed} failed product(s); only jobs that "
                    f"are {'/'.join(RETRYABLE[:3])}, or done with failures, can be retried"
                )
            kept = [r for r in row.results if not r.get("error")]
            row.results, row.done, row.failed = kept, len(kept), 0
            row.status, row.updated = "queued", utcnow()
            work.attempts, work.reason = 0, None

    def requeue_at_startup(self) -> tuple[list[str], list[str]]:
        """After a stop: queued jobs stay queued, running ones are queued again unless they have been
        claimed MAX_ATTEMPTS times (then failed with the reason). Returns (queued ids, failed ids)."""
        queued, failed = [], []
        with self._session() as s, s.begin():
            rows = s.execute(
                select(JobRow, JobWorkRow)
                .join(JobWorkRow, JobWorkRow.job_id == JobRow.id)
                .where(JobRow.status.in_(("queued", "running")))
                .order_by(JobRow.created)
            ).all()
            for row, work in rows:
                if row.status == "running" and work.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                    work.reason = RESTART_FAILED.format(n=work.attempts, id=row.id)
                    failed.append(row.id)
                else:
                    row.status = "queued"
                    queued.append(row.id)
                row.updated = utcnow()
        return queued, failed

    def queued_ids(self) -> list[str]:
        """Queued jobs, oldest first."""
        with self._session() as s:
            return list(
                s.scalars(select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.created))
            )

    def details(self, job_id: str) -> dict:
        """What the job's work adds to its status: attempts, reason, queue position, replayable."""
        with self._session() as s:
            row = s.get(JobRow, job_id)
            work = s.get(JobWorkRow, job_id)
            position = None
            if row is not None and row.status == "queued":
                position = 1 + s.scalar(
                    select(func.count())
                    .select_from(JobRow)
                    .where(JobRow.status == "queued", JobRow.created < row.created)
                )
            return {
                "attempts": work.attempts if work else 0,
                "reason": work.reason if work else None,
                "queue_position": position,
            }

    def list(self, status: str | None, limit: int, cursor: str | None) -> dict:
        """One page of jobs, newest first: {items, total, next_cursor}; filter by status."""
        if status is not None and status not in JOB_STATES:
            raise InvalidInputError(f"status {status!r} must be one of {list(JOB_STATES)}")
        where = [JobRow.status == status] if status else []
        with self._session() as s:
            total = s.scalar(select(func.count()).select_from(JobRow).where(*where))
            query = select(JobRow).where(*where)
            if cursor:
                created, last_id = decode_cursor(cursor)
                if s.get_bind().dialect.name == "sqlite":
                    created = created.replace(tzinfo=None)  # SQLite stores the UTC moment naive
                query = query.where(
                    (JobRow.created < created) | ((JobRow.created == created) & (JobRow.id < last_id))
                )
            rows = list(s.scalars(query.order_by(JobRow.created.desc(), JobRow.id.desc()).limit(limit + 1)))
            more = len(rows) > limit
            rows = rows[:limit]
            return {
                "items": [
                    {
                        "id": r.id,
                        "status": r.status,
                        "total": r.total,
                        "done": r.done,
                        "failed": r.failed,
                        "created": iso_utc(r.created),
                        "updated": iso_utc(r.updated),
                        "status_url": f"/v1/jobs/{r.id}",
                    }
                    for r in rows
                ],
                "total": total,
                "next_cursor": encode_cursor(rows[-1].created, rows[-1].id) if more else None,
            }
