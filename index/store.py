"""The document store: every record ingestion produced, in SQL (SQLite by default, PostgreSQL later).

The store is the source of truth. Chroma and the BM25 index are derived from its `chunks` table and
are reconciled against it when opened (see Library), so a crash between writing vectors and
committing here leaves orphans that get cleaned up, never a half-document in the store.
Each document is written in a single transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Sequence

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ingest.exempt import sync_document
from ingest.models import AgendaItem, Chunk, Minute, Page, ParsedDocument, Vote
from ingest.register import Decision, decisions_of, minute_amendments
from index.filters import SearchFilters, date_key


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    doc_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # one live document per source name: a new version of a file replaces the old one
    source: Mapped[str] = mapped_column(String(512), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    doc_type: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    council: Mapped[str | None] = mapped_column(String(256), nullable=True)
    committee: Mapped[str | None] = mapped_column(String(256), nullable=True)
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_key: Mapped[int] = mapped_column(Integer, default=0, index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    file_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="ready")
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # where the council publishes it (e.g. the ModernGov meeting page), so citations can link back
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # what the paper prints about its meeting, and for an Ofsted report the body inspected
    meeting_time: Mapped[str | None] = mapped_column(String(32), nullable=True)
    venue: Mapped[str | None] = mapped_column(Text, nullable=True)
    authority: Mapped[str | None] = mapped_column(String(256), nullable=True)


class OriginalRow(Base):
    """The uploaded file itself. In the database, not only on local disk, so every API replica can
    serve `/file` for a paper another replica ingested (files_dir is then just a local cache)."""

    __tablename__ = "originals"
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PageRow(Base):
    __tablename__ = "pages"
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), primary_key=True)
    pdf_page: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # read by OCR (and Tesseract's mean confidence), or the section a page stands for (Word)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    section: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Part II lines of the page: JSON [[first, last], ...] positions in text.split("\n") (ingest/exempt.py)
    restricted_lines: Mapped[str] = mapped_column(Text, default="[]")


class ItemRow(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    label_from: Mapped[str | None] = mapped_column(String(32), nullable=True)
    label_to: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pdf_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pdf_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")


class MinuteRow(Base):
    __tablename__ = "minutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    pdf_from: Mapped[int] = mapped_column(Integer)
    pdf_to: Mapped[int] = mapped_column(Integer)
    agenda_item: Mapped[str | None] = mapped_column(String(16), nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)


class ResolutionRow(Base):
    __tablename__ = "resolutions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    minute_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    minute_number: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    pdf_page: Mapped[int] = mapped_column(Integer)
    # the decision of its minute the line belongs to (a RESOLVED block's lines share one); NULL when
    # stored before blocks were read (ingest/register.py guesses them)
    block: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DecisionRow(Base):
    """One decision of a paper (ingest/register.py), written with it. JSON columns hold its parts,
    votes, report and follow-on as the register hands them out."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    minute_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    minute_title: Mapped[str] = mapped_column(Text)
    agenda_item: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    outcome_rule: Mapped[str] = mapped_column(String(64))
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # when not the paper's
    pdf_page: Mapped[int] = mapped_column(Integer)
    page_label: Mapped[str | None] = mapped_column(String(32), nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    votes: Mapped[str] = mapped_column(Text)
    vote: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    follow_on: Mapped[str] = mapped_column(Text)
    refers_to: Mapped[str] = mapped_column(Text)


class JudgementRow(Base):
    __tablename__ = "judgements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(Text)
    grade: Mapped[str] = mapped_column(String(128))
    pdf_page: Mapped[int] = mapped_column(Integer)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)


class VoteRow(Base):
    """A recorded vote beside its minute: counts and names as printed (names are JSON lists)."""

    __tablename__ = "votes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    minute_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    for_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    against_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    abstain_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    for_names: Mapped[str] = mapped_column(Text)
    against_names: Mapped[str] = mapped_column(Text)
    abstain_names: Mapped[str] = mapped_column(Text)
    pdf_page: Mapped[int] = mapped_column(Integer)


class AttendanceRow(Base):
    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    minute_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    role: Mapped[str] = mapped_column(String(32))  # present | apologies | substitute | in_attendance | absent
    name: Mapped[str] = mapped_column(Text)
    pdf_page: Mapped[int] = mapped_column(Integer)


