"""Documents: list, detail (items and minutes), page text, the original file, upload and delete.

Every read goes through the Library with the caller's role, so a Part II document or page is
simply "not found" for the public: a 403 would confirm that it exists.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from index.filters import SearchFilters
from service.deps import (
    AdminDep,
    CallerDep,
    FileCallerDep,
    JobsDep,
    LibraryDep,
    LinksDep,
    PageDep,
    ReleaseDep,
    SettingsDep,
)
from service.schemas import DeleteResponse, DocumentDetail, DocumentList, ErrorResponse, JobOut, PageOut
from service.filters import MAX_FILTER_CHARS, FilterText
from service.redaction import redacted_copy
from service.uploads import UPLOAD_BODY, receive_upload, upload_overrides
from service.views import document_view, plain, with_page_link
from service.routes.jobs import job_out

router = APIRouter(
    prefix="/v1/documents", tags=["papers"], responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}
)

DocId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{8,64}$", description="16 hex chars of the file's sha256")]


def _not_found(doc_id: str) -> HTTPException:
    return HTTPException(404, f"no document {doc_id!r}")


@router.get("", response_model=DocumentList)
def list_documents(
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    page: PageDep,
    release: ReleaseDep,
    committee: FilterText = None,
    council: FilterText = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    doc_type: Annotated[str | None, Query(alias="type", max_length=MAX_FILTER_CHARS)] = None,
) -> DocumentList:
    filters = SearchFilters.parse(
        council=council, committee=committee, date_from=date_from, date_to=date_to, doc_type=doc_type
    )
    docs = library.documents(None if filters.is_empty else filters, role=caller.role)
    window, pagination = page.apply(docs)
    results = release.records([document_view(d, caller, links) for d in window], role=caller.role, route="documents")
    return DocumentList(results=results, pagination=pagination)


@router.get("/{doc_id}", response_model=DocumentDetail)
def get_document(
    doc_id: DocId, caller: CallerDep, library: LibraryDep, links: LinksDep, release: ReleaseDep
) -> DocumentDetail:
    doc = library.document(doc_id, caller.role)
    if doc is None or not release.records([document_view(doc, caller, links)], role=caller.role, route="document"):
        raise _not_found(doc_id)
    data = document_view(doc, caller, links)
    data["items"] = release.records(
        [plain(i) for i in library.items(doc_id=doc_id, role=caller.role, limit=1000)],
        role=caller.role,
        route="document items",
    )
    data["minutes"] = release.records(
        [plain(m) for m in library.minutes(doc_id=doc_id, role=caller.role, limit=1000)],
        role=caller.role,
        route="document minutes",
    )
    return DocumentDetail(**data)


@router.get("/{doc_id}/pages/{n}", response_model=PageOut)
def get_page(
    doc_id: DocId,
    n: Annotated[int, PathParam(ge=1, le=100000)],
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
) -> PageOut:
    """The page's text. A public caller gets a page that mixes open and Part II lines (a front
    sheet listing an exempt item) with the Part II lines replaced by a notice, and a page that is
    Part II throughout as "not found"."""
    if library.document(doc_id, caller.role) is None:
        raise _not_found(doc_id)
    got = library.page(doc_id, n, caller.role)
    missing = HTTPException(404, f"document {doc_id!r} has no page {n}")
    if got is None:
        raise missing
    label, text = got
    data = {"doc_id": doc_id, "pdf_page": n, "label": label, "text": text}
    if not release.records([data], role=caller.role, route="page"):
        raise missing
    return PageOut(**with_page_link(data, caller, links))


@router.get(
    "/{doc_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}, "description": "the original paper"}},
)
def get_file(doc_id: DocId, caller: FileCallerDep, library: LibraryDep, settings: SettingsDep) -> FileResponse:
    """The original file. Citations link here with `#page=N`, which PDF viewers open at page N.
    Public callers get Part II pages replaced by a notice (same page count, so #page=N still fits)."""
    path = library.file_path(doc_id, caller.role)
    if path is None:
        raise _not_found(doc_id)
    doc = library.document(doc_id, caller.role)
    name = doc.source if doc is not None else Path(path).name
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if not caller.sees_restricted and media == "application/pdf":
        hidden = library.restricted_pages(doc_id)
        if hidden:
            # a mixed page is replaced by its open text (a PDF page's text layer cannot be cut safely)
            open_text = {n: (library.page(doc_id, n, caller.role) or (None, None))[1] for n in hidden}
            path = redacted_copy(path, open_text, settings.data_dir / "public-copies", doc_id)
    # inline: open in the browser's viewer (so #page=N works), not as a download
    return FileResponse(path, media_type=media, filename=name, content_disposition_type="inline")


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    tags=["ingestion"],
    openapi_extra=UPLOAD_BODY,
    responses={
        403: {"model": ErrorResponse},
        408: {"model": ErrorResponse},
        413: {"model": ErrorResponse},
        415: {"model": ErrorResponse},
    },
)
async def upload_document(request: Request, caller: AdminDep, jobs: JobsDep, settings: SettingsDep) -> JobOut:
    """Upload a paper (PDF, multipart field `file`); indexing runs as a background job —
    poll `GET /v1/jobs/{id}`. The same bytes twice end as `result: unchanged`. Form fields
    `restricted=true` and `restricted_pages=3-5,9` mark the paper, or pages of it, Part II; sent
    with a paper already indexed they restrict it (`result: restricted`).

    The body is read here, not declared as a parameter: FastAPI reads declared bodies before the
    admin check, and this route must refuse a non-admin before reading a byte (service/uploads.py)."""
    upload, form = await receive_upload(request, settings.max_upload_mb)
    try:
        overrides = upload_overrides(form)
        # in a thread: reading the spooled file and writing the job row are blocking
        job = await run_in_threadpool(lambda: jobs.submit(upload.read(), upload.filename, caller, overrides))
    finally:
        await form.close()
    return job_out(job)


@router.delete(
    "/{doc_id}", response_model=DeleteResponse, tags=["ingestion"], responses={403: {"model": ErrorResponse}}
)
def delete_document(doc_id: DocId, caller: AdminDep, library: LibraryDep) -> DeleteResponse:
    if not library.delete_document(doc_id):
        raise _not_found(doc_id)
    return DeleteResponse(doc_id=doc_id, deleted=True)
