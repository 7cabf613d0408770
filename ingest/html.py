"""Read HTML papers: an uploaded .html/.htm file, a council's minutes or agenda page, or the minutes
HTML a publishing system hands out (index/moderngov builds one such page per minute).

The text comes out the way the rest of ingestion expects a paper: one line per heading, paragraph,
list item or table row, long paragraphs wrapped like a printed page's lines, blank lines between
blocks. An HTML document has no PDF pages, so it is cut into sections instead: a new section starts
at each top-level heading (h1/h2), and each section is a "page" to the pipeline; a citation then
names the minute or item, never a page number that nobody printed.

lxml.html does the parsing (a well-kept, forgiving HTML parser: Word-exported HTML, unclosed tags,
entities) rather than hand-written tag stripping.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ingest.errors import EmptyFileError, IngestError, UnsupportedFileError

HTML_SUFFIXES = (".html", ".htm")
WRAP_WIDTH = 100  # characters per line, about a printed A4 line, so line-shaped parsers see lines
MIN_SECTION_CHARS = 200  # a shorter section (a bare heading, a one-line preamble) joins the next one

# not text of the paper: code, the page's head, menus. (Not <form>: ASP.NET pages, ModernGov's among
# them, wrap the whole page in one.)
_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "object",
    "embed",
    "head",
    "nav",
    "select",
    "button",
)
_BLOCK = {
    "html",
    "body",
    "form",
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "footer",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "caption",
    "figure",
    "figcaption",
    "address",
    "center",
    "hr",
    "br",
    "fieldset",
    "details",
    "summary",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SECTION_HEADINGS = {"h1", "h2"}
_CELLS = {"td", "th"}
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@dataclass
class HtmlSection:
    heading: str | None  # the h1/h2 that starts it (None for text before the first heading)
    text: str


@dataclass
class HtmlDocument:
    title: str | None
    sections: list[HtmlSection]


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<html" in head


def read_html(data: bytes, source: str) -> HtmlDocument:
    """The document's title and its sections of text; IngestError for input that is not usable HTML."""
    if not data or not data.strip():
        raise EmptyFileError(source, "the file is empty (0 bytes)" if not data else "the file is blank")
    if b"\x00" in data[:4096]:
        raise UnsupportedFileError(source, "binary content in an HTML file")
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as e:
        raise IngestError(source, f"not readable as HTML ({e})") from None
    title_el = root.find(".//title")
    title = _clean(title_el.text_content()) if title_el is not None else None
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree()
    blocks: list[tuple[str | None, str]] = []  # (heading tag or None, text of one block)
    _walk(root, blocks)
    sections = _sections(blocks)
    if not any(s.text.strip() for s in sections):
        raise EmptyFileError(source, "the HTML has no text")
    return HtmlDocument(title=title or None, sections=sections)


def read_html_pages(data: bytes, source: str) -> list[str]:
    """The sections as the pipeline's pages."""
    return [s.text for s in read_html(data, source).sections]


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _walk(el: etree._Element, blocks: list[tuple[str | None, str]]) -> None:  # noqa: C901
    """Depth-first: each block element's own inline text becomes one block; nested blocks their own.
    A table row is one block with its cells side by side (an agenda's "5. | Title" row reads "5. Title")."""
    inline: list[str] = []

    def flush() -> None:
        text = _clean("".join(inline))
        inline.clear()
        if text:
            blocks.append((el.tag if el.tag in _HEADINGS else None, text))

    if el.text:
        inline.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            flush()
            cells = [_clean(c.text_content()) for c in child if isinstance(c.tag, str) and c.tag in _CELLS]
            row = " ".join(c for c in cells if c)
            if row:
                blocks.append((None, row))
        elif tag in _BLOCK:
            flush()
            if tag == "hr":
                blocks.append((None, ""))
            elif tag != "br":
                _walk(child, blocks)
            else:
                blocks.append((None, ""))  # a <br> ends a line inside a paragraph
        else:
            inline.append(child.text_content() if tag else "")
        if child.tail:
            inline.append(child.tail)
    flush()


def _sections(blocks: list[tuple[str | None, str]]) -> list[HtmlSection]:
    sections: list[HtmlSection] = []
    heading: str | None = None
    lines: list[str] = []

    def close() -> None:
        text = "\n".join(lines).strip("\n")
        if text:
            sections.append(HtmlSection(heading, text))

    for tag, text in blocks:
        if tag in _SECTION_HEADINGS and len("\n".join(lines)) >= MIN_SECTION_CHARS:
            close()
            heading, lines = text, []
        elif tag in _SECTION_HEADINGS and not lines:
            heading = text
        if not text:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if lines and lines[-1] != "":
            lines.append("")  # blank line between blocks, as between a printed page's paragraphs
        if tag in _HEADINGS:
            lines.append(text)
        else:
            lines.extend(textwrap.wrap(text, WRAP_WIDTH, break_long_words=False, break_on_hyphens=False))
    close()
    return sections
