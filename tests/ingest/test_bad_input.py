"""Each kind of unusable file gets its own one-line IngestError naming the file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    IngestError,
    NeedsOcrError,
    ParseTimeoutError,
    UnsupportedFileError,
)
from ingest.pipeline import parse_bytes, parse_file

pytestmark = pytest.mark.unit


def _text_pdf(text: str = "Agenda Item 4\nThe committee resolved to note the report.", pages: int = 3) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for p in range(pages):
        y = 800
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 14
        c.drawString(300, 40, f"Page {p + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def _image_pdf() -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from PIL import Image

    img = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):
        img.putpixel((x, 50), (0, 0, 0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(img), 72, 600, width=400, height=200)
    c.showPage()
    c.save()
    return buf.getvalue()


def _expect(tmp_path: Path, name: str, data: bytes, err: type[IngestError]) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(err) as ei:
        parse_file(path, Settings())
    msg = str(ei.value)
    assert msg.startswith(f"{name}: ") and "\n" not in msg
    return msg


def test_zero_byte(tmp_path):
    _expect(tmp_path, "empty.pdf", b"", EmptyFileError)
    _expect(tmp_path, "empty.txt", b"", EmptyFileError)


def test_truncated(tmp_path):
    data = _text_pdf(pages=4)
    msg = _expect(tmp_path, "cut.pdf", data[: len(data) // 3], CorruptPdfError)
    assert "corrupt" in msg or "truncated" in msg


def test_garbage_after_header(tmp_path):
    _expect(tmp_path, "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, CorruptPdfError)


def test_encrypted(tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(_text_pdf())).pages:
        w.add_page(page)
    w.encrypt(user_password="s3cret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    msg = _expect(tmp_path, "locked.pdf", buf.getvalue(), EncryptedPdfError)
    assert "password" in msg


def test_image_only_needs_ocr(tmp_path):
    msg = _expect(tmp_path, "scan.pdf", _image_pdf(), NeedsOcrError)
    assert "OCR" in msg


def test_docx_named_junk(tmp_path):
    _expect(tmp_path, "report.docx", b"PK\x03\x04 this is not a document we read", UnsupportedFileError)
    _expect(tmp_path, "notes.pdf", b"just some words, not a PDF at all", UnsupportedFileError)


def test_timeout(tmp_path):
    s = Settings(parse_timeout_s=0.0)
    with pytest.raises(ParseTimeoutError):
        parse_bytes(_text_pdf(pages=3), "slow.pdf", s)


def test_good_small_pdf_and_text_pages():
    d = parse_bytes(_text_pdf(pages=3), "ok.pdf", Settings())
    assert [p.label for p in d.pages] == ["1", "2", "3"]
    assert {c.item for c in d.chunks} == {"4"}  # "Agenda Item 4" stamp
    t = parse_bytes(b"First page text here.\fSecond page text here.\f", "paper.txt", Settings())
    assert len(t.pages) == 2 and t.pages[1].text.startswith("Second")
    one = parse_bytes("No form feeds: one page.\nLine two.".encode(), "note.md", Settings())
    assert len(one.pages) == 1


def test_same_bytes_same_id():
    data = _text_pdf(pages=2)
    assert parse_bytes(data, "a.pdf", Settings()).doc_id == parse_bytes(data, "b.pdf", Settings()).doc_id
