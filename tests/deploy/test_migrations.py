"""Alembic migrations are the schema: they match the ORM models, adopt databases made by the old
`create_all`, and are safe when several processes upgrade at once."""

from __future__ import annotations

import pytest
import multiprocessing as mp
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from index import migrate
from index.store import Base as StoreBase
from service.answer.conversations import metadata as conversation_metadata
from service.db import Base as ServiceBase

pytestmark = pytest.mark.unit

ALL_TABLES = {
    "documents",
    "pages",
    "items",
    "minutes",
    "resolutions",
    "judgements",
    "chunks",
    "meta",
    "ingest_failures",
    "originals",
    "moderngov_documents",
    "moderngov_meetings",
    "moderngov_attendance",
    "moderngov_minutes",
    "svc_jobs",
    "svc_audit",
    "svc_feedback",
    "answer_conversations",
    "answer_turns",
}


def _diff(url: str) -> list:
    """What autogenerate would change to make the database match the models (ignoring tables that
    have no ORM model in this process, e.g. the importer's own)."""
    engine = create_engine(url)
    out = []
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        for md in (StoreBase.metadata, ServiceBase.metadata, conversation_metadata):
            out += [
                d
                for d in compare_metadata(ctx, md)
                if not (d[0] == "remove_table" or (d[0] == "remove_index" and d[1].table.name not in md.tables))
            ]
    engine.dispose()
    return out


def test_migrations_create_every_table_and_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cllr.db'}"
    assert migrate.upgrade(url) == migrate.head()
    engine = create_engine(url)
    assert ALL_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as c:
        assert c.execute(text("SELECT value FROM meta WHERE key='generation'")).scalar() == "0"
    engine.dispose()
    assert _diff(url) == []


def test_a_database_made_by_create_all_is_adopted(tmp_path: Path) -> None:
    """Before migrations existed cllr ran create_all; such a database upgrades in place."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    old_store = [t for name, t in StoreBase.metadata.tables.items() if name != "originals"]
    StoreBase.metadata.create_all(engine, tables=old_store)
    with engine.begin() as c:  # the pre-migration schema had no source_url
        c.execute(text("ALTER TABLE documents DROP COLUMN source_url"))
        c.execute(text("INSERT INTO meta (key, value) VALUES ('generation', '7')"))
    conversation_metadata.create_all(engine)
    engine.dispose()
    assert migrate.upgrade(url) == migrate.head()
    engine = create_engine(url)
    cols = {c["name"] for c in inspect(engine).get_columns("documents")}
    assert "source_url" in cols
    with engine.connect() as c:
        assert c.execute(text("SELECT value FROM meta WHERE key='generation'")).scalar() == "7"
    engine.dispose()
    assert _diff(url) == []


def _upgrade_in_child(url: str, q) -> None:
    try:
        q.put(migrate.upgrade(url))
    except Exception as e:  # pragma: no cover - reported to the parent
        q.put(f"error: {type(e).__name__}: {e}")


def test_concurrent_upgrades_from_several_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_upgrade_in_child, args=(url, q)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    results = [q.get(timeout=5) for _ in procs]
    assert results == [migrate.head()] * 4
    assert _diff(url) == []
