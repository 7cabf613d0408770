"""Schema migrations (Alembic) for every table cllr keeps: the index store, the service's svc_*
tables and the answer engine's conversations. Scripts live in index/migrations/versions.

`upgrade(url_or_engine)` is called by everything that opens the database (Store, ServiceDB, the
service at startup, `cllr db upgrade`), so the embedded mode stays zero-setup. It is safe when
several processes start at once:
  - PostgreSQL: a session-level advisory lock serialises the upgrade; the second process waits,
    then finds the schema current and does nothing (Postgres DDL is transactional too);
  - SQLite: an exclusive file lock beside the database file (SQLite implies one machine).
When the schema is already at head the check is one SELECT, with no lock taken.
"""

from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x636C6C72  # "cllr": any constant shared by every cllr process
_local = threading.Lock()  # alembic's command API is not re-entrant within one process


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    return cfg


@lru_cache(maxsize=1)
def head() -> str:
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _lock(conn: Connection) -> Iterator[None]:
    name = conn.dialect.name
    if name == "postgresql":
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.rollback()  # a failed migration leaves the transaction aborted; unlock needs a fresh one
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
    elif name == "sqlite" and conn.engine.url.database not in (None, "", ":memory:"):
        path = Path(str(conn.engine.url.database) + ".migrate-lock")
        with path.open("a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    else:
        yield


def upgrade(target: str | Engine, revision: str = "head") -> str:
    """Bring the database to `revision` (default head); returns the revision it is at afterwards."""
    engine = create_engine(target) if isinstance(target, str) else target
    want = head() if revision == "head" else revision
    try:
        with _local:
            with engine.connect() as conn:
                if current(conn) == want:
                    return want
                conn.rollback()
                with _lock(conn):
                    cfg = _config()
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, revision)
                    conn.commit()
                    got = current(conn)
                    conn.commit()
            return got or ""
    finally:
        if isinstance(target, str):
            engine.dispose()
