"""Reading an upload safely: after the admin check, with the size limit enforced while reading,
the file spooled to disk, and the type checked by content.

The upload route declares no body parameter, so FastAPI resolves its dependencies (the admin role)
before anything is read; this then parses the multipart body with Starlette's parser, which writes
the file to a temporary file on disk past 1 MB (never one growing buffer). The body guard
(service/body_guard.py) refuses a Content-Length over the cap before reading and cuts a chunked
body off at the cap. The type is decided by the bytes (`%PDF-`): browsers and scripts often send
application/octet-stream for a PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, BinaryIO

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

ACCEPTED_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream", ""}
FIELD = "file"

# What the route's OpenAPI entry says it takes (the route reads the body itself, after the role check).
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {
                        FIELD: {"type": "string", "format": "binary", "description": "the paper (PDF)"},
                        "restricted": {
                            "type": "boolean",
                            "description": "the whole paper is Part II (exempt): members and "
                            "officers only. Adds to what the paper itself marks; never lifts it.",
                        },
                        "restricted_pages": {
                            "type": "string",
                            "example": "3-5,9",
                            "description": "PDF pages that are Part II (1-based; ranges and single pages)",
                        },
                    },
                }
            }
        },
    }
}

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}
_PAGES = re.compile(r"^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$")
MAX_FLAGGED_PAGES = 100_000


def upload_overrides(form: Any) -> dict[str, Any] | None:
    """The admin's Part II flags from the upload form: `restricted` (whole paper) and
    `restricted_pages` ("3-5,9"). A value that cannot be read is a 422, never silently ignored."""
    out: dict[str, Any] = {}
    flag = form.get("restricted")
    if flag is not None:
        v = str(flag).strip().lower()
        if v not in _TRUE | _FALSE:
            raise HTTPException(422, f"restricted: {str(flag)[:20]!r} is not true or false")
        if v in _TRUE:
            out["restricted"] = True
    pages = form.get("restricted_pages")
    if pages is not None and str(pages).strip():
        text = str(pages)
        if len(text) > 1000 or not _PAGES.match(text):
            raise HTTPException(422, "restricted_pages: give PDF page numbers and ranges, e.g. 3-5,9")
        chosen: set[int] = set()
        for part in text.split(","):
            a, _, b = part.strip().partition("-")
            lo, hi = int(a), int(b or a)
            if lo < 1 or hi < lo or hi - lo > MAX_FLAGGED_PAGES:
                raise HTTPException(422, f"restricted_pages: {part.strip()!r} is not a range of pages from 1")
            chosen.update(range(lo, hi + 1))
        out["restricted_pages"] = sorted(chosen)
    return out or None


@dataclass
class Upload:
    filename: str
    file: BinaryIO  # at the start of the PDF's bytes; spooled to disk past 1 MB

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()


async def receive_upload(request: Request, max_mb: int) -> tuple[Upload, Any]:
    """The uploaded PDF and the parsed form (close it when done: it owns the temporary file)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        raise HTTPException(422, f"send the paper as multipart/form-data with the field {FIELD!r}")
    form = await request.form(max_files=1, max_fields=10)
    try:
        return _checked(form.get(FIELD), max_mb), form
    except BaseException:
        await form.close()
        raise


def _checked(part: Any, max_mb: int) -> Upload:
    if not isinstance(part, UploadFile):
        raise HTTPException(422, f"{FIELD}: Field required (a multipart file field named {FIELD!r})")
    name = part.filename or ""
    ctype = (part.content_type or "").split(";")[0].strip().lower()
    if ctype not in ACCEPTED_TYPES:
        raise HTTPException(415, f"{name or 'upload'}: content type {ctype!r} is not accepted; upload a PDF")
    size = part.size if part.size is not None else _size(part.file)
    if size > max_mb * 1024 * 1024:
        raise HTTPException(413, f"upload is larger than the {max_mb} MB limit")
    if size == 0:
        raise HTTPException(400, f"{name or 'upload'}: the file is empty")
    part.file.seek(0)
    head = part.file.read(1024)
    if not head.lstrip().startswith(b"%PDF-"):
        raise HTTPException(415, f"{name or 'upload'}: not a PDF (cllr indexes PDF committee papers)")
    if not name.lower().endswith(".pdf"):
        name = (name or "upload") + ".pdf"
    return Upload(filename=name, file=part.file)


def _size(f: BinaryIO) -> int:
    f.seek(0, 2)
    return f.tell()
