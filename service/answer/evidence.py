"""Evidence lines: passages the engine adds to what search found, built from the papers' role-gated
primitives (index/papers.py) rather than asked of the library as finished answers.

- a meeting's front sheets, for a question about the meeting of a given day;
- single lines matching a pattern (a role printed beside a name), each a passage of its own;
- the line stating each Ofsted judgement record.

`EvidencePapers` is all the engine needs of a library for these; `Library` implements it, and so
does the tests' fake, so the engine's use of evidence is tested without a store.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any, Protocol, Sequence, runtime_checkable


@runtime_checkable
class EvidencePapers(Protocol):
    """Role-gated reads: nothing a role may not see is ever returned."""

    def meetings(
        self, *, date_from: date | str | None = ..., date_to: date | str | None = ..., role: str = ...
    ) -> Sequence[Any]: ...

    def judgements(self, *, doc_id: str | None = ..., grade: str | None = ..., role: str = ...) -> Sequence[Any]: ...

    def opening_passages(self, doc_id: str, n: int, role: str = ...) -> list[Any]: ...

    def pages_with(
        self, doc_ids: Sequence[str], words: Sequence[str], role: str = ...
    ) -> list[tuple[str, int, str]]: ...

    def page_passages(self, doc_id: str, pdf_page: int, role: str = ...) -> list[Any]: ...


def front_sheets(papers: EvidencePapers, on: date | str, role: str = "public", n: int = 3) -> list[Any]:
    """The opening passages (front sheet: date, time, place, membership) of each paper of the
    meetings held on a day."""
    out: list[Any] = []
    for m in papers.meetings(date_from=on, date_to=on, role=role):
        for doc_id in m.doc_ids:
            out += papers.opening_passages(doc_id, n, role)
    return out


def lines_matching(
    papers: EvidencePapers,
    doc_ids: Sequence[str],
    words: Sequence[str],
    pattern: re.Pattern[str],
    role: str = "public",
    limit: int = 8,
    pages: Sequence[int] | None = None,
) -> list[Any]:
    """Single lines of the documents' pages that match `pattern` (pages pre-selected by any of
    `words`), each as a passage of its own carrying the metadata of the page's first passage."""
    out: list[Any] = []
    for doc_id, n, text in papers.pages_with(doc_ids, words, role):
        if pages is not None and n not in pages:
            continue
        here: list[Any] | None = None
        for line in text.split("\n"):
            if len(out) >= limit:
                return out
            if not pattern.search(line):
                continue
            if here is None:  # one look-up per page, however many of its lines match
                here = papers.page_passages(doc_id, n, role)
            if not here:
                continue
            out.append(_as_line(here[0], line.strip(), n, len(out)))
    return out


def judgement_lines(
    papers: EvidencePapers, doc_ids: Sequence[str], role: str = "public", grade: str | None = None, limit: int = 30
) -> list[Any]:
    """The Ofsted judgement records of the documents, each as the line of its page that states
    it ("Making a positive contribution, including user engagement Grade 1 (outstanding)")."""
    out: list[Any] = []
    for doc_id in doc_ids:
        for j in list(papers.judgements(doc_id=doc_id, grade=grade, role=role))[:limit]:
            words = re.findall(r"[a-z]+", j.area.lower())[:6]
            pattern = re.compile(r"\W+".join(map(re.escape, words)), re.I)
            for h in lines_matching(
                papers, [doc_id], [" ".join(words[:2])], pattern, role=role, limit=1, pages=[j.pdf_page]
            ):
                h.chunk_id = h.chunk_id.replace("#line", "#judgement")
                out.append(h)
    return out


def _as_line(passage: Any, line: str, n: int, k: int) -> Any:
    """One line of page n as a passage of its own, with the page's passage's metadata."""
    h = copy.copy(passage)
    labels = dict(
        zip(getattr(passage, "pdf_pages", None) or [], getattr(passage, "page_labels", None) or [], strict=False)
    )
    h.text, h.pdf_page, h.pdf_pages, h.page_label = line, n, [n], labels.get(n)
    h.chunk_id = f"{passage.chunk_id}#line{n}:{k}"
    return h
