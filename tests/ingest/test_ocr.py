"""Scanned papers are read, not refused: a shipped sample rasterised into an image-only PDF is OCR'd
by Tesseract, its pages are marked as OCR'd with a confidence, its structure is recovered, and a
question about it is answered with the right page."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.errors import NeedsOcrError
from ingest.pipeline import parse_bytes

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "northshire_cssc_2025-01-14_minutes.pdf"
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract-ocr is not installed (make system-deps installs it)"
)


def scanned(pdf: bytes, dpi: int = 200) -> bytes:
    """The same paper as a scanner would give it: each page an image, no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned(SAMPLE.read_bytes())


def test_the_scan_has_no_text_layer(scan):
    from pypdf import PdfReader

    assert not "".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(scan)).pages).strip()
    with pytest.raises(NeedsOcrError, match="OCR"):  # OCR switched off: the old one-line refusal
        parse_bytes(scan, "scan.pdf", Settings(ocr_enabled=False))


@needs_tesseract
@pytest.mark.slow
def test_a_scanned_paper_is_ocrd_and_keeps_its_structure(scan):
    d = parse_bytes(scan, "northshire-minutes-scan.pdf", Settings())
    assert [p.ocr for p in d.pages] == [True, True, True]
    assert all(p.ocr_confidence and p.ocr_confidence >= 80 and not p.low_confidence for p in d.pages)
    assert d.doc_type == "minutes" and d.council == "Northshire County Council"
    assert str(d.meeting_date) == "2025-01-14"
    assert [p.label for p in d.pages] == ["1", "2", "3"]
    assert [m.number for m in d.minutes] == [str(n) for n in range(49, 58)]
    m53 = next(m for m in d.minutes if m.number == "53")
    assert any("6.4 million" in r for r in m53.resolved) and m53.resolved_pages[0] == 2
    out = d.to_inspect_json()["pages"][0]
    assert out["ocr"] is True and out["ocr_confidence"] >= 80


@needs_tesseract
def test_low_confidence_pages_are_flagged(scan):
    d = parse_bytes(scan, "scan.pdf", Settings(ocr_low_confidence=101.0))  # nothing is that sure
    assert all(p.ocr and p.low_confidence for p in d.pages)


@needs_tesseract
def test_a_scan_with_no_text_after_ocr_is_one_clear_error():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(buf, "PDF", resolution=150)  # a blank page, scanned
    with pytest.raises(NeedsOcrError) as e:
        parse_bytes(buf.getvalue(), "blank-scan.pdf", Settings())
    assert "\n" not in str(e.value) and "after OCR" in str(e.value)


@needs_tesseract
@pytest.mark.slow
def test_a_question_about_the_scan_is_answered_with_its_page(scan, tmp_path):
    from index.library import Library
    from service.engine import build_engine

    settings = Settings(data_dir=tmp_path / "data")
    lib = Library(settings)
    res = lib.ingest_bytes(scan, "northshire-minutes-scan.pdf")
    assert res.status == "added", res.summary()
    hits = lib.search("projected overspend of £6.4 million noted", k=3)
    assert hits and hits[0].pdf_page == 2 and hits[0].minute == "53"
    assert lib.store.page_source(res.doc_id, 2, settings.ocr_low_confidence)["ocr"] is True
    r = build_engine(settings, library=lib).ask("What did the committee resolve about the projected overspend?")
    assert not r.abstained, r.debug
    assert "6.4 million" in r.answer
    assert any(c.doc_id == res.doc_id and c.pdf_page == 2 for c in r.citations), [c.describe() for c in r.citations]


@needs_tesseract
@pytest.mark.slow
def test_a_long_scan_is_not_killed_as_a_hang(scan):
    """The isolated parser's hard deadline is for a parse that hangs; a scan reports each page it
    starts to OCR, and each report gives that page Tesseract's own limit (here the parse deadline
    alone is far shorter than the OCR of three pages at 400 dpi)."""
    import time
    from ingest.isolated import _GRACE_S, parse_bytes_isolated

    settings = Settings(parse_timeout_s=0.5, ocr_dpi=400)
    t0 = time.monotonic()
    d = parse_bytes_isolated(scan, "slow-scan.pdf", settings)
    assert [p.ocr for p in d.pages] == [True, True, True]
    assert time.monotonic() - t0 > settings.parse_timeout_s + _GRACE_S  # longer than the deadline alone
