"""Ingestion over HTTP as background jobs, with their progress kept in the service database.

One worker thread: ingestion is CPU-bound (PDF parsing, embeddings) and writes to the vector and
keyword indexes, so running uploads one at a time keeps those writes ordered and leaves the second
core to answer questions while a pack of papers is indexed.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from service.auth import Caller
from service.db import Job, ServiceDB

log = logging.getLogger("cllr.service.jobs")


class JobRunner:
    def __init__(self, library: Any, db: ServiceDB):
        self.library = library
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-ingest")

    def submit(self, data: bytes, filename: str, caller: Caller) -> Job:
        job = self.db.create_job(filename, len(data), caller.subject)
        self._pool.submit(self._run, job.id, data, filename)
        return job

    def _run(self, job_id: str, data: bytes, filename: str) -> None:
        self.db.update_job(job_id, status="running", stage="parsing and indexing", progress=0.1)
        try:
            result = self.library.ingest_bytes(data, filename)
        except Exception as e:  # a job must end in a state a client can read, whatever happened
            log.exception("ingest job %s (%s) crashed", job_id, filename)
            self.db.update_job(job_id, status="failed", stage="failed", progress=1.0, result="failed",
                               error=f"{filename}: internal error ({type(e).__name__})")
            return
        status = "failed" if result.status == "failed" else "done"
        log.info("ingest job %s: %s", job_id, result.summary() if hasattr(result, "summary") else result.status)
        self.db.update_job(job_id, status=status, stage=status, progress=1.0, result=result.status,
                           doc_id=result.doc_id, chunks=getattr(result, "chunks", None),
                           error=getattr(result, "error", None))

    def shutdown(self) -> None:
        # Let a running ingest finish (it is transactional per document), drop the queued ones.
        self._pool.shutdown(wait=True, cancel_futures=True)
