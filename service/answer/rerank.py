"""Put the papers a question is pinned to first.

Councillors name the council, the year and often the month ("Northshire's 2024 inspection",
"the January 2025 meeting"). Dense and keyword search weigh those words like any other, so a
neighbouring county's report about inspections can outrank the one asked about. Here each
retrieved passage's *paper* is checked against the places and years the question names (the
paper's council, meeting date, headers and opening pages — where papers state who and when),
and passages from matching papers move ahead, keeping search order otherwise.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from service.answer.question import Question

# Words that name no particular place in a council's name.
_GENERIC = {
    "council",
    "county",
    "borough",
    "district",
    "city",
    "metropolitan",
    "london",
    "royal",
    "of",
    "the",
    "and",
    "unitary",
    "authority",
    "local",
    "town",
    "parish",
}


def place_names(councils: list[str]) -> set[str]:
    """'Northshire County Council', 'Eastmarch District Council' -> {'northshire', 'eastmarch'}."""
    out: set[str] = set()
    for c in councils:
        for w in re.findall(r"[A-Za-z]+", c or ""):
            if w.lower() not in _GENERIC and len(w) > 2:
                out.add(w.lower())
    return out


def asked_places(q: Question, places: set[str]) -> set[str]:
    words = set(re.findall(r"[a-z]+", q.text.lower()))
    found = {p for p in places if p in words}
    # English shires' everyday short names: the first letters and an "s" (Herts, Lancs, Notts,
    # Staffs, Cambs, Berks, Beds).
    for w in words:
        if len(w) >= 4 and w.endswith("s"):
            found.update(p for p in places if p.endswith("shire") and p.startswith(w[:-1]))
    return found


_NUMBERED = re.compile(r"\b(minute|item)s?\s+(?:no\.?\s*)?(\d{1,4}[a-z]?)\b", re.I)


def asked_numbers(q: Question) -> tuple[set[str], set[str]]:
    """Minute and agenda item numbers the question names ("minute 394", "item 7")."""
    minutes: set[str] = set()
    items: set[str] = set()
    for kind, num in _NUMBERED.findall(q.text):
        (minutes if kind.lower() == "minute" else items).add(num.lower())
    return minutes, items


def paper_mismatches(h: Any, years: set[str], places: set[str], paper_text: Callable[[str], str]) -> int:
    """How many of the years and places a question names the passage's paper does not state
    (in its meeting date, headers, council or opening pages): 0 for a paper of that council and year."""
    blob = " ".join(
        [str(h.meeting_date or ""), h.header or "", str(getattr(h, "council", None) or ""), paper_text(h.doc_id)]
    ).lower()
    miss = 0
    if years and not any(y in blob for y in years):
        miss += 1
    if places and not any(p in blob for p in places):
        miss += 1
    return miss


def rerank(hits: list[Any], q: Question, places: set[str], paper_text: Callable[[str], str]) -> list[Any]:
    want_places = asked_places(q, places)
    want_minutes, want_items = asked_numbers(q)
    if not (q.years or want_places or want_minutes or want_items):
        return hits
    cache: dict[str, int] = {}

    def numbered(h: Any) -> int:
        """0 when the passage is the minute or item the question names (or none is named)."""
        if not (want_minutes or want_items):
            return 0
        m = str(getattr(h, "minute", None) or "").lower()
        i = str(getattr(h, "item", None) or "").lower()
        return 0 if (m and m in want_minutes) or (i and i in want_items) else 1

    def mismatches(h: Any) -> int:
        if h.doc_id not in cache:
            cache[h.doc_id] = paper_mismatches(h, q.years, want_places, paper_text)
        return cache[h.doc_id]

    return [h for _, h in sorted(enumerate(hits), key=lambda ih: (mismatches(ih[1]), numbered(ih[1]), ih[0]))]
