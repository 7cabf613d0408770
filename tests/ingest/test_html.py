"""HTML papers: real HTML in, the lines the pipeline parses out.

No HTML here is written by hand. The minutes HTML is what a ModernGov site hands out in GetMeeting
(Word-exported fragments in a real recorded answer, kept in ../shared/moderngov); the other pages are
written at test time by real software: Python's http.server's error page and FastAPI's API-docs page.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi.openapi.docs import get_swagger_ui_html

from cllr.settings import Settings
from ingest.errors import EmptyFileError, IngestError
from ingest.html import read_html, read_html_pages
from ingest.pipeline import SUPPORTED, parse_bytes
from tests.fixtures.moderngov_recordings import recording

WORK_PROGRAMME = (
    "The Committee considered a report of the Governance and Scrutiny Support Unit which set out its "
    "future Work Programme for the remainder of 2025/26 municipal year."
)


def _item(minute: str) -> ET.Element:
    root = ET.parse(recording("meeting_with_minutes.xml")).getroot()
    return next(i for i in root.iter("agendaitem") if (i.findtext("minutesitemnumber") or "").strip() == minute)


def _minutes_html(minute: str) -> bytes:
    return (_item(minute).findtext("minutesnonemptyhtmlbody") or "").encode("utf-8")


@pytest.mark.integration
def test_word_exported_minutes_read_as_lines() -> None:
    html = _minutes_html("9")
    assert b'class="MsoNormal"' in html and b"of the\nGovernance" in html  # Word's markup, the source's own breaks
    lines = "\n".join(read_html_pages(html, "minute.html")).split("\n")
    # Word's wrapper and classes gone; the paragraph's source line breaks are not lines; a long
    # paragraph is wrapped like a printed one
    assert " ".join(lines) == WORK_PROGRAMME
    assert len(lines) == 2 and max(len(line) for line in lines) <= 100
    # a Word <span> inside a paragraph is inline text, not a line of its own
    agenda = (_item("1").findtext("agendatext") or "").encode("utf-8")
    assert b"<span" in agenda
    assert read_html_pages(agenda, "agenda.html") == [
        "To approve as a correct record the minutes of the meeting held on 25 November 2025."
    ]


@pytest.mark.integration
def test_an_uploaded_html_page_is_a_paper_without_pdf_pages(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, parse_isolated=False)
    assert ".html" in SUPPORTED and ".htm" in SUPPORTED
    doc = parse_bytes(_minutes_html("9"), "work-programme.htm", settings)
    assert doc.pages and all(p.label is None for p in doc.pages)
    assert any("Governance and Scrutiny Support Unit" in c.text for c in doc.chunks)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a: object) -> None:
        pass


@pytest.mark.integration
def test_a_web_server_s_error_page_yields_its_text_not_its_head(tmp_path: Path) -> None:
    """What a web server answers for a paper it does not have: Python's http.server's own 404 page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        r = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/no-such-paper.pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    doc = read_html(r.content, "error.html")
    assert doc.title == "Error response"
    lines = "\n".join(s.text for s in doc.sections).split("\n")
    assert "Error code: 404" in lines and "Message: File not found." in lines
    assert not any("charset" in line or "utf-8" in line for line in lines)


@pytest.mark.unit
def test_a_page_that_is_all_script_has_no_text() -> None:
    """The service's own API-docs page as FastAPI writes it: a script builds it in the browser, so
    there is no text to read, and its code is never read as text."""
    page = bytes(get_swagger_ui_html(openapi_url="/openapi.json", title="cllr - Swagger UI").body)
    assert b"<script>" in page and b"SwaggerUIBundle(" in page
    with pytest.raises(EmptyFileError, match="the HTML has no text"):
        read_html(page, "docs.html")


@pytest.mark.unit
@pytest.mark.parametrize("data", [b"", b"   \n", b"<html><head><title>t</title></head><body>  </body></html>"])
def test_empty_html_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(EmptyFileError):
        read_html(data, "empty.html")


@pytest.mark.unit
def test_binary_content_is_not_html() -> None:
    with pytest.raises(IngestError, match="binary"):
        read_html(b"\x00\x01PK\x03\x04" * 10, "fake.html")
