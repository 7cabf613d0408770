"""Upload jobs queued in the database are claimed by exactly one worker, however many compete."""

from __future__ import annotations

import pytest
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from service.db import JobRow, ServiceDB, _now

pytestmark = pytest.mark.unit


def test_each_job_is_claimed_exactly_once_by_competing_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cllr.db'}"
    setup = ServiceDB(url)
    setup.create_tables()
    ids = {setup.create_job(f"p{i}.pdf", 3, "admin", payload=f"%PDF-{i}".encode()).id for i in range(30)}
    claims: list[tuple[str, str, bytes]] = []
    lock = threading.Lock()

    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            _work(name)
        except BaseException as e:  # a worker crashing on "database is locked" must fail the test
            errors.append(e)

    def _work(name: str) -> None:
        db = ServiceDB(url)  # own engine and connections, as a separate process would have
        while True:
            got = db.claim_job(name)
            if got is None:
                with db._session() as s:  # noqa: SLF001 - done only when nothing is left queued
                    if not s.query(JobRow).filter(JobRow.status == "queued").count():
                        return
                continue
            job, payload = got
            with lock:
                claims.append((job.id, name, payload))
            db.update_job(job.id, status="done", stage="done", progress=1.0, result="added")

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    claimed = [c[0] for c in claims]
    assert sorted(claimed) == sorted(ids)  # every job, none twice
    assert all(p.startswith(b"%PDF-") for _, _, p in claims)  # each claim came with its upload
    done = {j: setup.job(j) for j in ids}
    assert all(j.status == "done" and j.worker for j in done.values())
    with setup._session() as s:  # noqa: SLF001
        assert s.query(JobRow).filter(JobRow.payload.is_not(None)).count() == 0  # uploads dropped after


def test_a_job_abandoned_by_a_dead_worker_is_requeued(tmp_path: Path) -> None:
    db = ServiceDB(f"sqlite:///{tmp_path / 'cllr.db'}")
    db.create_tables()
    job = db.create_job("a.pdf", 5, "admin", payload=b"%PDF-")
    assert db.claim_job("dead:1") is not None and db.claim_job("w2") is None
    assert db.requeue_stale() == 0  # still fresh: its worker may be busy
    with db._session.begin() as s:  # noqa: SLF001 - age the claim
        s.execute(update(JobRow).where(JobRow.id == job.id).values(updated_at=_now() - timedelta(hours=1)))
    assert db.requeue_stale() == 1
    again = db.claim_job("w2")
    assert again is not None and again[0].id == job.id and again[1] == b"%PDF-"
