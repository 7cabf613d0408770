"""Several API processes over one database: jobs carry their upload and are claimed in the database,
originals live in the database (every replica can serve them), the corpus generation row exists up
front (so bumping it is a plain locked UPDATE, never a racing INSERT), documents remember where
they were published (ModernGov meeting page).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("svc_jobs") as b:
        b.add_column(sa.Column("payload", sa.LargeBinary))  # the upload, until a worker has ingested it
        b.add_column(sa.Column("worker", sa.String(128)))  # host:pid that claimed it
    op.create_index("ix_svc_jobs_status", "svc_jobs", ["status", "created_at"])
    with op.batch_alter_table("documents") as b:
        b.add_column(sa.Column("source_url", sa.Text))
    op.create_table(
        "originals",
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    if op.get_bind().execute(sa.select(meta.c.key).where(meta.c.key == "generation")).first() is None:
        op.bulk_insert(meta, [{"key": "generation", "value": "0"}])
    op.create_table(
        "moderngov_documents",
        sa.Column("url", sa.String(1024), primary_key=True),  # the attachment's URL as listed
        sa.Column("base_url", sa.String(512), nullable=False),
        sa.Column("attachment_id", sa.String(64)),
        sa.Column("meeting_id", sa.String(64), nullable=False),
        sa.Column("meeting_url", sa.Text),
        sa.Column("etag", sa.String(256)),
        sa.Column("last_modified", sa.String(64)),
        sa.Column("doc_id", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("moderngov_documents")
    op.drop_table("originals")
    with op.batch_alter_table("documents") as b:
        b.drop_column("source_url")
    op.drop_index("ix_svc_jobs_status", "svc_jobs")
    with op.batch_alter_table("svc_jobs") as b:
        b.drop_column("worker")
        b.drop_column("payload")
