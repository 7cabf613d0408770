"""A new Store connection switches the SQLite file to WAL even while another connection holds a
transaction on it (a server's startup: the service's tables, a job runner), instead of failing with
"database is locked" (SQLite does not wait for the switch the way its busy timeout waits for writes)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from index import store as store_mod
from index.store import Store

pytestmark = pytest.mark.unit


def _held(path, seconds: float) -> threading.Thread:
    """Another connection in rollback-journal mode holding a write transaction for `seconds`."""
    ready = threading.Event()

    def hold() -> None:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE IF NOT EXISTS other (x)")
        con.commit()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO other VALUES (1)")
        ready.set()
        time.sleep(seconds)
        con.commit()
        con.close()

    t = threading.Thread(target=hold)
    t.start()
    ready.wait()
    return t


def test_the_store_waits_for_a_transaction_to_end_before_switching_to_wal(tmp_path):
    path = tmp_path / "cllr.db"
    holder = _held(path, 1.0)
    s = Store(f"sqlite:///{path}")
    holder.join()
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()


def test_a_file_held_past_the_wait_is_still_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "WAL_WAIT_S", 0.3)
    path = tmp_path / "cllr.db"
    holder = _held(path, 2.0)
    with pytest.raises(Exception, match="database is locked"):
        Store(f"sqlite:///{path}")
    holder.join()
