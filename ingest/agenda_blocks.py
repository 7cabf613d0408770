"""What a front sheet prints under each agenda item, and which items are procedure.

A front sheet (a pack's first pages, a supplement's covering letter, a parish summons) lists the
items by number, each followed by a few lines: a description, often the decision asked for ("To
approve and sign the minutes …", "Members are asked to comment on the reported progress"). The
block of an item runs from its numbered line to the next item's, or to the Part II heading.

Procedure is the business every meeting transacts and nobody prepares for (apologies, declarations
of interest, the last meeting's minutes, announcements, public participation and questions, the
date of the next meeting, urgent items): a briefing gives such an item one line.
"""

from __future__ import annotations

import re
from typing import Sequence

from ingest.layout import Line

_PART2 = re.compile(r"^\s*(?:PART\s*(?:II|2)\b|EXEMPT ITEMS\b|Exempt Information\b|Closed Session\b)", re.I)
PROCEDURAL = re.compile(
    r"\b(?:apolog(?:y|ies)|declarations?\s+of\s+(?:\w+\s+){0,3}interests?|disclosures?\s+of\s+(?:\w+\s+)?interests?"
    r"|register\s+an\s+interest|minutes|announcements?|public\s+participation|(?:public\s+|members'?\s+)?questions"
    r"|date\s+of\s+(?:the\s+)?next\s+meeting|dates\s+of\s+(?:the\s+)?next\s+meetings|urgent\s+(?:items|business)"
    r"|any\s+other\s+business|^\s*aob\b|^\s*membership\b|substitutes|exclusion\s+of\s+(?:the\s+)?(?:press|public)"
    r"|matters\s+arising|adjournment|correspondence|confirming\s+proceedings|welcome)",
    re.I,
)


def is_procedural(title: str) -> bool:
    """An item of procedure, by its title ("Apologies for Absence", "Declarations of Disclosable
    Pecuniary Interests …", "Minutes of the Previous Meeting", "Date of Next Meeting")."""
    return bool(PROCEDURAL.search(title or ""))


def _starts(line: Line, number: str, title: str) -> bool:
    m = re.match(r"^\s*(\d{1,2}[a-z]?)(?:\.|\))?\s*(\S.*)$", line.text)
    if not m or m.group(1).lower() != number.lower():
        return False
    if not title:
        return True
    first = re.findall(r"[^\W_]+", title.lower())[:2]
    got = re.findall(r"[^\W_]+", m.group(2).lower())[:2]
    return bool(first) and got[: len(first)] == first


def item_blocks(lines: Sequence[Line], items: Sequence[tuple[str, str]]) -> dict[str, list[Line]]:
    """item number -> the front sheet's lines for it (its numbered line first), for the items that
    the lines list. `items` are (number, title) in agenda order."""
    starts: list[tuple[int, str]] = []
    k = 0
    for idx, line in enumerate(lines):
        for j in range(k, len(items)):
            if _starts(line, *items[j]):
                starts.append((idx, items[j][0]))
                k = j + 1
                break
    part2 = [i for i, ln in enumerate(lines) if _PART2.match(ln.text)]
    out: dict[str, list[Line]] = {}
    for n, (idx, number) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        end = min([p for p in part2 if idx < p < end] + [end])
        out.setdefault(number, list(lines[idx:end]))
    return out
