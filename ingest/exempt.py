"""Part II (exempt) text: which lines of a paper the public may not see, and by which rule.

Restriction belongs to the passage, not the file. An agenda pack holds open and exempt items
together; an open report can carry an exempt appendix from page 2; a front sheet lists an open
item beside an exempt one; minutes go into private session part-way through. So every line gets
its own flag, and every page records its restricted line ranges.

The rules, each a convention of council papers in England, Wales and Scotland (Schedule 12A to
the Local Government Act 1972; Schedule 7A to the Local Government (Scotland) Act 1973) and of
municipalities elsewhere ("closed session", "in camera"):
- `agenda`: the items a front sheet lists under its Part II / "exempt items" heading (found by
  ingest/agenda.py), their lines on the front sheet and the pages the front sheet maps to them;
- `marker`: a page that prints "NOT FOR PUBLICATION", or "exempt information" beside the
  statutory paragraph it relies on, is restricted from its top (the lines above a marker on the
  same page are ambiguous, and ambiguous lines are restricted);
- `heading`: a heading line that opens the private part ("PART II", "Exempt appendix",
  "CONFIDENTIAL", "Closed session", "In camera") is restricted from that line;
- `exclusion`: the open motion to exclude press and public ("RESOLVED that the public be excluded
  ... exempt information ...") stays open, and what follows it from the next minute or item is
  restricted.
A restriction runs on until the paper says it is over: a line recording the public's return
("the press and public were re-admitted", "returned to open session"), or the first page of an
agenda item that is not itself exempt and prints no marker. Otherwise it runs to the end.
Overrides from outside the paper (an admin's flag on upload, a publishing system's restricted
flag) are applied by `restrict_pages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.layout import Line, title_like
from ingest.models import Page, ParsedDocument

RULES = ("agenda", "marker", "heading", "exclusion", "override", "passage")

# Statutory wording: "exempt information as defined in paragraph 3 of Part 1 of Schedule 12A",
# "by virtue of paragraph 1 of Part 1 of Schedule 7A".
_STATUTE = re.compile(r"schedule\s*(12\s*a|7\s*a)\b|paragraphs?\s+\d+\s+of\s+part\s+(1|i)\b", re.I)
_NOT_FOR_PUBLICATION = re.compile(r"\bNOT\s+FOR\s+PUBLICATION\b", re.I)
_EXEMPT = re.compile(r"\bexempt\s+(information|report|appendix|appendices|item)", re.I)
# The motion that takes a meeting into private session is itself open business.
_EXCLUSION = re.compile(
    r"\b(exclu(de|ded|sion)|withdr[ae]w)\b.{0,80}\b(public|press)\b"
    r"|\b(public|press)\b.{0,80}\b(exclu(de|ded|sion)|withdr[ae]w)\b"
    r"|\b(move|moved|go|went|proceed\w*|resolve\w*)\s+(in)?to\s+(closed|private|confidential)\s+session",
    re.I | re.S,
)
_HEADING = re.compile(
    r"^\s*(?:\d{1,3}[a-z]?[.)]?\s+)?(?:(PART\s*(?:II|2|B))(?![\w])"
    r"|(?:strictly\s+|private\s+and\s+)?confidential(?:\s*[:\-–]|\s*$|\s+(?:items?|reports?|appendix|"
    r"appendices|annex|matters?|business|session|information|minutes?)\b)"
    r"|exempt\s+(?:items?|information|reports?|appendix|appendices)\b"
    r"|closed\s+session\b|in[\s-]camera\b)",
    re.I,
)
# "PART II ... None": the heading is printed but no exempt business follows.
_NONE_FOLLOWS = re.compile(
    r"^\s*(none\.?|nil\.?|there (are|were) no\b.*"
    r"|\(?at the time of preparing the agenda there were no\b.*)$",
    re.I,
)
_READMITTED = re.compile(
    r"\bre-?admitted\b|\b(returned|return|reconvened?|resumed?)\s+(to|in|into)\s+"
    r"(open|public)(\s+session)?\b|\bopen\s+session\s+(resumed|reconvened)\b"
    r"|\b(rise|rose|risen|rising)\s+(from|out\s+of)\s+(the\s+)?(closed|private|in[\s-]camera)\s+(session|meeting)\b"
    r"|\b(ended|closed)\s+the\s+(closed|private)\s+session\b",
    re.I,
)


@dataclass(frozen=True)
class Region:
    """Lines [start, end) of the document's line list, restricted by `rule`."""

    start: int
    end: int
    rule: str


def _context(lines: list[Line], i: int, before: int = 3, after: int = 3) -> str:
    lo, hi = max(0, i - before), min(len(lines), i + after + 1)
    return " ".join(line.stripped for line in lines[lo:hi])


def _none_follows(lines: list[Line], i: int) -> bool:
    seen = 0
    for line in lines[i + 1 :]:
        if line.is_blank:
            continue
        if _NONE_FOLLOWS.match(line.text):
            return True
        seen += 1
        if seen >= 4:
            return False
    return False


