"""The document as one sequence of lines, each knowing its PDF page; the structure parsers and the
chunker all work on this (structure in council papers is line-shaped: headings, "(Item 4)",
"Resolved", numbered paragraphs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^[\s\u2022\uf0b7\u25aa\u25fc\u25cf\u2013\-\*·]+")


@dataclass
class Line:
    idx: int  # position in the document's line list
    pdf_page: int  # 1-based
    text: str  # as extracted (right-stripped)

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def to_lines(pages: list[str]) -> list[Line]:
    out: list[Line] = []
    for p, text in enumerate(pages, 1):
        for raw in text.split("\n"):
            out.append(Line(len(out), p, raw.rstrip()))
    return out


def strip_bullet(s: str) -> str:
    return _BULLET.sub("", s).strip()


def is_bullet(s: str) -> bool:
    t = s.lstrip()
    return bool(t) and t[0] in "\u2022\uf0b7\u25aa\u25fc\u25cf*·"


def ends_sentence(s: str) -> bool:
    return s.rstrip().endswith((".", ":", ";", "?", "!", ".)", ".”", '."'))


_STOP = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "&",
    "-",
    "–",
    "vs",
    "v",
}


def title_like(s: str, max_words: int = 14, max_lower: int | None = None) -> bool:
    """A heading-shaped line: starts with a capital/digit, short, no sentence punctuation at the end,
    and most content words capitalised."""
    t = s.strip()
    if not t or len(t) > 120 or ends_sentence(t) or t.endswith(","):
        return False
    if not (t[0].isupper() or t[0].isdigit()):
        return False
    words = [w for w in re.split(r"\s+", t) if w]
    if len(words) > max_words:
        return False
    content = [w for w in words if w.lower() not in _STOP and w[0].isalpha()]
    if not content:
        return False
    caps = sum(1 for w in content if w[0].isupper())
    if max_lower is not None and len(content) - caps > max_lower:
        return False
    return caps / len(content) >= 0.6


def _shape(s: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[^0-9a-z]+", "", s.lower()))


def page_furniture(lines: list[Line], n_pages: int, edge: int = 3) -> set[int]:
    """Indices of running headers, footers and page numbers: lines among the first or last few of
    a page whose shape (digits ignored) recurs at the same edge of at least three pages and a
    quarter of them ("Inspection report: X School, 9-10 February 2016  2 of 10", "Page 7").
    They stay in the page text (labels and citation checks read it) but are left out of chunks,
    where they would be embedded, keyword-indexed and quoted as if they were content."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if not line.is_blank:
            by_page.setdefault(line.pdf_page, []).append(line)
    counts: dict[tuple[str, str], set[int]] = {}
    for p, ls in by_page.items():
        for where, part in (("top", ls[:edge]), ("bottom", ls[-edge:])):
            for line in part:
                counts.setdefault((where, _shape(line.text)), set()).add(p)
    if n_pages < 4:  # too few pages to tell furniture from a short paper's repeated lines
        return set()
    need = max(3, (n_pages + 3) // 4)
    common = {k for k, pages in counts.items() if len(pages) >= need and k[1]}
    out: set[int] = set()
    for ls in by_page.values():
        page_out = {
            line.idx
            for where, part in (("top", ls[:edge]), ("bottom", ls[-edge:]))
            for line in part
            if (where, _shape(line.text)) in common
        }
        if len(page_out) < len(ls):  # never empty a page
            out |= page_out
    return out
