"""Structure recovered from papers of any council: meeting time and venue, the authority an Ofsted
report inspects, OCR'd pages (and how sure the OCR was), the section a page stands for in a paper
without PDF pages (Word), and the records kept beside a minute's text: recorded votes, attendance
and declarations of interest, plus one inspection record per Ofsted report.

Created only where missing (as 0001 does), so a database made by `create_all` is adopted.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_DOC_COLS = (("meeting_time", sa.String(32)), ("venue", sa.Text), ("authority", sa.String(256)))
_PAGE_COLS = (("ocr", sa.Boolean), ("ocr_confidence", sa.Float), ("section", sa.Text))


def _missing(table: str, cols: tuple[tuple[str, Any], ...]) -> list[tuple[str, Any]]:  # a type or an instance of one
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    return [c for c in cols if c[0] not in have]


def _create(name: str, *cols: sa.schema.SchemaItem, index: bool = True) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *cols)
    if index:
        op.create_index(f"ix_{name}_doc_id", name, ["doc_id"])


def upgrade() -> None:
    doc_cols = _missing("documents", _DOC_COLS)
    if doc_cols:
        with op.batch_alter_table("documents") as b:
            for n, t in doc_cols:
                b.add_column(sa.Column(n, t, nullable=True))
    page_cols = _missing("pages", _PAGE_COLS)
    if page_cols:
        with op.batch_alter_table("pages") as b:
            for n, t in page_cols:
                if n == "ocr":
                    b.add_column(sa.Column(n, t, nullable=False, server_default=sa.false()))
                else:
                    b.add_column(sa.Column(n, t, nullable=True))
    doc_fk = "documents.doc_id"  # a ForeignKey object belongs to one column: each table makes its own
    _create(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey(doc_fk), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("minute_number", sa.String(32)),
        sa.Column("outcome", sa.String(32)),
        sa.Column("for_count", sa.Integer),
        sa.Column("against_count", sa.Integer),
        sa.Column("abstain_count", sa.Integer),
        sa.Column("for_names", sa.Text, nullable=False),  # JSON list[str]
        sa.Column("against_names", sa.Text, nullable=False),
        sa.Column("abstain_names", sa.Text, nullable=False),
        sa.Column("pdf_page", sa.Integer, nullable=False),
    )
    _create(
        "attendance",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey(doc_fk), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("minute_number", sa.String(32)),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("pdf_page", sa.Integer, nullable=False),
    )
    _create(
        "declarations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(32), sa.ForeignKey(doc_fk), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("minute_number", sa.String(32)),
        sa.Column("member", sa.Text, nullable=False),
        sa.Column("interest", sa.Text, nullable=False),
        sa.Column("pdf_page", sa.Integer, nullable=False),
    )
    _create(
        "inspections",
        sa.Column("doc_id", sa.String(32), sa.ForeignKey(doc_fk), primary_key=True),
        sa.Column("kind", sa.String(64)),
        sa.Column("authority", sa.String(256)),
        sa.Column("dates", sa.String(128)),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("lead_inspector", sa.String(256)),
        sa.Column("pdf_page", sa.Integer, nullable=False),
        index=False,
    )


def downgrade() -> None:
    for name in ("inspections", "declarations", "attendance", "votes"):
        op.drop_table(name)
    with op.batch_alter_table("pages") as b:
        for n, _ in _PAGE_COLS:
            b.drop_column(n)
    with op.batch_alter_table("documents") as b:
        for n, _ in _DOC_COLS:
            b.drop_column(n)
