"""Ingestion over HTTP as background jobs, queued in the service database.

An upload becomes a `svc_jobs` row carrying its bytes; every API process runs one worker thread that
claims queued jobs from the database (`ServiceDB.claim_job`: exactly one process wins each job), so
an upload accepted by one replica may be indexed by another and every replica can report its
progress. The submitting process wakes its own worker at once; the others notice within `poll_s`.

One worker thread per process: ingestion is CPU-bound (PDF parsing, embeddings) and writes to the
vector and keyword indexes, so running uploads one at a time keeps those writes ordered and leaves
the second core to answer questions while a pack of papers is indexed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from service.auth import Caller
from service.db import Job, ServiceDB

log = logging.getLogger("cllr.service.jobs")


class JobRunner:
    def __init__(self, library: Any, db: ServiceDB, *, poll_s: float = 1.0, worker: str | None = None):
        self.library = library
        self.db = db
        self.poll_s = poll_s
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cllr-ingest", daemon=True)
        self._thread.start()

    def submit(self, data: bytes, filename: str, caller: Caller, overrides: dict[str, Any] | None = None) -> Job:
        job = self.db.create_job(filename, len(data), caller.subject, payload=data, overrides=overrides)
        self._wake.set()
        return job

    def _loop(self) -> None:
        try:
            self.db.requeue_stale()
        except Exception:
            log.exception("requeueing stale ingest jobs failed")
        while not self._stop.is_set():
            self._wake.clear()  # before claiming, so a submit during the claim is not lost
            try:
                claimed = self.db.claim_job(self.worker)
            except Exception:  # database briefly unreachable: keep the worker alive, try again
                log.exception("claiming an ingest job failed")
                claimed = None
            if claimed is None:
                self._wake.wait(self.poll_s)
                continue
            job, data = claimed
            self._run(job.id, data, job.filename, job.overrides)

    def _run(self, job_id: str, data: bytes, filename: str, overrides: dict[str, Any] | None = None) -> None:
        try:
            result = self.library.ingest_bytes(data, filename, overrides)
        except Exception as e:  # a job must end in a state a client can read, whatever happened
            log.exception("ingest job %s (%s) crashed", job_id, filename)
            self.db.update_job(
                job_id,
                status="failed",
                stage="failed",
                progress=1.0,
                result="failed",
                error=f"{filename}: internal error ({type(e).__name__})",
            )
            return
        status = "failed" if result.status == "failed" else "done"
        log.info(
            "ingest job %s on %s: %s",
            job_id,
            self.worker,
            result.summary() if hasattr(result, "summary") else result.status,
        )
        self.db.update_job(
            job_id,
            status=status,
            stage=status,
            progress=1.0,
            result=result.status,
            doc_id=result.doc_id,
            chunks=getattr(result, "chunks", None),
            error=getattr(result, "error", None),
        )

    def shutdown(self) -> None:
        # Let a running ingest finish (it is transactional per document); queued jobs stay queued in
        # the database for the next worker, in this process's next life or another replica.
        self._stop.set()
        self._wake.set()
        self._thread.join()
