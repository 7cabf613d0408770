"""Read a PDF's text layer page by page with pypdf, turning every way a file can be unusable into
one clear IngestError (empty, not a PDF, encrypted, corrupt/truncated, scanned, too slow)."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field

from ingest.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    NeedsOcrError,
    ParseTimeoutError,
    UnsupportedFileError,
)

# pypdf logs every recoverable xref oddity; real council PDFs are full of them.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# A scan can carry a few stray characters (a stamp, a page number); below this per-page average
# there is nothing worth indexing.
_MIN_CHARS_PER_PAGE = 12


def looks_like_pdf(data: bytes) -> bool:
    # The spec lets the header sit anywhere in the first 1024 bytes (some generators prepend junk).
    return b"%PDF-" in data[:1024]


@dataclass
class OcrOptions:
    """How to read pages that have no text layer (ingest/ocr.py); None in read_pdf_pages = never."""

    dpi: int = 300
    lang: str = "eng"
    page_timeout_s: float = 60.0
    done: dict[int, float | None] = field(default_factory=dict)  # filled: 0-based page -> confidence


def read_pdf_pages(  # noqa: C901
    data: bytes,
    source: str,
    *,
    timeout_s: float = 60.0,
    max_pages: int = 2000,
    ocr: OcrOptions | None = None,
) -> list[str]:
    """Text of each page (index 0 = PDF page 1). Raises an IngestError subclass for unusable input.
    With `ocr`, pages with no text layer that carry an image are OCR'd (recorded in ocr.done)."""
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
    ocr_s = 0.0  # OCR has its own per-page limit; it does not eat the text layer's deadline
    for i in range(n):
        # Cooperative deadline: checked between pages, so one pathological file cannot hold a
        # batch for ever (a single page that loops inside pypdf is bounded by pypdf's own limits).
        if time.monotonic() - started - ocr_s > timeout_s:
            raise ParseTimeoutError(
                source, f"parsing took longer than {timeout_s:.0f}s (stopped at page {i + 1} of {n})"
            )
        try:
            page = reader.pages[i]
            text = page.extract_text() or ""
        except FileNotDecryptedError:
            raise EncryptedPdfError(source, "the PDF is password-protected; supply an unprotected copy") from None
        except Exception as e:  # pypdf raises a zoo of types on broken content streams
            raise CorruptPdfError(source, f"page {i + 1} cannot be read ({type(e).__name__}: {e})") from None
        if len(text.strip()) < _MIN_CHARS_PER_PAGE and _has_images(page):
            images += 1
            if ocr is not None and _ocr_ready(source):
                t0 = time.monotonic()
                text = _ocr_page(data, i, ocr, source)
                ocr_s += time.monotonic() - t0
        texts.append(_clean(text))
    total = sum(len(t.strip()) for t in texts)
    if total < _MIN_CHARS_PER_PAGE * n:
        if ocr is not None and images:
            raise NeedsOcrError(source, "no text even after OCR: the scanned pages are blank or unreadable")
        hint = " (the pages are images)" if images else ""
        raise NeedsOcrError(source, f"no text layer{hint}: the PDF looks scanned and needs OCR first")
    return texts


def _ocr_ready(source: str) -> bool:
    from ingest import ocr

    if not ocr.available():
        raise NeedsOcrError(
            source,
            "the PDF is scanned (pages are images) and OCR needs Tesseract, which is "
            "not installed (Debian: apt-get install tesseract-ocr)",
        )
    return True


def _ocr_page(data: bytes, index: int, opts: OcrOptions, source: str) -> str:
    from ingest import ocr

    try:
        page = ocr.ocr_pdf_page(data, index, dpi=opts.dpi, lang=opts.lang, timeout_s=opts.page_timeout_s)
    except RuntimeError as e:  # pytesseract's timeout
        raise ParseTimeoutError(
            source, f"OCR of page {index + 1} took longer than {opts.page_timeout_s:.0f}s ({e})"
        ) from None
    except Exception as e:  # a page PDFium cannot render, a Tesseract error
        raise CorruptPdfError(source, f"page {index + 1} could not be OCR'd ({type(e).__name__}: {e})") from None
    opts.done[index] = page.confidence
    return page.text


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
