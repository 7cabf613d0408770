"""A public copy of a paper: its Part II pages replaced by a notice.

An agenda pack is one PDF holding open items and exempt (Part II) items together, so "the public
may see this document" does not mean "the public may see every page of this file". The copy keeps
the page count, so a citation's `#page=N` still lands on the same page. Copies are cached by doc_id
(which is the file's hash, so a cached copy can never be stale).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import textwrap
from pathlib import Path

from pypdf import PdfReader, PdfWriter

NOTICE_SHORT = "exempt information (Part II, Schedule 12A to the Local Government Act 1972)."
NOTICE = (
    "This page is withheld: it contains exempt information (Part II, Schedule 12A to the Local Government Act 1972)."
)


def _notice_page(width: float, height: float, open_text: str | None = None):
    """A page that says it is withheld; for a page that mixed open and exempt lines, the open
    lines follow the notice (as plain text: the original's layout cannot be kept without its
    text layer, which would still hold the exempt words)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    if open_text is None:
        c.setFont("Helvetica-Bold", 12)
        c.drawCentredString(width / 2, height / 2 + 10, "Exempt information withheld")
        c.setFont("Helvetica", 9)
        c.drawCentredString(width / 2, height / 2 - 8, NOTICE)
    else:
        y = height - 54
        c.setFont("Helvetica-Bold", 10)
        c.drawString(54, y, "Part of this page is withheld: " + NOTICE_SHORT)
        y -= 20
        c.setFont("Helvetica", 9)
        for line in open_text.split("\n"):
            for piece in textwrap.wrap(line, 110) or [""]:
                if y < 40:
                    break
                c.drawString(54, y, piece)
                y -= 12
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0]


def redacted_copy(original: Path, withheld: dict[int, str | None], cache_dir: Path, doc_id: str) -> Path:
    """Path to a copy of `original` whose pages in `withheld` (1-based) are replaced: by a notice,
    or, where the value is the page's open text, by a notice and that text."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    # The restriction can change without the bytes changing (an admin flags pages of a paper
    # already indexed), so the copy is named by what was withheld as well as by the file.
    sig = hashlib.sha256(json.dumps(sorted(withheld.items()), default=str).encode()).hexdigest()[:16]
    out = cache_dir / f"{doc_id}.{sig}.public.pdf"
    if out.is_file():
        return out
    reader = PdfReader(str(original))
    writer = PdfWriter()
    for n, page in enumerate(reader.pages, 1):
        if n in withheld:
            box = page.mediabox
            writer.add_page(_notice_page(float(box.width), float(box.height), withheld[n]))
        else:
            writer.add_page(page)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".redacting-")
    with os.fdopen(fd, "wb") as f:
        writer.write(f)
    os.replace(tmp, out)  # atomic: a concurrent reader sees the old state or the whole copy
    return out
