"""ModernGov import records: each meeting seen (so a run that stopped resumes where it stopped and
settled meetings are not asked for again), its attendance as the site lists it, the minutes and
decisions that came as XML (one document each, so one that the printed minutes also carry can be
withdrawn), and which agenda item each downloaded paper belongs to.

Created only where missing, as 0004 does.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _has(table: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("moderngov_documents")}
    new_cols = [c for c in (("agenda_item_id", sa.String(64)), ("agenda_number", sa.String(32))) if c[0] not in have]
    if new_cols:
        with op.batch_alter_table("moderngov_documents") as b:
            for n, t in new_cols:
                b.add_column(sa.Column(n, t, nullable=True))
    if not _has("moderngov_meetings"):
        op.create_table(
            "moderngov_meetings",
            sa.Column("base_url", sa.String(512), primary_key=True),
            sa.Column("meeting_id", sa.String(64), primary_key=True),
            sa.Column("committee_id", sa.String(64)),
            sa.Column("committee_title", sa.Text),
            sa.Column("meeting_date", sa.Date),
            sa.Column("meeting_time", sa.String(32)),
            sa.Column("status", sa.String(128)),
            sa.Column("url", sa.Text),
            sa.Column("minutes_published", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Column("response_sha", sa.String(64)),
            sa.Column("complete", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        )
    if not _has("moderngov_attendance"):
        op.create_table(
            "moderngov_attendance",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("base_url", sa.String(512), nullable=False),
            sa.Column("meeting_id", sa.String(64), nullable=False),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("member_id", sa.String(64)),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("role_description", sa.String(128)),
            sa.Column("attendance", sa.String(128)),  # as the site says it
            sa.Column("role", sa.String(32), nullable=False),  # present | apologies | ...
            sa.Column("party", sa.String(128)),
            sa.Column("ward", sa.Text),
            sa.Column("representing", sa.Text),
        )
        op.create_index("ix_moderngov_attendance_meeting", "moderngov_attendance", ["base_url", "meeting_id"])
    if not _has("moderngov_minutes"):
        op.create_table(
            "moderngov_minutes",
            sa.Column("base_url", sa.String(512), primary_key=True),
            sa.Column("meeting_id", sa.String(64), primary_key=True),
            sa.Column("agenda_item_id", sa.String(64), primary_key=True),
            sa.Column("minute_number", sa.String(32)),
            sa.Column("agenda_number", sa.String(32)),
            sa.Column("committee_title", sa.Text),
            sa.Column("meeting_date", sa.Date),
            sa.Column("doc_id", sa.String(32)),
            sa.Column("source_url", sa.Text),
            sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Column("status", sa.String(16), nullable=False),  # imported | superseded
            sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    for name in ("moderngov_minutes", "moderngov_attendance", "moderngov_meetings"):
        op.drop_table(name)
    with op.batch_alter_table("moderngov_documents") as b:
        b.drop_column("agenda_number")
        b.drop_column("agenda_item_id")
