"""GET /v1/jobs/{id}: progress of an upload's indexing."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from service.db import Job
from service.deps import CallerDep, DBDep
from service.schemas import ErrorResponse, JobOut

router = APIRouter(
    prefix="/v1/jobs", tags=["ingestion"], responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}
)


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        status=job.status,
        stage=job.stage,
        progress=job.progress,
        filename=job.filename,
        size_bytes=job.size_bytes,
        result=job.result,
        doc_id=job.doc_id,
        chunks=job.chunks,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        url=f"/v1/jobs/{job.id}",
    )


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, caller: CallerDep, db: DBDep) -> JobOut:
    job = db.job(job_id)
    # A job is its uploader's (or any admin's) business; others get "not found", not a hint.
    if job is None or (job.created_by != caller.subject and not caller.is_admin):
        raise HTTPException(404, f"no job {job_id!r}")
    return job_out(job)
