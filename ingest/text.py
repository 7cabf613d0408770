"""Read .txt/.md papers: pages are separated by form feeds; without them the file is one page."""

from __future__ import annotations

import re

from ingest.errors import EmptyFileError, UnsupportedFileError


def read_text_pages(data: bytes, source: str) -> list[str]:
    if not data or not data.strip():
        raise EmptyFileError(source, "the file is empty (0 bytes)" if not data else "the file is blank")
    if b"\x00" in data[:4096]:
        raise UnsupportedFileError(source, "binary content in a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older council exports are Windows-1252; latin-1 never fails, so it is the last resort.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NBSP / zero-width / BOM-only files carry no words
    if not re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff]", "", text):
        raise EmptyFileError(source, "the file has no text (whitespace only)")
    pages = text.split("\f") if "\f" in text else [text]
    # A trailing form feed leaves an empty last page that is not a page of the paper.
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return ["\n".join(line.rstrip() for line in p.split("\n")) for p in pages]
