"""Alembic scripts for every table cllr keeps in its database (see index/migrate.py)."""
