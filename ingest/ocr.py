"""Scanned pages read by OCR: Tesseract (Debian's `tesseract-ocr`) through pytesseract, pages
rendered by pypdfium2.

Why pytesseract rather than ocrmypdf: we need each page's text and how sure Tesseract was of it,
in process, to flag low-confidence pages; ocrmypdf writes a new PDF (through Ghostscript and
pikepdf) that we would then read back with pypdf, and its confidence never reaches us. Why
pypdfium2 for rendering: a PyPI wheel with PDFium inside, so no Poppler to install, and it renders
the image-only pages that pypdf can only report as empty.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Callable

# Called as each page's OCR starts: the isolated parser tells its parent it is alive and working,
# so a long scan gets time page by page instead of one fixed deadline (ingest/isolated.py).
progress: Callable[[], None] | None = None


@dataclass
class OcrPage:
    text: str
    confidence: float | None  # mean word confidence 0-100 (None: Tesseract found no words)


def available() -> bool:
    """Tesseract is installed (pytesseract only wraps the binary)."""
    return shutil.which("tesseract") is not None


def _render(data: bytes, index: int, dpi: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
        return image
    finally:
        pdf.close()


def ocr_image(image, lang: str = "eng", timeout_s: float = 60.0) -> OcrPage:
    """Text of one page image, lines kept (every later parser is line-based), with its confidence."""
    import pytesseract

    d = pytesseract.image_to_data(image, lang=lang, timeout=timeout_s, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    for i, word in enumerate(d["text"]):
        word = (word or "").strip()
        conf = float(d["conf"][i])
        if not word or conf < 0:
            continue
        lines.setdefault((d["block_num"][i], d["par_num"][i], d["line_num"][i]), []).append(word)
        confs.append(conf)
    out: list[str] = []
    prev_block = None
    for key in sorted(lines):
        if prev_block is not None and key[:2] != prev_block:
            out.append("")  # a new block or paragraph: a blank line, as a text layer would give
        out.append(" ".join(lines[key]))
        prev_block = key[:2]
    return OcrPage(text="\n".join(out), confidence=round(sum(confs) / len(confs), 1) if confs else None)


def ocr_pdf_page(data: bytes, index: int, *, dpi: int = 300, lang: str = "eng", timeout_s: float = 60.0) -> OcrPage:
    """OCR page `index` (0-based) of a PDF given as bytes. Reports progress before it starts: the
    page then has Tesseract's own limit (timeout_s), not what is left of the parse deadline."""
    if progress is not None:
        progress()
    return ocr_image(_render(data, index, dpi), lang=lang, timeout_s=timeout_s)
