"""Word (.docx) papers go into the same records as PDFs. The test paper is built with python-docx
from the text of a real parish council's minutes (../shared), its minute headings styled as Word
headings the way a clerk's template does; a .docx has no pages, so each section is cited instead."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.errors import UnsupportedFileError
from ingest.pdf import read_pdf_pages
from ingest.pipeline import parse_bytes, parse_file

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
MINUTES = SHARED / "corpus" / "councils" / "minutes" / "milburn-pc_minutes_2019-03-05.pdf"
pytestmark = [pytest.mark.integration, pytest.mark.shared]


def as_docx(pages: list[str], heading: str = r"^\d{2}\.\d{1,2}\.\d{1,2}\s") -> bytes:
    import docx

    d = docx.Document()
    for text in pages:
        for line in text.split("\n"):
            if not line.strip() or re.fullmatch(r"\s*Page \d+ of \d+\s*", line):
                continue
            if re.match(heading, line.strip()):
                d.add_heading(line.strip(), level=2)
            else:
                d.add_paragraph(line.strip())
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def docx_minutes(shared_dir) -> bytes:
    return as_docx(read_pdf_pages(MINUTES.read_bytes(), MINUTES.name))


def test_docx_minutes_give_the_same_records_as_the_pdf(docx_minutes):
    pdf = parse_file(MINUTES, Settings())
    d = parse_bytes(docx_minutes, "milburn-minutes.docx", Settings())
    assert (d.doc_type, d.council, d.committee, str(d.meeting_date)) == (
        "minutes",
        "Milburn Parish Council",
        "Council",
        "2019-03-05",
    )
    assert [m.number for m in d.minutes] == [m.number for m in pdf.minutes]
    assert {m.number: m.resolved for m in d.minutes}["19.03.5"] == [
        "After discussion, the Councillors resolved to adopt the seat."
    ]
    assert [a.name for a in d.attendance if a.role == "apologies"] == ["Alan Armstrong"]


def test_docx_pages_are_sections_named_by_their_heading(docx_minutes):
    d = parse_bytes(docx_minutes, "milburn-minutes.docx", Settings())
    assert len(d.pages) > 3 and all(p.label is None for p in d.pages)
    assert any(p.section == "19.03.5 Adoption of W.I. Seat" for p in d.pages)
    # a minute's chunks lie on its own section, so the citation names it
    sec = {p.pdf_page: p.section for p in d.pages}
    c = next(c for c in d.chunks if c.minute == "19.03.5")
    assert sec[c.pdf_page] == "19.03.5 Adoption of W.I. Seat"
    assert d.to_inspect_json()["pages"][c.pdf_page - 1]["section"] == "19.03.5 Adoption of W.I. Seat"


def test_docx_goes_into_the_library_and_is_found(docx_minutes, tmp_path):
    from index.library import Library

    lib = Library(Settings(data_dir=tmp_path / "data"))
    res = lib.ingest_bytes(docx_minutes, "milburn-minutes.docx")
    assert res.status == "added", res.summary()
    hit = lib.search("adopt the W.I. seat", k=3)[0]
    assert hit.doc_id == res.doc_id and hit.minute == "19.03.5"
    assert lib.store.page_source(res.doc_id, hit.pdf_page, 70.0)["section"] == "19.03.5 Adoption of W.I. Seat"


def test_a_broken_docx_is_one_clear_error():
    with pytest.raises(UnsupportedFileError) as e:
        parse_bytes(b"PK\x03\x04 word/ but not a zip at all", "minutes.docx", Settings())
    assert "\n" not in str(e.value) and ".docx" in str(e.value)
