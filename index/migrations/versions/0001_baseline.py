"""Baseline: the tables cllr created with `create_all` before it had migrations.

Each table is created only if missing, so a database made by an older cllr (or a partial one) is
adopted rather than refused. Frozen: never edit; change the schema in a new revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _create(name: str, *cols: sa.schema.SchemaItem, indexes: tuple[tuple[str, list[str], bool], ...] = ()) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *cols)
    for ix_name, columns, unique in indexes:
        op.create_index(ix_name, name, columns, unique=unique)


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    # ---- index store (index/store.py)
    _create(
        "documents",
        sa.Column("doc_id", sa.String(32), primary_key=True),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("council", sa.String(256)),
        sa.Column("committee", sa.String(256)),
        sa.Column("meeting_date", sa.Date),
        sa.Column("date_key", sa.Integer, nullable=False),
        sa.Column("restricted", sa.Boolean, nullable=False),
        sa.Column("file_path", sa.Text),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ingested_at", tz, nullable=False),
        sa.UniqueConstraint("source"),
        indexes=(
            ("ix_documents_sha256", ["sha256"], False),
            ("ix_documents_doc_type", ["doc_type"], False),
            ("ix_documents_date_key", ["date_key"], False),
        ),
    )
    _create(
        "pages",
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), primary_key=True),
        sa.Column("pdf_page", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(32)),
        sa.Column("text", sa.Text, nullable=False),
    )
    _create(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("label_from", sa.String(32)),
        sa.Column("label_to", sa.String(32)),
        sa.Column("pdf_from", sa.Integer),
        sa.Column("pdf_to", sa.Integer),
        sa.Column("restricted", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        indexes=(("ix_items_doc_id", ["doc_id"], False), ("ix_items_number", ["number"], False)),
    )
    _create(
        "minutes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("pdf_from", sa.Integer, nullable=False),
        sa.Column("pdf_to", sa.Integer, nullable=False),
        sa.Column("agenda_item", sa.String(16)),
        sa.Column("restricted", sa.Boolean, nullable=False),
        indexes=(("ix_minutes_doc_id", ["doc_id"], False), ("ix_minutes_number", ["number"], False)),
    )
    _create(
        "resolutions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("minute_id", sa.Integer, sa.ForeignKey("minutes.id"), nullable=False),
        sa.Column("minute_number", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("pdf_page", sa.Integer, nullable=False),
        indexes=(("ix_resolutions_doc_id", ["doc_id"], False), ("ix_resolutions_minute_id", ["minute_id"], False)),
    )
    _create(
        "judgements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("grade", sa.String(128), nullable=False),
        sa.Column("pdf_page", sa.Integer, nullable=False),
        indexes=(("ix_judgements_doc_id", ["doc_id"], False),),
    )
    _create(
        "chunks",
        sa.Column("chunk_id", sa.String(64), primary_key=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("pdf_pages", sa.Text, nullable=False),
        sa.Column("page_labels", sa.Text, nullable=False),
        sa.Column("token_count", sa.Integer, nullable=False),
        sa.Column("item", sa.String(16)),
        sa.Column("item_title", sa.Text),
        sa.Column("minute", sa.String(16)),
        sa.Column("minute_title", sa.Text),
        sa.Column("paragraph", sa.String(16)),
        sa.Column("restricted", sa.Boolean, nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("council", sa.String(256)),
        sa.Column("committee", sa.String(256)),
        sa.Column("meeting_date", sa.String(10)),
        sa.Column("date_key", sa.Integer, nullable=False),
        indexes=(("ix_chunks_doc_id", ["doc_id"], False), ("ix_chunks_doc_seq", ["doc_id", "seq"], False)),
    )
    _create("meta", sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text, nullable=False))
    _create(
        "ingest_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("at", tz, nullable=False),
        indexes=(("ix_ingest_failures_source", ["source"], False),),
    )
    # ---- service (service/db.py)
    _create(
        "svc_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("result", sa.String(16)),
        sa.Column("doc_id", sa.String(64)),
        sa.Column("chunks", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("updated_at", tz, nullable=False),
    )
    _create(
        "svc_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", tz, nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("conversation_id", sa.String(100)),
        sa.Column("cited_doc_ids", sa.JSON, nullable=False),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("abstained", sa.Boolean, nullable=False),
        sa.Column("latency_ms", sa.Float),
    )
    _create(
        "svc_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", tz, nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("answer_id", sa.Integer),
        sa.Column("conversation_id", sa.String(100)),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text),
    )
    # ---- conversations (service/answer/conversations.py)
    _create(
        "answer_conversations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", tz, nullable=False),
    )
    _create(
        "answer_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(64),
            sa.ForeignKey("answer_conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("standalone", sa.Text),
        sa.Column("citations", sa.Text),
        sa.Column("created_at", tz, nullable=False),
        indexes=(("ix_answer_turns_conversation_id", ["conversation_id"], False),),
    )


def downgrade() -> None:
    for name in (
        "answer_turns",
        "answer_conversations",
        "svc_feedback",
        "svc_audit",
        "svc_jobs",
        "ingest_failures",
        "meta",
        "chunks",
        "judgements",
        "resolutions",
        "minutes",
        "items",
        "pages",
        "documents",
    ):
        op.drop_table(name)
