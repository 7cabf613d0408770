"""Agenda items: the front sheet's numbered list with "(Pages X - Y)", the "Agenda Item N" stamps
printed on report pages, and "(Item N)" references under minute headings.

Front sheets differ: some print "6 Title (Pages 15 - 26)" then a description; others print
"6. Title" with "(Pages 31 - 190)" on its own line, titles wrapping over two or three lines, and
supplement packs list "Agenda Item No / 7 Title (Pages 1 - 20)" in a covering letter. A parish
summons ("Members of the Council are hereby summoned ...") lists its items with no page ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.exempt import private_title
from ingest.layout import Line, ends_sentence
from ingest.models import AgendaItem

_ITEM_START = re.compile(r"^\s*(\d{1,2}[a-z]?)(?:\.|\))?\s+(\S.*)$")
_PAGES = re.compile(r"\(\s*Pages?\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?\s*\)", re.I)
_PAGES_OPEN = re.compile(r"\(\s*Pages?\b.*$", re.I)
_PART2 = re.compile(r"^\s*(PART\s*(II|2)\b|EXEMPT ITEMS|Exempt Information)", re.I)
_NONE = re.compile(r"^\s*(None\.?|\(?At the time of preparing the agenda there were no exempt items)", re.I)
_AGENDA_MARK = re.compile(r"^\s*Agenda\s+Item\s+(?:No\.?\s*)?(\d{1,2}[a-z]?)\s*$", re.I)
_FRONT_CUE = re.compile(r"\bAGENDA\b|A G E N D A|Agenda Item No|Summons|hereby summoned", re.I)
_SHORT_AGENDA_PAGES = 3  # a numbered paper this short that says AGENDA / summons is its own front sheet
_CONNECTIVE = re.compile(r"\b(and|or|of|the|to|for|in|on|with|from|by|a|an)$|[-–,&]$", re.I)


@dataclass
class FrontSheet:
    last_page: int  # last PDF page of the front sheet (0 when there is none)
    items: list[AgendaItem]
    item_lines: dict[int, str]  # line idx -> item number, for front-sheet lines in an item block
    part2_from: int | None = None  # line idx where the front sheet's Part II section starts (if not "None")


def _page_range(block: str) -> tuple[str, str] | None:
    m = _PAGES.search(re.sub(r"\s+", " ", block))
    if not m:
        return None
    return (m.group(1), m.group(2) or m.group(1))


def front_sheet_pages(lines: list[Line], labels: list[str | None]) -> int:
    """The leading run of unnumbered pages that carries the agenda (0 if the paper has no front sheet)."""
    n_pages = len(labels)
    first_labelled = next((i + 1 for i, line in enumerate(labels) if line is not None), n_pages + 1)
    last = min(first_labelled - 1, n_pages)
    if last <= 0:
        # Fully numbered paper: a front sheet still exists if page 1 says AGENDA with page ranges;
        # a short one (a parish summons of two pages) is all front sheet.
        last = n_pages if n_pages <= _SHORT_AGENDA_PAGES else 1
    text = "\n".join(line.text for line in lines if line.pdf_page <= last)
    if not _FRONT_CUE.search(text) or not (
        _PAGES.search(re.sub(r"\s+", " ", text)) or re.search(r"\bAGENDA\b|hereby summoned", text)
    ):
        return 0
    return last


def parse_front_sheet(lines: list[Line], labels: list[str | None]) -> FrontSheet:  # noqa: C901
    last = front_sheet_pages(lines, labels)
    if last == 0:
        return FrontSheet(0, [], {})
    fl = [ln for ln in lines if ln.pdf_page <= last]
    starts: list[tuple[int, str, str]] = []  # (position in fl, number, rest)
    expect = None
    for pos, line in enumerate(fl):
        m = _ITEM_START.match(line.text)
        if not m:
            continue
        num, rest = m.group(1), m.group(2)
        base = int(re.sub(r"\D", "", num))  # "12a" -> 12
        if not rest[0].isupper() and not rest[0].isdigit():
            continue
        if expect is None:
            if base > 3 and not (pos > 0 and re.search(r"Agenda Item No", fl[pos - 1].text, re.I)):
                continue
        elif base != expect and not (base == expect - 1 and num[-1].isalpha()):
            continue
        starts.append((pos, num, rest))
        expect = base + 1
    if not starts:
        return FrontSheet(last, [], {})

    part2_pos = [pos for pos, ln in enumerate(fl) if _PART2.match(ln.text)]
    part2_from = next((fl[p].idx for p in part2_pos if not _part2_empty(fl, [p], min(len(fl), p + 5))), None)
    items: list[AgendaItem] = []
    item_lines: dict[int, str] = {}
    for k, (pos, num, rest) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(fl)
        # The last item's block stops at a PART II / exempt heading.
        later_p2 = [p for p in part2_pos if pos < p < end]
        if later_p2:
            end = later_p2[0]
        block_lines = fl[pos:end]
        title = _title(rest, block_lines[1:])
        rng = _page_range("\n".join(ln.text for ln in block_lines[:6]))
        restricted = (any(p < pos for p in part2_pos) and not _part2_empty(fl, part2_pos, pos)) or private_title(title)
        desc = " ".join(ln.stripped for ln in block_lines[1:] if ln.stripped and not _PAGES.fullmatch(ln.stripped))
        items.append(
            AgendaItem(number=num, title=title, page_labels=rng, restricted=restricted, description=desc[:2000])
        )
        for ln in block_lines:
            item_lines[ln.idx] = num
    return FrontSheet(last, items, item_lines, part2_from)


def _part2_empty(fl: list[Line], part2_pos: list[int], item_pos: int) -> bool:
    # "PART II ... None": the heading is there but no items follow it; an item after it is unlikely
    # but if one is numbered after "None" it is still public business such as "Date of next meeting".
    p = max(p for p in part2_pos if p < item_pos)
    window = " ".join(line.stripped for line in fl[p:item_pos])
    return bool(re.search(r"\bNone\b|no exempt items", window, re.I))


def _title(first: str, following: list[Line]) -> str:  # noqa: C901
    parts = [first.strip()]
    text_so_far = first
    # If "(Pages" follows within the same paragraph, the title runs up to it (a wrapped title).
    para: list[str] = []
    for line in following[:4]:
        if line.is_blank:
            break
        para.append(line.stripped)
    joined = " ".join([first.strip()] + para)
    m = _PAGES_OPEN.search(first)
    if m:
        return _tidy(first[: m.start()])
    m = _PAGES.search(joined) or _PAGES_OPEN.search(joined)
    if m and m.start() <= len(first) + sum(len(p) + 1 for p in para[:3]):
        pre = joined[: m.start()]
        # only if the text before "(Pages" is heading-like (no sentence ends in it)
        if not re.search(r"[.;:]\s", pre):
            return _tidy(pre)
    for line in following[:3]:
        s = line.stripped
        if not s or _ITEM_START.match(line.text) and False:
            break
        if _PAGES.fullmatch(s) or s.lower().startswith("(pages"):
            break
        if ends_sentence(text_so_far):
            break
        if s[0].islower() or _CONNECTIVE.search(text_so_far.strip()):
            parts.append(s)
            text_so_far = s
            continue
        break
    return _tidy(" ".join(parts))


def _tidy(s: str) -> str:
    s = _PAGES.sub("", s)
    s = _PAGES_OPEN.sub("", s)
    return re.sub(r"\s+", " ", s).strip(" -–")


def agenda_item_marks(lines: list[Line], after_page: int) -> dict[int, str]:
    """PDF page -> item number for pages stamped "Agenda Item N" (report covers in an agenda pack)."""
    out: dict[int, str] = {}
    for line in lines:
        if line.pdf_page <= after_page:
            continue
        m = _AGENDA_MARK.match(line.text)
        if m and line.pdf_page not in out:
            out[line.pdf_page] = m.group(1)
    return out


def map_items_to_pdf(items: list[AgendaItem], label_map: dict[str, int], n_pages: int) -> None:
    for it in items:
        if not it.page_labels:
            continue
        a, b = it.page_labels
        pa, pb = label_map.get(a), label_map.get(b)
        if pa is None:
            continue
        if pb is None:
            # The range runs past this file's last printed label (a supplement, a trimmed pack).
            pb = n_pages
        it.pdf_pages = (pa, max(pa, pb))


def page_items(
    items: list[AgendaItem], marks: dict[int, str], front_last: int, n_pages: int, hint: str | None = None
) -> dict[int, str | None]:
    """Every page after the front sheet belongs to an item: by the front sheet's mapped range, else
    the nearest "Agenda Item N" stamp at or before it, else the previous page's item."""
    by_range: dict[int, str] = {}
    for it in items:
        if it.pdf_pages:
            for p in range(it.pdf_pages[0], it.pdf_pages[1] + 1):
                by_range.setdefault(p, it.number)
    out: dict[int, str | None] = {}
    current: str | None = None
    first_ranged = min(by_range) if by_range else None
    for p in range(front_last + 1, n_pages + 1):
        if p in marks:
            current = marks[p]
        elif p in by_range:
            current = by_range[p]
        elif current is None and first_ranged is not None:
            current = by_range[first_ranged]
        if current is None and hint is not None:
            current = hint
        out[p] = current
    return out
