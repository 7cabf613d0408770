"""Item numbers and restriction flags a publishing system knows better than the parser.

ModernGov (index/moderngov) lists each meeting's agenda items with their number, minute number and
`isrestricted`; those are the council's own records, so they win over what ingestion inferred from
the PDF's text. Two shapes:
  - `item`:  the document belongs to one agenda item (a report attached to item 7): every chunk is
             cited to that item and takes its restriction. With a `minute` number the document is
             that item's minute (a minute published on its own, e.g. ModernGov's per-item minutes
             HTML): every chunk is cited to the minute and the document holds one minute record;
  - `items`: the meeting's whole agenda (an agenda pack or the minutes): parsed items and minutes are
             matched to the service's items by title (else by number) and take their number,
             minute number and restriction.
Chunk headers keep the parser's wording; only the fields citations and filters use are changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping, Sequence

from ingest.models import Minute, ParsedDocument


def _norm(title: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (title or "").lower()))


def _str(v: Any) -> str | None:
    return None if v is None or str(v).strip() == "" else str(v).strip()


def _match(title: str, number: str | None, service: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    t = _norm(title)
    if t:
        for it in service:
            st = _norm(it.get("title"))
            if st and (st == t or (len(min(st, t, key=len)) >= 12 and (st in t or t in st))):
                return it
    for it in service:
        if number is not None and _str(it.get("number")) == number:
            return it
    return None


def _one_minute(doc: ParsedDocument, number: str, item: str | None, title: str | None) -> Minute:
    """The document as the one minute it is: what the parser found (its Resolved lines) under the
    service's number, or a record spanning the document when the parser found no heading."""
    found = doc.minutes
    pages = [p for m in found for p in m.pdf_pages] or [1, max(1, len(doc.pages))]
    return Minute(
        number=number,
        title=title or (found[0].title if found else ""),
        pdf_pages=(min(pages), max(pages)),
        resolved=[r for m in found for r in m.resolved],
        resolved_pages=[p for m in found for p in m.resolved_pages],
        # each minute's decisions stay apart: block numbers carried on past the one before
        resolved_blocks=_blocks(found),
        agenda_item=item or (found[0].agenda_item if found else None),
    )


def _blocks(found: Sequence[Minute]) -> list[int]:
    out: list[int] = []
    for m in found:
        base = max(out) + 1 if out else 0
        out += [base + b for b in (m.resolved_blocks or range(len(m.resolved)))]
    return out


def apply_item_overrides(  # noqa: C901
    doc: ParsedDocument,
    *,
    items: Sequence[Mapping[str, Any]] | None = None,
    item: Mapping[str, Any] | None = None,
) -> ParsedDocument:
    if item:
        number, title = _str(item.get("number")), _str(item.get("title"))
        minute = _str(item.get("minute"))
        restricted = item.get("restricted")
        chunks = []
        for c in doc.chunks:
            ch: dict[str, Any] = {}
            if number:
                ch.update(item=number, item_title=title or c.item_title)
            if minute:
                ch.update(minute=minute, minute_title=title or c.minute_title)
            if restricted:  # adds to the paper's own Part II marks, never lifts them
                ch["restricted"] = True
            chunks.append(replace(c, **ch))
        doc = replace(doc, chunks=chunks)
        if minute:
            doc = replace(doc, minutes=[_one_minute(doc, minute, number, title)])
    if not items:
        return doc
    item_map: dict[str, Mapping[str, Any]] = {}  # parsed item number → service item
    new_items = []
    for it in doc.items:
        svc = _match(it.title, it.number, items)
        if svc is None:
            new_items.append(it)
            continue
        item_map[it.number] = svc
        new_items.append(
            replace(
                it, number=_str(svc.get("number")) or it.number, restricted=it.restricted or bool(svc.get("restricted"))
            )
        )
    minute_map: dict[str, Mapping[str, Any]] = {}  # parsed minute number → service item
    new_minutes = []
    for m in doc.minutes:
        svc = _match(m.title, None, items)
        if svc is None:
            new_minutes.append(m)
            continue
        minute_map[m.number] = svc
        new_minutes.append(
            replace(m, number=_str(svc.get("minute")) or m.number, agenda_item=_str(svc.get("number")) or m.agenda_item)
        )
    chunks = []
    for c in doc.chunks:
        ch = {}
        by_item = item_map.get(c.item) if c.item else None
        by_minute = minute_map.get(c.minute) if c.minute else None
        if by_item is not None:
            ch["item"] = _str(by_item.get("number")) or c.item
        if by_minute is not None:
            ch["minute"] = _str(by_minute.get("minute")) or c.minute
        svc = by_minute or by_item
        if svc is not None and svc.get("restricted"):
            ch["restricted"] = True
        chunks.append(replace(c, **ch) if ch else c)
    return replace(doc, items=new_items, minutes=new_minutes, chunks=chunks)
