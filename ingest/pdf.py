"""Read a PDF's text layer page by page with pypdf, turning every way a file can be unusable into
one clear IngestError (empty, not a PDF, encrypted, corrupt/truncated, scanned, too slow)."""
from __future__ import annotations

import io
import logging
import time

from ingest.errors import (CorruptPdfError, EmptyFileError, EncryptedPdfError, NeedsOcrError,
                           ParseTimeoutError, UnsupportedFileError)

# pypdf logs every recoverable xref oddity; real council PDFs are full of them.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# A scan can carry a few stray characters (a stamp, a page number); below this per-page average
# there is nothing worth indexing.
_MIN_CHARS_PER_PAGE = 12


def looks_like_pdf(data: bytes) -> bool:
    # The spec lets the header sit anywhere in the first 1024 bytes (some generators prepend junk).
    return b"%PDF-" in data[:1024]


def read_pdf_pages(data: bytes, source: str, *, timeout_s: float = 60.0, max_pages: int = 2000) -> list[str]:
    """Text of each page (index 0 = PDF page 1). Raises an IngestError subclass for unusable input."""
    if not data or not data.strip():
        raise EmptyFileError(source, "the file is empty (0 bytes)" if not data else "the file is blank")
    if not looks_like_pdf(data):
        raise UnsupportedFileError(source, "not a PDF (no %PDF header); supported: .pdf, .txt, .md")
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many council PDFs are "encrypted" only against editing, with an empty user password.
            try:
                ok = reader.decrypt("")
            except Exception as e:  # missing crypto backend, unknown algorithm
                raise EncryptedPdfError(source, f"the PDF is encrypted and cannot be opened ({e})") from None
            if not ok:
                raise EncryptedPdfError(source, "the PDF is password-protected; supply an unprotected copy")
        n = len(reader.pages)
    except EncryptedPdfError:
        raise
    except FileNotDecryptedError:
        raise EncryptedPdfError(source, "the PDF is password-protected; supply an unprotected copy") from None
    except Exception as e:  # PdfReadError, LimitReachedError, and the odd KeyError/TypeError on broken trees
        raise CorruptPdfError(source, f"the PDF is corrupt or truncated ({type(e).__name__}: {e})") from None
    if n == 0:
        raise CorruptPdfError(source, "the PDF has no readable pages (corrupt or truncated)")
    if n > max_pages:
        raise UnsupportedFileError(source, f"the PDF has {n} pages, over the limit of {max_pages}")

    texts: list[str] = []
    images = 0
    for i in range(n):
        # Cooperative deadline: checked between pages, so one pathological file cannot hold a
        # batch for ever (a single page that loops inside pypdf is bounded by pypdf's own limits).
        if time.monotonic() - started > timeout_s:
            raise ParseTimeoutError(source, f"parsing took longer than {timeout_s:.0f}s (stopped at page {i + 1} of {n})")
        try:
            page = reader.pages[i]
            text = page.extract_text() or ""
        except FileNotDecryptedError:
            raise EncryptedPdfError(source, "the PDF is password-protected; supply an unprotected copy") from None
        except Exception as e:  # pypdf raises a zoo of types on broken content streams
            raise CorruptPdfError(source, f"page {i + 1} cannot be read ({type(e).__name__}: {e})") from None
        if not text.strip():
            images += _has_images(page)
        texts.append(_clean(text))
    total = sum(len(t.strip()) for t in texts)
    if total < _MIN_CHARS_PER_PAGE * n:
        hint = " (the pages are images)" if images else ""
        raise NeedsOcrError(source, f"no text layer{hint}: the PDF looks scanned and needs OCR first")
    return texts


def _has_images(page) -> bool:
    try:
        res = page.get("/Resources") or {}
        xobj = res.get("/XObject") or {}
        return any(xobj[k].get_object().get("/Subtype") == "/Image" for k in xobj)
    except Exception:
        return False


def _clean(text: str) -> str:
    # Normalise what pypdf emits for the same layout in different producers: NBSPs, trailing spaces,
    # Windows line ends. Keep line structure: every later parser is line-based.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\x00", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))
