"""The service's own tables: ingestion jobs, feedback, and the audit log.

They live in the same database as the index (settings.sqlalchemy_url) but are the service's alone,
prefixed `svc_` so they never collide with the index store's tables. SQLite in the embedded mode,
PostgreSQL in a deployment; nothing here is dialect-specific.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


UNAUDITED = frozenset({"url", "viewer_url"})  # citation fields the audit does not keep (signed links)


class JobRow(Base):
    __tablename__ = "svc_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    stage: Mapped[str] = mapped_column(String(64))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    doc_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    chunks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # The upload itself, so any API process may run the job (cleared once ingested), and who claimed it.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    worker: Mapped[str | None] = mapped_column(String(128), nullable=True)
    options: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON ingest overrides (Part II flags)


Index("ix_svc_jobs_status", JobRow.status, JobRow.created_at)


class AuditRow(Base):
    """Who asked what and which documents the answer cited: what an information-governance
    officer needs when asked "did anyone see the Part II report through the chatbot?"."""

    __tablename__ = "svc_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    subject: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    conversation_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cited_doc_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)


class FeedbackRow(Base):
    __tablename__ = "svc_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    subject: Mapped[str] = mapped_column(String(255))
    answer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    conversation_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass
class Job:
    id: str
    status: str
    stage: str
    progress: float
    filename: str
    size_bytes: int
    result: str | None
    doc_id: str | None
    chunks: int | None
    error: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    worker: str | None = None  # host:pid of the process that claimed it
    options: str | None = None  # JSON: what the uploader said about the paper (Library.ingest_bytes overrides)

    @property
    def overrides(self) -> dict[str, Any] | None:
        return json.loads(self.options) if self.options else None


def _job(row: JobRow) -> Job:
    return Job(**{c: getattr(row, c) for c in Job.__dataclass_fields__})


class ServiceDB:
    def __init__(self, url: str):
        self.engine: Engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            # The index writes to the same file from the ingest thread; wait for its lock
            # instead of failing with "database is locked". 60 s, not 10: at 200 concurrent answers
            # each audit insert queues behind the others and an upload's commit (a 10 s wait
            # turned an answered question into a 500 in evals/load.py).
            @event.listens_for(self.engine, "connect")
            def _pragmas(conn, _):  # pragma: no cover - trivial
                cur = conn.cursor()
                cur.execute("PRAGMA busy_timeout=60000")
                cur.close()

        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def create_tables(self) -> None:
        """Bring the whole schema (index, service, conversations) to the current migration."""
        from index.migrate import upgrade

        upgrade(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as c:
            c.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- jobs
    def create_job(
        self,
        filename: str,
        size_bytes: int,
        created_by: str,
        payload: bytes | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> Job:
        now = _now()
        row = JobRow(
            id=uuid.uuid4().hex,
            status="queued",
            stage="queued",
            progress=0.0,
            filename=filename,
            size_bytes=size_bytes,
            created_by=created_by,
            payload=payload,
            options=json.dumps(overrides) if overrides else None,
            created_at=now,
            updated_at=now,
        )
        with self._session.begin() as s:
            s.add(row)
        return _job(row)

    def requeue_stale(self, older_than: timedelta = timedelta(minutes=30)) -> int:
        """Jobs left `running` by a worker that died (its process killed mid-ingest) go back to the
        queue. Parsing has a hard deadline (parse_timeout_s), so a live job is never this old."""
        with self._session.begin() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.status == "running", JobRow.payload.is_not(None), JobRow.updated_at < _now() - older_than)
                .values(status="queued", stage="queued (worker lost)", worker=None, updated_at=_now())
                .execution_options(synchronize_session=False)
            )
            return int(cast("CursorResult[Any]", done).rowcount or 0)

    def claim_job(self, worker: str) -> tuple[Job, bytes] | None:
        """Take the oldest queued job for `worker`, or None. Exactly one process wins a job:
        PostgreSQL skips rows another transaction has locked (FOR UPDATE SKIP LOCKED; SQLite has
        no row locks and ignores it), and the UPDATE only succeeds while the row is still queued,
        which is what makes it safe on SQLite (writers are serialised) and under any isolation."""
        claim = dict(status="running", stage="parsing and indexing", progress=0.1, worker=worker, updated_at=_now())
        oldest = select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.created_at, JobRow.id).limit(1)
        with self._session.begin() as s:
            if self.engine.dialect.name == "postgresql":
                job_id = s.scalar(oldest.with_for_update(skip_locked=True))
                if job_id is None:
                    return None
                won = (
                    cast(
                        "CursorResult[Any]",
                        s.execute(
                            update(JobRow)
                            .where(JobRow.id == job_id, JobRow.status == "queued")
                            .values(**claim)
                            .execution_options(synchronize_session=False)
                        ),
                    ).rowcount
                    == 1
                )
            else:
                # one statement, so the write lock is taken first: a SELECT-then-UPDATE transaction
                # would fail with SQLITE_BUSY when another writer commits in between
                job_id = s.scalar(
                    update(JobRow)
                    .where(JobRow.id == oldest.scalar_subquery(), JobRow.status == "queued")
                    .values(**claim)
                    .returning(JobRow.id)
                    .execution_options(synchronize_session=False)
                )
                won = job_id is not None
            if not won:
                return None  # nothing queued, or another worker got there first
            payload = s.scalar(select(JobRow.payload).where(JobRow.id == job_id))
            row = s.get(JobRow, job_id, populate_existing=True)
            assert row is not None
            return _job(row), payload or b""

    def update_job(self, job_id: str, **fields: Any) -> None:
        with self._session.begin() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                return
            for k, v in fields.items():
                setattr(row, k, v)
            if fields.get("status") in ("done", "failed"):
                row.payload = None  # the original now lives with the document; don't keep two copies
            row.updated_at = _now()

    def job(self, job_id: str) -> Job | None:
        with self._session() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row else None

    # ---- audit
    def audit(
        self,
        *,
        subject: str,
        role: str,
        route: str,
        question: str,
        conversation_id: str | None,
        citations: list[dict[str, Any]],
        abstained: bool,
        latency_ms: float | None,
    ) -> int:
        doc_ids = sorted({c["doc_id"] for c in citations if c.get("doc_id")})
        # Without the link: a citation's `url` carries a signature that opens the paper for an hour,
        # and the audit is kept for years; doc_id and pdf_page say what was cited.
        kept = [{k: v for k, v in c.items() if k not in UNAUDITED} for c in citations]
        row = AuditRow(
            subject=subject,
            role=role,
            route=route,
            question=question,
            conversation_id=conversation_id,
            cited_doc_ids=doc_ids,
            citations=json.loads(json.dumps(kept, default=str)),
            abstained=abstained,
            latency_ms=latency_ms,
        )
        with self._session.begin() as s:
            s.add(row)
            s.flush()
            return row.id

    def audit_rows(self, limit: int = 100) -> list[AuditRow]:
        with self._session() as s:
            return list(s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))

    def audit_exists(self, answer_id: int) -> bool:
        with self._session() as s:
            return s.get(AuditRow, answer_id) is not None

    def audit_owner(self, answer_id: int) -> tuple[str, str] | None:
        """(subject, role) the answer was given to, or None if there is no such answer."""
        with self._session() as s:
            row = s.get(AuditRow, answer_id)
            return (row.subject, row.role) if row is not None else None

    # ---- feedback
    def add_feedback(
        self, *, subject: str, answer_id: int | None, conversation_id: str | None, rating: int, comment: str | None
    ) -> int:
        row = FeedbackRow(
            subject=subject, answer_id=answer_id, conversation_id=conversation_id, rating=rating, comment=comment
        )
        with self._session.begin() as s:
            s.add(row)
            s.flush()
            return row.id

    def feedback_rows(self) -> list[FeedbackRow]:
        with self._session() as s:
            return list(s.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))


# Sessions are short-lived and local to each method; callers never hold one across a request.
__all__ = ["ServiceDB", "Job", "AuditRow", "FeedbackRow", "Session"]