def _heading(line: Line) -> bool:
    s = line.stripped
    if not _HEADING.match(s) or len(s.split()) > 14:
        return False
    # a heading is short and heading-shaped, or shouted, or ends in a colon ("Closed Session:")
    return title_like(s, 14) or s.isupper() or s.endswith(":") or bool(re.match(r"^\s*PART\s*(II|2|B)\b", s))


def _marker(lines: list[Line], i: int) -> str | None:
    """The rule a line starts a restriction by, or None."""
    line = lines[i]
    s = line.stripped
    if not s:
        return None
    around = _context(lines, i)
    if _NOT_FOR_PUBLICATION.search(s):
        return "exclusion" if _EXCLUSION.search(around) else "marker"
    if _EXEMPT.search(s) and _STATUTE.search(_context(lines, i, 1, 2)):
        return "exclusion" if _EXCLUSION.search(around) else "marker"
    if _heading(line) and not _none_follows(lines, i):
        return (
            "exclusion"
            if _EXCLUSION.search(_context(lines, i, 0, 3)) and not re.match(r"^\s*PART\s*(II|2|B)\b", s, re.I)
            else "heading"
        )
    return None


def find_regions(
    lines: list[Line],
    *,
    scan_from_page: int,
    item_starts: dict[int, str | None],
    exempt_items: set[str],
    boundaries: set[int],
) -> list[Region]:
    """Restricted regions found by markers, headings and exclusion motions on pages after
    `scan_from_page` (the front sheet is agenda.py's: its Part II section is read item by item).

    item_starts: first line index of each page that starts a new agenda item -> that item;
    exempt_items: items the front sheet lists as exempt;
    boundaries: line indices where a minute or item starts (where an exclusion takes effect)."""
    regions: list[Region] = []
    n = len(lines)
    first_of_page: dict[int, int] = {}
    for line in lines:
        first_of_page.setdefault(line.pdf_page, line.idx)
    i = 0
    while i < n:
        line = lines[i]
        rule = _marker(lines, i) if line.pdf_page > scan_from_page else None
        if rule is None:
            i += 1
            continue
        if rule == "marker":
            start = first_of_page[line.pdf_page]
        elif rule == "heading":
            start = i
        else:  # exclusion: the motion stays open; the business after it is private
            later = [b for b in sorted(boundaries) if b > i]
            start = later[0] if later else _paragraph_end(lines, i)
        end = _region_end(lines, max(start, i) + 1, item_starts, exempt_items)
        if start < end:
            regions.append(Region(start, end, rule))
        i = max(end, i + 1)
    return regions


def _paragraph_end(lines: list[Line], i: int) -> int:
    j = i + 1
    while j < len(lines) and not lines[j].is_blank:
        j += 1
    return j


def _region_end(lines: list[Line], i: int, item_starts: dict[int, str | None], exempt_items: set[str]) -> int:
    """Where the private part stops: the public re-admitted, or an open item's first page that
    prints no marker of its own."""
    for j in range(i, len(lines)):
        if _READMITTED.search(lines[j].text) and not _NOT_FOR_PUBLICATION.search(lines[j].text):
            return j
        if j in item_starts and item_starts[j] not in exempt_items:
            page = lines[j].pdf_page
            own = [k for k in range(j, len(lines)) if lines[k].pdf_page == page]
            if not any(_marker(lines, k) in ("marker", "heading") for k in own):
                return j
    return len(lines)


def page_ranges(lines: list[Line], flags: list[bool]) -> dict[int, list[tuple[int, int]]]:
    """pdf page -> inclusive ranges of restricted lines, numbered within the page (its text's
    split("\\n") positions), for the pages that have any."""
    out: dict[int, list[tuple[int, int]]] = {}
    first_of_page: dict[int, int] = {}
    for line in lines:
        first_of_page.setdefault(line.pdf_page, line.idx)
    for line in lines:
        if not flags[line.idx]:
            continue
        k = line.idx - first_of_page[line.pdf_page]
        rs = out.setdefault(line.pdf_page, [])
        if rs and rs[-1][1] == k - 1:
            rs[-1] = (rs[-1][0], k)
        else:
            rs.append((k, k))
    return out


def withheld(text: str, ranges: list[tuple[int, int]] | list[list[int]], notice: str = "") -> str:
    """A page's text with its restricted line ranges replaced by `notice` (one line per range;
    an empty notice keeps a blank line, so no sentence is joined across the gap)."""
    if not ranges:
        return text
    lines = text.split("\n")
    hidden: set[int] = set()
    for a, b in ranges:
        hidden.update(range(int(a), int(b) + 1))
    out: list[str] = []
    for k, line in enumerate(lines):
        if k not in hidden:
            out.append(line)
        elif k - 1 not in hidden:
            out.append(notice)
    return "\n".join(out)