class DeclarationRow(Base):
    __tablename__ = "declarations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    minute_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    member: Mapped[str] = mapped_column(Text)
    interest: Mapped[str] = mapped_column(Text)
    pdf_page: Mapped[int] = mapped_column(Integer)


class InspectionRow(Base):
    """An Ofsted report's own facts: its kind, the body inspected, the dates, the lead inspector."""

    __tablename__ = "inspections"
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    authority: Mapped[str | None] = mapped_column(String(256), nullable=True)
    dates: Mapped[str | None] = mapped_column(String(128), nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    lead_inspector: Mapped[str | None] = mapped_column(String(256), nullable=True)
    pdf_page: Mapped[int] = mapped_column(Integer)


class ChunkRow(Base):
    __tablename__ = "chunks"
    chunk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    source: Mapped[str] = mapped_column(String(512))
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    header: Mapped[str] = mapped_column(Text)
    pdf_pages: Mapped[str] = mapped_column(Text)  # JSON list[int]
    page_labels: Mapped[str] = mapped_column(Text)  # JSON list[str | None]
    token_count: Mapped[int] = mapped_column(Integer)
    item: Mapped[str | None] = mapped_column(String(16), nullable=True)
    item_title: Mapped[str | None] = mapped_column(Text, nullable=True)
    minute: Mapped[str | None] = mapped_column(String(16), nullable=True)
    minute_title: Mapped[str | None] = mapped_column(Text, nullable=True)
    paragraph: Mapped[str | None] = mapped_column(String(16), nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    doc_type: Mapped[str] = mapped_column(String(32))
    council: Mapped[str | None] = mapped_column(String(256), nullable=True)
    committee: Mapped[str | None] = mapped_column(String(256), nullable=True)
    meeting_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    date_key: Mapped[int] = mapped_column(Integer, default=0)


Index("ix_chunks_doc_seq", ChunkRow.doc_id, ChunkRow.seq)


class MetaRow(Base):
    """Key/value: `generation` counts committed writes so derived indexes can tell they are stale."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FailureRow(Base):
    __tablename__ = "ingest_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(512), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --------------------------------------------------------------------------- records handed out


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    source: str
    sha256: str
    doc_type: str
    title: str
    council: str | None
    committee: str | None
    meeting_date: date | None
    restricted: bool
    file_path: str | None
    page_count: int
    chunk_count: int
    status: str
    source_url: str | None = None
    meeting_time: str | None = None
    venue: str | None = None
    authority: str | None = None

    def to_json(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if k != "file_path"}


def _doc_info(r: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        r.doc_id,
        r.source,
        r.sha256,
        r.doc_type,
        r.title,
        r.council,
        r.committee,
        r.meeting_date,
        r.restricted,
        r.file_path,
        r.page_count,
        r.chunk_count,
        r.status,
        r.source_url,
        r.meeting_time,
        r.venue,
        r.authority,
    )


def chunk_from_row(r: ChunkRow) -> Chunk:
    return Chunk(
        chunk_id=r.chunk_id,
        doc_id=r.doc_id,
        source=r.source,
        seq=r.seq,
        text=r.text,
        header=r.header,
        pdf_pages=json.loads(r.pdf_pages),
        page_labels=json.loads(r.page_labels),
        token_count=r.token_count,
        item=r.item,
        item_title=r.item_title,
        minute=r.minute,
        minute_title=r.minute_title,
        paragraph=r.paragraph,
        restricted=r.restricted,
        doc_type=r.doc_type,
        council=r.council,
        committee=r.committee,
        meeting_date=r.meeting_date,
    )


@dataclass(frozen=True)
class PageRecord:
    doc_id: str
    pdf_page: int
    label: str | None
    text: str
    restricted_lines: list[tuple[int, int]]

    @property
    def fully_restricted(self) -> bool:
        return self.restricted_lines == [(0, len(self.text.split("\n")) - 1)]


def _ranges(raw: str | None) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in json.loads(raw or "[]")]


def _page_record(r: PageRow) -> PageRecord:
    return PageRecord(r.doc_id, r.pdf_page, r.label, r.text, _ranges(r.restricted_lines))


def _like(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


WAL_WAIT_S = 30.0  # how long a new connection waits for other connections to let go of the file


def _wal(cur: sqlite3.Cursor) -> None:
    """Switch the file to WAL. The switch needs the file to itself, and SQLite answers "database is
    locked" at once, without its busy handler, while another connection (the service's, a job's)
    holds a transaction on it, as at a server's startup; so wait for them, as the busy timeout would."""
    deadline = time.monotonic() + WAL_WAIT_S
    pause = 0.05
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


class Store:
    def __init__(self, url: str):
        kwargs: dict = {}
        if url.startswith("sqlite"):
            # the service reads from worker threads; SQLite connections are per-thread otherwise
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):

            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                _wal(cur)  # readers don't block the ingesting writer
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

        # the schema is Alembic's (index/migrations), shared with the service's tables
        from index.migrate import upgrade

        upgrade(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._session()

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- generation (staleness marker)
    def generation(self) -> int:
        with self.session() as s:
            v = s.get(MetaRow, "generation")
            return int(v.value) if v else 0

    @staticmethod
    def _bump(s: Session) -> None:
        # FOR UPDATE: two processes committing documents at once must produce two generations, or a
        # third process could miss the second change (PostgreSQL; SQLite serialises writers anyway).
        row = s.get(MetaRow, "generation", with_for_update=True)
        if row is None:
            s.add(MetaRow(key="generation", value="1"))
        else:
            row.value = str(int(row.value) + 1)

    # ---------------------------------------------------------------- writes
    def put_document(
        self,
        doc: ParsedDocument,
        *,
        file_path: str | None,
        replace_doc_id: str | None = None,
        original: bytes | None = None,
        source_url: str | None = None,
    ) -> None:
        """Write a whole document (and delete the one it replaces) in one transaction."""
        # A restricted passage's lines are restricted on its page too, however the flags were set:
        # the page text routes and the release check read the pages, search reads the passages.
        sync_document(doc, "passage")
        with self.session() as s, s.begin():
            if replace_doc_id:
                self._delete_rows(s, replace_doc_id)
            self._delete_rows(s, doc.doc_id)  # idempotent re-put after a crash
            s.flush()
            s.add(
                DocumentRow(
                    doc_id=doc.doc_id,
                    source=doc.source,
                    sha256=doc.sha256,
                    doc_type=str(doc.doc_type),
                    title=doc.title or doc.source,
                    council=doc.council,
                    committee=doc.committee,
                    meeting_date=doc.meeting_date,
                    date_key=date_key(doc.meeting_date),
                    restricted=doc.restricted,
                    file_path=file_path,
                    page_count=len(doc.pages),
                    chunk_count=len(doc.chunks),
                    status="ready",
                    ingested_at=datetime.now(timezone.utc),
                    source_url=source_url,
                    meeting_time=doc.meeting_time,
                    venue=doc.venue,
                    authority=doc.authority,
                )
            )
            s.flush()
            if original is not None:
                s.add(OriginalRow(doc_id=doc.doc_id, data=original))
            s.add_all(
                PageRow(
                    doc_id=doc.doc_id,
                    pdf_page=p.pdf_page,
                    label=p.label,
                    text=p.text,
                    restricted_lines=json.dumps([list(r) for r in p.restricted_lines]),
                    ocr=p.ocr,
                    ocr_confidence=p.ocr_confidence,
                    section=p.section,
                )
                for p in doc.pages
            )
            partly_restricted = {p.pdf_page for p in doc.pages if p.restricted_lines}
            restricted_items = {i.number for i in doc.items if i.restricted}
            for n, i in enumerate(doc.items):
                s.add(
                    ItemRow(
                        doc_id=doc.doc_id,
                        seq=n,
                        number=i.number,
                        title=i.title,
                        label_from=i.page_labels[0] if i.page_labels else None,
                        label_to=i.page_labels[1] if i.page_labels else None,
                        pdf_from=i.pdf_pages[0] if i.pdf_pages else None,
                        pdf_to=i.pdf_pages[1] if i.pdf_pages else None,
                        restricted=i.restricted or doc.restricted,
                        description=i.description,
                    )
                )
            restricted_minutes = {c.minute for c in doc.chunks if c.minute and c.restricted}
            for n, m in enumerate(doc.minutes):
                row = MinuteRow(
                    doc_id=doc.doc_id,
                    seq=n,
                    number=m.number,
                    title=m.title,
                    pdf_from=m.pdf_pages[0],
                    pdf_to=m.pdf_pages[1],
                    agenda_item=m.agenda_item,
                    restricted=(
                        doc.restricted or m.number in restricted_minutes or (m.agenda_item in restricted_items)
                    ),
                )
                s.add(row)
                s.flush()  # need row.id for the resolutions
                for k, line in enumerate(m.resolved):
                    page = m.resolved_pages[k] if k < len(m.resolved_pages) else m.pdf_pages[0]
                    block = m.resolved_blocks[k] if len(m.resolved_blocks) == len(m.resolved) else None
                    s.add(
                        ResolutionRow(
                            doc_id=doc.doc_id,
                            minute_id=row.id,
                            minute_number=m.number,
                            seq=k,
                            text=line,
                            pdf_page=page,
                            block=block,
                        )
                    )
            for n, j in enumerate(doc.judgements):
                s.add(
                    JudgementRow(
                        doc_id=doc.doc_id,
                        seq=n,
                        area=j.area,
                        grade=j.grade,
                        pdf_page=j.pdf_page,
                        restricted=doc.restricted or j.pdf_page in partly_restricted,
                    )
                )
            self._put_records(s, doc)
            decisions = decisions_of(
                minutes=doc.minutes,
                votes=doc.votes,
                pages=doc.pages,
                items=doc.items,
                restricted=doc.restricted,
                meeting_date=doc.meeting_date,
                amended_minutes=minute_amendments([p.text for p in doc.pages], doc.minutes),
                in_pack=str(doc.doc_type) == "agenda_pack",
            )
            for x in decisions:  # a minute with any Part II passage keeps its decisions from the public
                x.restricted = x.restricted or bool(x.minute and x.minute in restricted_minutes)
            self._put_decisions(s, doc.doc_id, decisions)
            s.add_all(
                ChunkRow(
                    chunk_id=c.chunk_id,
                    doc_id=c.doc_id,
                    source=c.source,
                    seq=c.seq,
                    text=c.text,
                    header=c.header,
                    pdf_pages=json.dumps(list(c.pdf_pages)),
                    page_labels=json.dumps(list(c.page_labels)),
                    token_count=c.token_count,
                    item=c.item,
                    item_title=c.item_title,
                    minute=c.minute,
                    minute_title=c.minute_title,
                    paragraph=c.paragraph,
                    restricted=c.restricted or doc.restricted,
                    doc_type=str(c.doc_type),
                    council=c.council,
                    committee=c.committee,
                    meeting_date=c.meeting_date,
                    date_key=date_key(c.meeting_date),
                )
                for c in doc.chunks
            )
            self._bump(s)

    def delete_document(self, doc_id: str) -> bool:
        with self.session() as s, s.begin():
            found = s.get(DocumentRow, doc_id) is not None
            self._delete_rows(s, doc_id)
            if found:
                self._bump(s)
            return found

    @staticmethod
    def _delete_rows(s: Session, doc_id: str) -> None:
        # children first: foreign keys without relying on ON DELETE CASCADE (off by default in SQLite)
        for table in (
            DecisionRow,
            ResolutionRow,
            MinuteRow,
            ItemRow,
            JudgementRow,
            VoteRow,
            AttendanceRow,
            DeclarationRow,
            InspectionRow,
            ChunkRow,
            PageRow,
            OriginalRow,
            DocumentRow,
        ):
            s.execute(delete(table).where(table.doc_id == doc_id))

    @staticmethod
    def _put_records(s: Session, doc: ParsedDocument) -> None:
        """The records beside the text: votes, attendance, declarations, the inspection."""
        for n, v in enumerate(doc.votes):
            s.add(
                VoteRow(
                    doc_id=doc.doc_id,
                    seq=n,
                    minute_number=v.minute,
                    outcome=v.outcome,
                    for_count=v.for_count,
                    against_count=v.against_count,
                    abstain_count=v.abstain_count,
                    for_names=json.dumps(v.for_names),
                    against_names=json.dumps(v.against_names),
                    abstain_names=json.dumps(v.abstain_names),
                    pdf_page=v.pdf_page,
                )
            )
        for n, a in enumerate(doc.attendance):
            s.add(
                AttendanceRow(
                    doc_id=doc.doc_id, seq=n, minute_number=a.minute, role=a.role, name=a.name, pdf_page=a.pdf_page
                )
            )
        for n, d in enumerate(doc.declarations):
            s.add(
                DeclarationRow(
                    doc_id=doc.doc_id,
                    seq=n,
                    minute_number=d.minute,
                    member=d.member,
                    interest=d.interest,
                    pdf_page=d.pdf_page,
                )
            )
        i = doc.inspection
        if i is not None:
            s.add(
                InspectionRow(
                    doc_id=doc.doc_id,
                    kind=i.kind,
                    authority=i.authority,
                    dates=i.dates,
                    start_date=i.start_date,
                    end_date=i.end_date,
                    lead_inspector=i.lead_inspector,
                    pdf_page=i.pdf_page,
                )
            )

    @staticmethod
    def _put_decisions(s: Session, doc_id: str, decisions: Sequence[Decision]) -> None:
        for d in decisions:
            s.add(
                DecisionRow(
                    doc_id=doc_id,
                    seq=d.seq,
                    minute_number=d.minute,
                    minute_title=d.minute_title,
                    agenda_item=d.agenda_item,
                    text=d.text,
                    parts=json.dumps([p.__dict__ for p in d.parts]),
                    outcome=d.outcome,
                    outcome_rule=d.outcome_rule,
                    meeting_date=d.meeting_date,
                    pdf_page=d.pdf_page,
                    page_label=d.page_label,
                    restricted=d.restricted,
                    votes=json.dumps(d.votes),
                    vote=json.dumps(d.vote) if d.vote else None,
                    report=json.dumps(d.report) if d.report else None,
                    follow_on=json.dumps(d.follow_on),
                    refers_to=json.dumps(d.refers_to),
                )
            )

    # ---------------------------------------------------------------- the decision register
    def decision_rows(self) -> list:
        """Every decision with its paper's meeting (index/decisions.py builds the register from them):
        rows with the decision's columns and council, committee, doc_meeting_date, source, doc_type,
        doc_restricted, source_url. Plain rows, not ORM objects: a register of 100k decisions reads them all."""
        d = DecisionRow.__table__.c
        with self.session() as s:
            q = select(
                *d,
                DocumentRow.council,
                DocumentRow.committee,
                DocumentRow.meeting_date.label("doc_meeting_date"),
                DocumentRow.source,
                DocumentRow.doc_type,
                DocumentRow.restricted.label("doc_restricted"),
                DocumentRow.source_url,
            ).join(DocumentRow, d.doc_id == DocumentRow.doc_id)
            return list(s.execute(q.order_by(DocumentRow.date_key, d.doc_id, d.seq)))

    def minute_chunks(self) -> list[tuple[str, str, str | None, str | None]]:
        """(chunk_id, doc_id, minute, item) of the chunks of papers that have decisions: the passages a
        decision is found by meaning through (their vectors are the chunks' own)."""
        with self.session() as s:
            docs = select(DecisionRow.doc_id).distinct()
            q = select(ChunkRow.chunk_id, ChunkRow.doc_id, ChunkRow.minute, ChunkRow.item).where(
                ChunkRow.doc_id.in_(docs)
            )
            return [(r.chunk_id, r.doc_id, r.minute, r.item) for r in s.execute(q)]

    def backfill_decisions(self) -> int:
        """Decision rows for papers stored before the register existed (migration 0007), built from
        the minutes, votes, items and pages the store holds (ingest/register.py; blocks guessed where
        the Resolved lines carry none). Returns how many papers gained decisions; bumps the
        generation when any did."""
        with self.session() as s:
            have = select(DecisionRow.doc_id).distinct()
            # papers with Resolved lines and no decision rows (a paper that resolved nothing has none to make)
            todo = list(s.scalars(select(ResolutionRow.doc_id).distinct().where(ResolutionRow.doc_id.not_in(have))))
        done = 0
        for doc_id in todo:
            with self.session() as s, s.begin():
                d = s.get(DocumentRow, doc_id)
                if d is None or s.scalar(
                    select(func.count()).select_from(DecisionRow).where(DecisionRow.doc_id == doc_id)
                ):
                    continue
                minutes = []
                for m in s.scalars(select(MinuteRow).where(MinuteRow.doc_id == doc_id).order_by(MinuteRow.seq)):
                    res = list(
                        s.scalars(
                            select(ResolutionRow).where(ResolutionRow.minute_id == m.id).order_by(ResolutionRow.seq)
                        )
                    )
                    blocks = [r.block for r in res]
                    minutes.append(
                        Minute(
                            number=m.number,
                            title=m.title,
                            pdf_pages=(m.pdf_from, m.pdf_to),
                            resolved=[r.text for r in res],
                            resolved_pages=[r.pdf_page for r in res],
                            agenda_item=m.agenda_item,
                            resolved_blocks=[] if None in blocks else [int(b) for b in blocks if b is not None],
                        )
                    )
                votes = [
                    Vote(
                        minute=v.minute_number,
                        pdf_page=v.pdf_page,
                        outcome=v.outcome,
                        for_count=v.for_count,
                        against_count=v.against_count,
                        abstain_count=v.abstain_count,
                        for_names=json.loads(v.for_names),
                        against_names=json.loads(v.against_names),
                        abstain_names=json.loads(v.abstain_names),
                    )
                    for v in s.scalars(select(VoteRow).where(VoteRow.doc_id == doc_id).order_by(VoteRow.seq))
                ]
                pages = [
                    Page(pdf_page=p.pdf_page, label=p.label, text=p.text, restricted_lines=_ranges(p.restricted_lines))
                    for p in s.scalars(select(PageRow).where(PageRow.doc_id == doc_id).order_by(PageRow.pdf_page))
                ]
                items = [
                    AgendaItem(number=i.number, title=i.title, restricted=i.restricted)
                    for i in s.scalars(select(ItemRow).where(ItemRow.doc_id == doc_id))
                ]
                restricted_minutes = {
                    m.number
                    for m in s.scalars(
                        select(MinuteRow).where(MinuteRow.doc_id == doc_id, MinuteRow.restricted.is_(True))
                    )
                }
                found = decisions_of(
                    minutes=minutes,
                    votes=votes,
                    pages=pages,
                    items=items,
                    restricted=d.restricted,
                    meeting_date=d.meeting_date,
                    amended_minutes=minute_amendments([p.text for p in pages], minutes),
                    in_pack=d.doc_type == "agenda_pack",
                )
                for x in found:  # the minute's stored flag only ever adds restriction
                    x.restricted = x.restricted or x.minute in restricted_minutes
                self._put_decisions(s, doc_id, found)
                if found:
                    done += 1
        if done:
            with self.session() as s, s.begin():
                self._bump(s)
        return done

    def records(self, doc_id: str) -> dict:
        """A document's votes, attendance, declarations and inspection, as JSON-ready dicts."""
        with self.session() as s:

            def rows(t):
                return list(s.scalars(select(t).where(t.doc_id == doc_id).order_by(t.seq)))

            insp = s.get(InspectionRow, doc_id)
            return {
                "votes": [
                    {
                        "minute": r.minute_number,
                        "outcome": r.outcome,
                        "for": r.for_count,
                        "against": r.against_count,
                        "abstain": r.abstain_count,
                        "for_names": json.loads(r.for_names),
                        "against_names": json.loads(r.against_names),
                        "abstain_names": json.loads(r.abstain_names),
                        "pdf_page": r.pdf_page,
                    }
                    for r in rows(VoteRow)
                ],
                "attendance": [
                    {"minute": r.minute_number, "role": r.role, "name": r.name, "pdf_page": r.pdf_page}
                    for r in rows(AttendanceRow)
                ],
                "declarations": [
                    {"minute": r.minute_number, "member": r.member, "interest": r.interest, "pdf_page": r.pdf_page}
                    for r in rows(DeclarationRow)
                ],
                "inspection": None
                if insp is None
                else {
                    "kind": insp.kind,
                    "authority": insp.authority,
                    "dates": insp.dates,
                    "start_date": insp.start_date.isoformat() if insp.start_date else None,
                    "end_date": insp.end_date.isoformat() if insp.end_date else None,
                    "lead_inspector": insp.lead_inspector,
                    "pdf_page": insp.pdf_page,
                },
            }

    def page_source(self, doc_id: str, pdf_page: int, low_below: float) -> dict | None:
        """How a page's text was got, for a citation to say so: OCR'd (and how sure: low when under
        `low_below`, settings.ocr_low_confidence), or the section of a paper without pages."""
        with self.session() as s:
            r = s.get(PageRow, (doc_id, pdf_page))
            if r is None:
                return None
            return {
                "ocr": bool(r.ocr),
                "ocr_confidence": r.ocr_confidence,
                "section": r.section,
                "low_confidence": bool(r.ocr) and r.ocr_confidence is not None and r.ocr_confidence < low_below,
            }

    def record_failure(self, source: str, sha256: str | None, error: str) -> None:
        with self.session() as s, s.begin():
            s.add(FailureRow(source=source, sha256=sha256, error=error, at=datetime.now(timezone.utc)))

    # ---------------------------------------------------------------- reads
    def get_document(self, doc_id: str) -> DocumentInfo | None:
        with self.session() as s:
            r = s.get(DocumentRow, doc_id)
            return _doc_info(r) if r else None

    def by_sha(self, sha256: str) -> DocumentInfo | None:
        with self.session() as s:
            r = s.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).first()
            return _doc_info(r) if r else None

    def by_source(self, source: str) -> DocumentInfo | None:
        with self.session() as s:
            r = s.scalars(select(DocumentRow).where(DocumentRow.source == source)).first()
            return _doc_info(r) if r else None

    def documents(self, filters: SearchFilters | None = None, *, allow_restricted: bool) -> list[DocumentInfo]:
        with self.session() as s:
            q = self._doc_query(select(DocumentRow), filters, allow_restricted)
            return [_doc_info(r) for r in s.scalars(q.order_by(DocumentRow.date_key, DocumentRow.source))]

    @staticmethod
    def _doc_query(q, filters: SearchFilters | None, allow_restricted: bool):
        if not allow_restricted:
            q = q.where(DocumentRow.restricted.is_(False))
        if filters is None:
            return q
        if filters.council:
            q = q.where(func.lower(DocumentRow.council).like(_like(filters.council), escape="\\"))
        if filters.committee:
            q = q.where(
                or_(
                    func.lower(DocumentRow.committee).like(_like(filters.committee), escape="\\"),
                    func.lower(DocumentRow.title).like(_like(filters.committee), escape="\\"),
                )
            )
        if filters.date_from:
            q = q.where(DocumentRow.date_key >= filters.date_from_key)
        if filters.date_to:
            q = q.where(DocumentRow.date_key <= filters.date_to_key, DocumentRow.date_key > 0)
        if filters.doc_type:
            q = q.where(DocumentRow.doc_type == filters.doc_type)
        if filters.doc_ids:
            q = q.where(DocumentRow.doc_id.in_(filters.doc_ids))
        return q

    def matching_doc_ids(self, filters: SearchFilters | None, *, allow_restricted: bool) -> list[str] | None:
        """The documents a search may draw from, or None when only the chunk-level restriction applies."""
        if filters is None or filters.is_empty:
            return None
        with self.session() as s:
            q = self._doc_query(select(DocumentRow.doc_id), filters, allow_restricted)
            return list(s.scalars(q))

    def chunk_count(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(ChunkRow)) or 0)

    def chunk_ids(self) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(ChunkRow.chunk_id)))

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        out: dict[str, Chunk] = {}
        ids = list(chunk_ids)
        with self.session() as s:
            for i in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
                for r in s.scalars(select(ChunkRow).where(ChunkRow.chunk_id.in_(ids[i : i + 500]))):
                    out[r.chunk_id] = chunk_from_row(r)
        return out

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        with self.session() as s:
            return [
                chunk_from_row(r)
                for r in s.scalars(select(ChunkRow).where(ChunkRow.doc_id == doc_id).order_by(ChunkRow.seq))
            ]

    def first_chunks(self, doc_id: str, n: int) -> list[Chunk]:
        with self.session() as s:
            q = select(ChunkRow).where(ChunkRow.doc_id == doc_id).order_by(ChunkRow.seq).limit(n)
            return [chunk_from_row(r) for r in s.scalars(q)]

    def pages_containing(self, doc_ids: Sequence[str], words: Sequence[str]) -> list[PageRecord]:
        """The documents' pages whose text contains any of the words (case-insensitive)."""
        if not doc_ids or not words:
            return []
        with self.session() as s:
            q = select(PageRow).where(
                PageRow.doc_id.in_(list(doc_ids)),
                or_(*[func.lower(PageRow.text).like(_like(w), escape="\\") for w in words]),
            )
            return [_page_record(r) for r in s.scalars(q.order_by(PageRow.doc_id, PageRow.pdf_page))]

    def page_chunks(self, doc_id: str, pdf_page: int) -> list[Chunk]:
        """The chunks lying on a page (pdf_pages is a JSON list: "[7]", "[7, 8]")."""
        n = str(int(pdf_page))
        col = ChunkRow.pdf_pages
        with self.session() as s:
            q = select(ChunkRow).where(
                ChunkRow.doc_id == doc_id,
                or_(col == f"[{n}]", col.like(f"[{n},%"), col.like(f"%, {n}]"), col.like(f"%, {n},%")),
            )
            return [chunk_from_row(r) for r in s.scalars(q.order_by(ChunkRow.seq))]

    def keyword_order(self) -> list[tuple[str, str, bool]]:
        """(chunk_id, doc_id, restricted) for every chunk, in a stable order (the BM25 row order)."""
        with self.session() as s:
            q = select(ChunkRow.chunk_id, ChunkRow.doc_id, ChunkRow.restricted).order_by(ChunkRow.doc_id, ChunkRow.seq)
            return [(r[0], r[1], bool(r[2])) for r in s.execute(q)]

    def catalog_rows(self) -> list[tuple[str, str, bool, int, str]]:
        """(chunk_id, doc_id, restricted, date_key, doc_type) for every chunk (index/catalog.py)."""
        with self.session() as s:
            q = select(ChunkRow.chunk_id, ChunkRow.doc_id, ChunkRow.restricted, ChunkRow.date_key, ChunkRow.doc_type)
            return [(r[0], r[1], bool(r[2]), int(r[3] or 0), r[4]) for r in s.execute(q)]

    def keyword_texts(self, chunk_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(chunk_ids)
        with self.session() as s:
            for i in range(0, len(ids), 500):
                q = select(ChunkRow.chunk_id, ChunkRow.header, ChunkRow.text).where(
                    ChunkRow.chunk_id.in_(ids[i : i + 500])
                )
                for cid, header, text in s.execute(q):
                    out[cid] = f"{header}\n{text}"
        return out

    def original(self, doc_id: str) -> bytes | None:
        with self.session() as s:
            r = s.get(OriginalRow, doc_id)
            return r.data if r else None

    def page(self, doc_id: str, pdf_page: int) -> tuple[str | None, str] | None:
        with self.session() as s:
            r = s.get(PageRow, (doc_id, pdf_page))
            return (r.label, r.text) if r else None

    def page_record(self, doc_id: str, pdf_page: int) -> PageRecord | None:
        with self.session() as s:
            r = s.get(PageRow, (doc_id, pdf_page))
            return _page_record(r) if r else None

    def restricted_page_lines(self, doc_id: str) -> dict[int, list[tuple[int, int]]]:
        """PDF page -> its restricted line ranges, for the pages of a document that have any."""
        with self.session() as s:
            q = select(PageRow.pdf_page, PageRow.restricted_lines).where(
                PageRow.doc_id == doc_id, PageRow.restricted_lines != "[]"
            )
            return {n: _ranges(r) for n, r in s.execute(q)}

    def restricted_pages_all(self) -> list[PageRecord]:
        """Every page holding Part II lines, whole restricted documents' pages included."""
        with self.session() as s:
            q = (
                select(PageRow)
                .join(DocumentRow, PageRow.doc_id == DocumentRow.doc_id)
                .where(or_(PageRow.restricted_lines != "[]", DocumentRow.restricted.is_(True)))
            )
            return [_page_record(r) for r in s.scalars(q)]

    def doc_ids(self) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(DocumentRow.doc_id)))

    def stats(self) -> dict[str, int]:
        with self.session() as s:
            return {
                t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (DocumentRow, PageRow, ItemRow, MinuteRow, ResolutionRow, JudgementRow, ChunkRow)
            }
