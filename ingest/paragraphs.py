"""Numbered report paragraphs ("3.", "2.1", "12. ...") so a chunk can say which paragraph it is in."""

from __future__ import annotations

import re

from ingest.layout import Line

_PARA = re.compile(r"^[\s\u2022\uf0b7]*(\d{1,3}(?:\.\d{1,2}){0,2})\.?\s+(?=[A-Z(“\"‘'£])")


def _key(num: str) -> tuple[int, ...]:
    return tuple(int(x) for x in num.split("."))


def paragraph_numbers(lines: list[Line], item_of_line: dict[int, str | None]) -> dict[int, str]:
    """line idx -> number of the paragraph starting on that line. Numbers must move forward within
    an item (a restart to 1 is allowed when the item changes), which filters out numbered lists."""
    out: dict[int, str] = {}
    last: tuple[int, ...] | None = None
    last_item: object = object()
    for line in lines:
        m = _PARA.match(line.text)
        item = item_of_line.get(line.idx)
        if item != last_item:
            last, last_item = None, item
        if not m:
            continue
        num = m.group(1)
        k = _key(num)
        if k[0] == 0 or k[0] > 400:
            continue
        if last is None:
            ok = True  # first paragraph seen in a part: accept (reports may start at any number)
        else:
            ok = k > last and k[0] - last[0] <= 2
        if ok:
            out[line.idx] = num
            last = k
    return out
