"""An upload job carries what the admin said about the paper with it (Part II for the whole paper
or for page ranges), so whichever replica claims the job ingests it so.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "options" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("svc_jobs")}:
        return  # a database made by create_all from newer models
    with op.batch_alter_table("svc_jobs") as b:
        b.add_column(sa.Column("options", sa.Text))  # JSON: Library.ingest_bytes overrides


def downgrade() -> None:
    with op.batch_alter_table("svc_jobs") as b:
        b.drop_column("options")
