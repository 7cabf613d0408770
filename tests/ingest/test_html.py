"""HTML papers: real HTML in, the lines the pipeline parses out.

The HTML here is what councils' sites really produced: the minutes HTML a ModernGov site hands out
in GetMeeting (tests/fixtures/moderngov/gloucester, Word-exported, entities escaped twice in the XML)
and a SharePoint error page a site answered in place of XML (tests/fixtures/moderngov/not-moderngov).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.errors import EmptyFileError, IngestError
from ingest.html import read_html, read_html_pages
from ingest.pipeline import SUPPORTED, parse_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moderngov"


def _minutes_html(minute: str) -> bytes:
    root = ET.parse(FIXTURES / "gloucester" / "GetMeeting_7837.xml").getroot()
    item = next(i for i in root.iter("agendaitem") if (i.findtext("minutesitemnumber") or "").strip() == minute)
    return (item.findtext("minutesnonemptyhtmlbody") or "").encode("utf-8")


def test_word_exported_minutes_read_as_lines() -> None:
    text = "\n".join(read_html_pages(_minutes_html("55"), "minute.html"))
    lines = text.split("\n")
    # entities (&nbsp; &rsquo; &pound;) decoded, Word's spans and empty paragraphs gone, lines wrapped
    assert "Gloucester’s own terms" in " ".join(text.split())
    assert "£21m starting deficit" in " ".join(text.split())
    assert "&nbsp;" not in text and "<" not in text and "\xa0" not in text
    assert max(len(l) for l in lines) <= 100
    # the Resolved block reads as the printed minutes do: a heading line, then its numbered points
    i = lines.index("RESOLVED:")
    after = [l for l in lines[i + 1:] if l.strip()]
    assert after[0].startswith("(1) to submit to Government the Greater Gloucester/Gloucestershire")
    assert any(l.startswith("(2) to delegate to the Managing Director") for l in after)


def test_an_uploaded_html_page_is_a_paper_without_pdf_pages(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, parse_isolated=False)
    assert ".html" in SUPPORTED and ".htm" in SUPPORTED
    doc = parse_bytes(_minutes_html("52"), "public-questions.htm", settings)
    assert doc.pages and all(p.label is None for p in doc.pages)
    assert any("West of England Combined Authority" in c.text for c in doc.chunks)


def test_a_sharepoint_error_page_yields_its_text_not_its_code() -> None:
    page = (FIXTURES / "not-moderngov" / "leeds_sharepoint_error.xml").read_bytes()
    doc = read_html(page, "error.html")
    assert doc.title == "Error"
    text = "\n".join(s.text for s in doc.sections)
    assert "document.write" not in text and "_spBodyOnLoadWrapper" not in text and "__VIEWSTATE" not in text


@pytest.mark.parametrize("data", [b"", b"   \n", b"<html><head><title>t</title></head><body>  </body></html>"])
def test_empty_html_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(EmptyFileError):
        read_html(data, "empty.html")


def test_binary_content_is_not_html() -> None:
    with pytest.raises(IngestError, match="binary"):
        read_html(b"\x00\x01PK\x03\x04" * 10, "fake.html")
