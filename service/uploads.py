"""Reading an upload safely: the size limit enforced while reading, the type checked by content.

The limit is checked against Content-Length first (a refusal before reading anything) and again
while reading, because Content-Length can be absent or wrong. The type is decided by the bytes
(`%PDF-`): browsers and scripts often send application/octet-stream for a PDF.
"""
from __future__ import annotations

from fastapi import HTTPException, Request, UploadFile

ACCEPTED_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream", ""}
_CHUNK = 1 << 20


async def read_upload(request: Request, file: UploadFile, max_mb: int) -> bytes:
    limit = max_mb * 1024 * 1024
    too_big = HTTPException(413, f"upload is larger than the {max_mb} MB limit")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:   # + multipart overhead
        raise too_big
    name = file.filename or ""
    ctype = (file.content_type or "").split(";")[0].strip().lower()
    if ctype not in ACCEPTED_TYPES:
        raise HTTPException(415, f"{name or 'upload'}: content type {ctype!r} is not accepted; upload a PDF")
    buf = bytearray()
    while chunk := await file.read(_CHUNK):
        buf.extend(chunk)
        if len(buf) > limit:
            raise too_big
    if not buf:
        raise HTTPException(400, f"{name or 'upload'}: the file is empty")
    if not bytes(buf[:1024]).lstrip().startswith(b"%PDF-"):
        raise HTTPException(415, f"{name or 'upload'}: not a PDF (cllr indexes PDF committee papers)")
    if not name.lower().endswith(".pdf"):
        name = (name or "upload") + ".pdf"
        file.filename = name
    return bytes(buf)
