"""Citations: built from a retrieved passage, verified against the cited PDF page's own text.

A citation the engine returns always names a page on which its quote was found. When the
passage's first page doesn't hold the quote (a passage can start near a page break), the other
pages the passage spans and the neighbouring pages are tried, and the citation is repaired to
the page that does; when none does, the citation is dropped, never guessed.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from service.answer.text import squash
from service.answer.types import Citation

PageText = Callable[[str, int], "str | None"]


def citation_for(hit: Any, quote: str, *, item: str | None = None, kind: str | None = None) -> Citation:
    minute = getattr(hit, "minute", None)
    cite_item = item if item is not None else (getattr(hit, "cite_item", None) or minute or getattr(hit, "item", None))
    if kind is None:
        kind = "minute" if (minute and cite_item == minute) else "item"
    return Citation(
        source=hit.source,
        doc_id=hit.doc_id,
        pdf_page=int(hit.pdf_page),
        page_label=getattr(hit, "page_label", None),
        item=cite_item,
        quote=quote,
        committee=getattr(hit, "committee", None),
        meeting_date=_iso(getattr(hit, "meeting_date", None)),
        title=getattr(hit, "title", None) or getattr(hit, "item_title", None),
        kind=kind,
    )


def _iso(d: Any) -> str | None:
    if d is None:
        return None
    return d.isoformat() if hasattr(d, "isoformat") else str(d)


def _probe(quote: str) -> list[str]:
    """What must be found on the page: the whole quote, or (for a quote that PDF extraction
    may have split around a header/footer) its opening and closing stretches."""
    q = squash(re.sub(r"\s*…\s*", " ", quote))
    if len(q) <= 60:
        return [q]
    return [q[:40], q[-40:]]


def quote_on_page(quote: str, page_text: str | None) -> bool:
    if not page_text or not quote.strip():
        return False
    page = squash(page_text)
    parts = [p for p in re.split(r"\s*…\s*", quote) if p.strip()]
    for part in parts:
        if not all(p in page for p in _probe(part)):
            return False
    return True


def verify(
    cit: Citation,
    page_text: PageText,
    *,
    span: list[int] | None = None,
    label_of: Callable[[str, int], "str | None"] | None = None,
) -> Citation | None:
    """The citation as given if its quote is on its page; else moved to the page that has it
    (the passage's other pages, then the neighbours); else None."""
    candidates = [cit.pdf_page] + [p for p in (span or []) if p != cit.pdf_page]
    candidates += [p for p in (cit.pdf_page - 1, cit.pdf_page + 1) if p >= 1 and p not in candidates]
    for n in candidates:
        if quote_on_page(cit.quote, page_text(cit.doc_id, n)):
            if n == cit.pdf_page:
                return cit
            label = label_of(cit.doc_id, n) if label_of else None
            return Citation(**{**cit.__dict__, "pdf_page": n, "page_label": label})
    return None
