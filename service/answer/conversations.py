"""Conversations and their turns, stored in the project's database (same SQLAlchemy URL as the
document store, tables of our own) so a follow-up can name its conversation by id alone.

A conversation belongs to the caller who started it, with the role they had: another caller, or
the same credential at another role, who names its id is told it does not exist. Otherwise a
public caller who learnt a member's conversation id would continue it, and the member's Part II
turns would steer the public answer."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

conversations = Table(
    "answer_conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("subject", String(255), nullable=True),  # who started it (migration 0003)
)


class ConversationNotFound(LookupError):
    """No conversation with that id belongs to this caller (it may be someone else's: we don't say)."""


turns = Table(
    "answer_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "conversation_id",
        String(64),
        ForeignKey("answer_conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("seq", Integer, nullable=False),
    Column("role", String(16), nullable=False),  # "user" | "assistant"
    Column("content", Text, nullable=False),
    Column("standalone", Text),  # user turns: the rewritten question
    Column("citations", Text),  # assistant turns: JSON list
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class ConversationStore:
    def __init__(self, url: str, engine: Engine | None = None) -> None:
        if engine is None:
            kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
            engine = create_engine(url, **kwargs)
        self.engine = engine
        # the schema is Alembic's, as every table's (index/migrations): create_all would make a
        # table at today's shape that a later revision then tries to change again
        from index.migrate import upgrade

        upgrade(engine)

    def new(self, role: str = "public", subject: str | None = None) -> str:
        cid = uuid.uuid4().hex
        with self.engine.begin() as c:
            c.execute(conversations.insert().values(id=cid, role=role, subject=subject, created_at=_now()))
        return cid

    def exists(self, cid: str) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(conversations.c.id).where(conversations.c.id == cid)).first() is not None

    def owner(self, cid: str) -> tuple[str | None, str] | None:
        """(subject, role) the conversation was started with, or None if there is none."""
        with self.engine.connect() as c:
            row = c.execute(
                select(conversations.c.subject, conversations.c.role).where(conversations.c.id == cid)
            ).first()
        return (row[0], row[1]) if row else None

    def ensure(self, cid: str | None, role: str = "public", subject: str | None = None) -> str:
        """An id the caller gave is kept (created if unknown) so clients may choose their own; an
        id that belongs to another caller or role raises ConversationNotFound."""
        if cid is None:
            return self.new(role, subject)
        owner = self.owner(cid)
        if owner is None:
            try:
                with self.engine.begin() as c:
                    c.execute(conversations.insert().values(id=cid, role=role, subject=subject, created_at=_now()))
                return cid
            except IntegrityError:  # another request created it meanwhile: whose is it?
                owner = self.owner(cid)
        if owner != (subject, role):
            raise ConversationNotFound(f"no conversation {cid!r}")
        return cid

    def history(self, cid: str, limit: int = 12) -> list[dict[str, str]]:
        with self.engine.connect() as c:
            rows = c.execute(
                select(turns.c.role, turns.c.content)
                .where(turns.c.conversation_id == cid)
                .order_by(turns.c.seq.desc())
                .limit(limit)
            ).all()
        return [{"role": r, "content": t} for r, t in reversed(rows)]

    def append(self, cid: str, question: str, standalone: str, answer: str, citations: list[dict]) -> None:
        with self.engine.begin() as c:
            seq = c.execute(
                select(func.coalesce(func.max(turns.c.seq), 0)).where(turns.c.conversation_id == cid)
            ).scalar_one()
            now = _now()
            c.execute(
                turns.insert(),
                [
                    dict(
                        conversation_id=cid,
                        seq=seq + 1,
                        role="user",
                        content=question,
                        standalone=standalone,
                        citations=None,
                        created_at=now,
                    ),
                    dict(
                        conversation_id=cid,
                        seq=seq + 2,
                        role="assistant",
                        content=answer,
                        standalone=None,
                        citations=json.dumps(citations),
                        created_at=now,
                    ),
                ],
            )


def _now() -> datetime:
    return datetime.now(timezone.utc)
