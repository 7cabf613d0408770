"""A public copy of a paper: its Part II pages replaced by a notice.

An agenda pack is one PDF holding open items and exempt (Part II) items together, so "the public
may see this document" does not mean "the public may see every page of this file". The copy keeps
the page count, so a citation's `#page=N` still lands on the same page. Copies are cached by doc_id
(which is the file's hash, so a cached copy can never be stale).
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

NOTICE = ("This page is withheld: it contains exempt information (Part II, Schedule 12A to the "
          "Local Government Act 1972).")


def _notice_page(width: float, height: float):
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(width / 2, height / 2 + 10, "Exempt information withheld")
    c.setFont("Helvetica", 9)
    c.drawCentredString(width / 2, height / 2 - 8, NOTICE)
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0]


def redacted_copy(original: Path, restricted_pages: set[int], cache_dir: Path, doc_id: str) -> Path:
    """Path to a copy of `original` with the given 1-based pages replaced by a notice."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    out = cache_dir / f"{doc_id}.public.pdf"
    if out.is_file():
        return out
    reader = PdfReader(str(original))
    writer = PdfWriter()
    for n, page in enumerate(reader.pages, 1):
        if n in restricted_pages:
            box = page.mediabox
            writer.add_page(_notice_page(float(box.width), float(box.height)))
        else:
            writer.add_page(page)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".redacting-")
    with os.fdopen(fd, "wb") as f:
        writer.write(f)
    os.replace(tmp, out)   # atomic: a concurrent reader sees the old state or the whole copy
    return out
