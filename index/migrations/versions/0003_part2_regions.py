"""Part II belongs to the passage: each page records which of its lines are restricted (a front
sheet can list an open item beside an exempt one), judgements carry their own flag, and a
conversation remembers who started it (another caller's id is "not found").

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _has(table: str, column: str) -> bool:
    # a database made by create_all from newer models already has the column: adopt it as it is
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not _has("pages", "restricted_lines"):
        with op.batch_alter_table("pages") as b:
            # JSON list of [first, last] line ranges (0-based, inclusive, in text.split("\n")) withheld
            # from callers who may not see Part II; "[]" = an open page.
            b.add_column(sa.Column("restricted_lines", sa.Text, nullable=False, server_default="[]"))
    if not _has("judgements", "restricted"):
        with op.batch_alter_table("judgements") as b:
            b.add_column(sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()))
    if not _has("answer_conversations", "subject"):
        with op.batch_alter_table("answer_conversations") as b:
            # who started it ("key:<id>", "oidc:<sub>", "anonymous"); older rows have none and are nobody's
            b.add_column(sa.Column("subject", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer_conversations") as b:
        b.drop_column("subject")
    with op.batch_alter_table("judgements") as b:
        b.drop_column("restricted")
    with op.batch_alter_table("pages") as b:
        b.drop_column("restricted_lines")
