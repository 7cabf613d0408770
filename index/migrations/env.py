"""Alembic environment. Migrations are run by index.migrate.upgrade, which hands us a connection
that already holds the migration lock; running `alembic` by hand is not supported."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `cllr db upgrade` (index.migrate.upgrade), not the alembic CLI")

# render_as_batch: SQLite cannot ALTER most things in place; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=None, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