def restricted_part(text: str, ranges: list[tuple[int, int]] | list[list[int]]) -> str:
    """Only the restricted lines of a page's text."""
    lines = text.split("\n")
    return "\n".join(lines[k] for a, b in ranges for k in range(int(a), int(b) + 1) if k < len(lines))


def private_title(title: str) -> bool:
    """An agenda item whose own title says it is taken in private ("Closed Session",
    "Confidential: staffing", "Exempt report"), not the open motion to exclude the public."""
    s = title.strip()
    return bool(_HEADING.match(s)) and not re.match(r"^\s*PART\s*(II|2|B)\b", s, re.I) and not _EXCLUSION.search(s)


def line_rules(  # noqa: C901
    lines: list[Line],
    *,
    item_of_line: list[str | None],
    exempt_items: set[str],
    front_last: int,
    boundaries: set[int],
    part2_from: int | None = None,
) -> list[str | None]:
    """The rule that restricts each line, or None for an open line.

    item_of_line: the agenda item each line belongs to (front-sheet blocks and the pages mapped to
    items); boundaries: line indices where a minute starts; part2_from: where the front sheet's
    Part II section starts (it runs to the end of the front sheet: the exempt items' descriptions
    are in it)."""
    rules: list[str | None] = [None] * len(lines)
    if part2_from is not None:
        for line in lines[part2_from:]:
            if line.pdf_page > front_last:
                break
            rules[line.idx] = "agenda"
    for line in lines:
        it = item_of_line[line.idx]
        if it is not None and it in exempt_items:
            rules[line.idx] = "agenda"
    # first line of each run of pages that belongs to one agenda item, after the front sheet
    item_starts: dict[int, str | None] = {}
    prev: object = object()
    for line in lines:
        if line.pdf_page <= front_last:
            continue
        it = item_of_line[line.idx]
        if it != prev:
            item_starts[line.idx] = it
            prev = it
    for r in find_regions(
        lines,
        scan_from_page=front_last,
        item_starts={k: v for k, v in item_starts.items() if v is not None},
        exempt_items=exempt_items,
        boundaries=boundaries | set(item_starts),
    ):
        for i in range(r.start, r.end):
            rules[i] = rules[i] or r.rule
    return rules


def set_page_restrictions(pages: list[Page], lines: list[Line], rules: list[str | None]) -> None:
    """Page.restricted_lines / restricted_by from the per-line rules."""
    ranges = page_ranges(lines, [r is not None for r in rules])
    by_page: dict[int, list[str]] = {}
    for line in lines:
        r = rules[line.idx]
        if r is not None and r not in by_page.setdefault(line.pdf_page, []):
            by_page[line.pdf_page].append(r)
    for p in pages:
        p.restricted_lines = ranges.get(p.pdf_page, [])
        p.restricted_by = by_page.get(p.pdf_page, [])


def _add_range(page: Page, a: int, b: int, rule: str) -> None:
    before = {k for x, y in page.restricted_lines for k in range(x, y + 1)}
    hidden = before | set(range(a, b + 1))
    if hidden == before:
        return
    merged: list[tuple[int, int]] = []
    for k in sorted(hidden):
        if merged and merged[-1][1] == k - 1:
            merged[-1] = (merged[-1][0], k)
        else:
            merged.append((k, k))
    page.restricted_lines = merged
    if rule not in page.restricted_by:
        page.restricted_by.append(rule)


def restrict_pages(doc: ParsedDocument, pages: set[int] | None, rule: str) -> None:
    """Restrict whole pages (None: every page) and every chunk on them: an admin's flag on
    upload, or a publishing system's flag on the whole document."""
    for p in doc.pages:
        if pages is None or p.pdf_page in pages:
            _add_range(p, 0, p.line_count - 1, rule)
    doc.chunks = [replace(c, restricted=True) if (pages is None or set(c.pdf_pages) & pages) else c for c in doc.chunks]
    sync_document(doc, rule)


def sync_document(doc: ParsedDocument, rule: str = "override") -> None:
    """After overrides changed chunk flags: every restricted chunk's lines are restricted on its
    page too (a page whose every passage is restricted, whole), and the document is restricted
    when every page is withheld whole."""
    by_no = {p.pdf_page: p for p in doc.pages}
    on_page: dict[int, list[bool]] = {}
    for c in doc.chunks:
        for n in c.pdf_pages:
            on_page.setdefault(n, []).append(c.restricted)
    for n, flags in on_page.items():
        # every passage of the page restricted: its headers, footers and blank lines go with them
        if all(flags) and n in by_no:
            _add_range(by_no[n], 0, by_no[n].line_count - 1, rule)
    for c in doc.chunks:
        if c.restricted:
            for n in c.pdf_pages:
                page = by_no.get(n)
                if page is None:
                    continue
                a, b = c.page_lines if c.page_lines is not None else (0, page.line_count - 1)
                _add_range(page, a, b, rule)
    doc.restricted = bool(doc.pages) and all(p.fully_restricted for p in doc.pages)
