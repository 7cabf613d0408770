"""Read Word (.docx) papers with python-docx: text in reading order (paragraphs and table rows),
split into sections at headings, since a .docx has no pages to cite.

Each section becomes one "page" of the ParsedDocument (pdf_page is then the section's position,
Page.section its heading), so every later parser, the chunker and citations work unchanged and a
citation names the section. The first section's page header goes on top of the first page: Word
letterheads ("X Town Council", the meeting's title) often live there.
"""

from __future__ import annotations

import io
import zipfile

from ingest.errors import EmptyFileError, UnsupportedFileError

WORD_SUFFIXES = (".docx",)

# A section shorter than this joins the next one: a heading alone is not worth a citation of its own.
_MIN_SECTION_CHARS = 200


def looks_like_docx(data: bytes) -> bool:
    return data[:2] == b"PK" and b"word/" in data[:4096]


def _cell_text(cell) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())


def _blocks(doc):
    """(text, is_heading) for the body's paragraphs and table rows, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, doc)
            style = (p.style.name if p.style is not None else "") or ""
            yield p.text, style.startswith(("Heading", "Title"))
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells: list[str] = []
                for c in row.cells:  # merged cells repeat: keep each text once per row
                    t = _cell_text(c)
                    if t and (not cells or cells[-1] != t):
                        cells.append(t)
                if cells:
                    yield "  ".join(cells), False


def read_docx_pages(data: bytes, source: str) -> tuple[list[str], list[str | None]]:
    """(text of each section, its heading) for a .docx file."""
    if not data:
        raise EmptyFileError(source, "the file is empty (0 bytes)")
    try:
        import docx

        doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise UnsupportedFileError(
            source, f"not a readable .docx (corrupt, or another format renamed; {type(e).__name__}: {e})"
        ) from None
    except Exception as e:  # python-docx's PackageNotFoundError and lxml errors on broken XML
        raise UnsupportedFileError(source, f"cannot be read as a .docx ({type(e).__name__}: {e})") from None

    head: list[str] = []
    try:
        head = [p.text for p in doc.sections[0].header.paragraphs if p.text.strip()] if doc.sections else []
    except Exception:  # a header part that is missing or odd is no reason to refuse the paper
        head = []
    sections: list[tuple[str | None, list[str]]] = [(None, list(head))]
    for text, is_heading in _blocks(doc):
        text = text.replace("\u00a0", " ").replace("\r", "")
        if is_heading and text.strip():
            heading = " ".join(text.split())
            title, body = sections[-1]
            if len("\n".join(body).strip()) >= _MIN_SECTION_CHARS:
                sections.append((heading, [text]))
                continue
            if title is None and not "\n".join(body).strip():
                sections[-1] = (heading, body + [text])
                continue
        sections[-1][1].append(text)
    pages = ["\n".join(line.rstrip() for line in body) for _, body in sections]
    keep = [(p, t) for p, (t, _) in zip(pages, sections, strict=True) if p.strip()]
    if not keep:
        raise EmptyFileError(source, "the Word file has no text")
    return [p for p, _ in keep], [t for _, t in keep]
