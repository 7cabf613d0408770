"""The decision register (issue 18): one row per decision of a paper's minutes (ingest/register.py),
written with the paper; and, on each Resolved line, the decision it belongs to (`resolutions.block`:
the lines of one RESOLVED block are one decision and its parts).

Created only where missing, so a database made by `create_all` from newer models is adopted.
Papers ingested before this revision have no decision rows: the store builds them from the minutes,
votes and pages it already holds the first time the register is read (Store.backfill_decisions).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "block" not in {c["name"] for c in sa.inspect(bind).get_columns("resolutions")}:
        with op.batch_alter_table("resolutions") as b:
            b.add_column(sa.Column("block", sa.Integer, nullable=True))  # NULL: stored before blocks were read
    if sa.inspect(bind).has_table("decisions"):
        return
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.doc_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("minute_number", sa.String(32)),
        sa.Column("minute_title", sa.Text, nullable=False),
        sa.Column("agenda_item", sa.String(16)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parts", sa.Text, nullable=False),  # JSON [{label, text, outcome}]
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("outcome_rule", sa.String(64), nullable=False),
        sa.Column("meeting_date", sa.Date),  # when not the paper's (minutes inside a pack)
        sa.Column("pdf_page", sa.Integer, nullable=False),
        sa.Column("page_label", sa.String(32)),
        sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("votes", sa.Text, nullable=False),  # JSON [vote]: the minute's recorded votes up to it
        sa.Column("vote", sa.Text),  # JSON vote on the motion that became it
        sa.Column("report", sa.Text),  # JSON {item, title, described}
        sa.Column("follow_on", sa.Text, nullable=False),  # JSON [{text, date}]
        sa.Column("refers_to", sa.Text, nullable=False),
    )  # JSON [ISO date]
    op.create_index("ix_decisions_doc_id", "decisions", ["doc_id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_doc_id", "decisions")
    op.drop_table("decisions")
    with op.batch_alter_table("resolutions") as b:
        b.drop_column("block")
