"""The page number as printed on each page, which is what a councillor cites.

Three kinds of evidence, from strong to weak:
- an explicit "Page 12" (or "12 of 40") line at the top or bottom of the page: trusted as is;
- a bare number alone on the first/last line, or a number ending a running header/footer line:
  trusted only when it agrees with the document's dominant offset (label - pdf index) on at
  least two pages, because tables and lists also end in numbers;
- nothing: unnumbered front sheets stay None. Interior gaps (a "left blank" page between Page 9
  and Page 11) are filled when both neighbours agree on the offset.
Labels restart in supplement packs (a pack that is Pages 277-326 of the agenda but prints
Page 1..), so labels are never assumed to equal the PDF index.
"""

from __future__ import annotations

import re
from collections import Counter

_EXPLICIT = re.compile(r"^\s*Page\s+(\d{1,4})\s*$", re.I)
_OF = re.compile(r"(?:^|\s)(\d{1,4})\s+of\s+\d{1,4}\s*$")
_BARE = re.compile(r"^\s*(\d{1,4})\s*$")
_TRAILING = re.compile(r"\S.*?\s(\d{1,4})\s*$")
_EDGE = 3


def _edge_lines(text: str) -> tuple[list[str], list[str]]:
    lines = [line for line in text.split("\n") if line.strip()]
    return lines[:_EDGE], lines[-_EDGE:]


def page_labels(pages: list[str]) -> list[str | None]:  # noqa: C901
    n = len(pages)
    explicit: list[int | None] = [None] * n
    weak: list[set[int]] = [set() for _ in range(n)]
    for i, text in enumerate(pages):
        head, tail = _edge_lines(text)
        for line in tail[::-1] + head:
            m = _EXPLICIT.match(line) or _OF.search(line)
            if m:
                explicit[i] = int(m.group(1))
                break
        for line in head + tail:
            m = _BARE.match(line)
            if m:
                weak[i].add(int(m.group(1)))
        for line in head[:2] + tail[-1:]:
            m = _TRAILING.match(line)
            if m and not _BARE.match(line):
                weak[i].add(int(m.group(1)))

    offsets = Counter(v - (i + 1) for i, s in enumerate(weak) for v in s)
    labels: list[int | None] = list(explicit)
    if offsets:
        offset, support = offsets.most_common(1)[0]
        if support >= 2 or (n == 1 and support == 1):
            for i, s in enumerate(weak):
                if labels[i] is None and (i + 1 + offset) in s and (i + 1 + offset) > 0:
                    labels[i] = i + 1 + offset
    _fill_gaps(labels)
    return [str(v) if v is not None else None for v in labels]


def _fill_gaps(labels: list[int | None]) -> None:
    """Fill runs of unlabelled pages whose labelled neighbours agree on the offset."""
    last: int | None = None
    last_v = 0  # labels[last]
    for i, v in enumerate(labels):
        if v is None:
            continue
        if last is not None and i - last > 1 and v - i == last_v - last:
            for j in range(last + 1, i):
                labels[j] = last_v + (j - last)
        last, last_v = i, v


def label_to_pdf(labels: list[str | None]) -> dict[str, int]:
    """Printed label -> 1-based PDF page (first occurrence wins: labels can repeat across parts)."""
    out: dict[str, int] = {}
    for i, lab in enumerate(labels):
        if lab is not None and lab not in out:
            out[lab] = i + 1
    return out
