"""Whether the evidence supports an answer at all.

Calibrated on the dev set by *scores*, never by wording: (1) how well the best units cover the
question's content (IDF-weighted, so the rare terms that make a question specific dominate);
(2) whether every year / month-and-year the question is pinned to is present in the evidence's
text, headers or meeting dates (a question about July 2018 is not answered by 2017 papers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from service.answer.extractive import Unit
from service.answer.question import Question

MIN_SCORE = 0.42       # best unit's score (coverage + cues) below which nothing is answered
MIN_COVERAGE = 0.45    # IDF share of question stems the chosen units (with headers) cover


@dataclass
class Support:
    ok: bool
    reason: str
    best: float
    coverage: float


def _date_text(u: Unit) -> str:
    h = u.hit
    return " ".join(str(x) for x in (u.text, h.header, getattr(h, "meeting_date", "")) if x)


def support(q: Question, chosen: list[Unit], idf: dict[str, float],
            doc_text: Callable[[str], str] | None = None) -> Support:
    if not chosen:
        return Support(False, "no evidence", 0.0, 0.0)
    best = max(u.score for u in chosen)
    total = sum(idf.values()) or 1.0
    covered: set[str] = set()
    for u in chosen:
        covered |= u.covered
    coverage = sum(idf[s] for s in covered if s in idf) / total
    if best < MIN_SCORE:
        return Support(False, f"best score {best:.2f}", best, coverage)
    if coverage < MIN_COVERAGE:
        return Support(False, f"coverage {coverage:.2f}", best, coverage)
    # Years and month-years: in the evidence itself or on its document's opening pages (where
    # papers state their meeting or inspection dates) - not anywhere in a long pack, where a
    # passing mention of another year would let the wrong meeting answer.
    docs = {u.hit.doc_id for u in chosen}
    texts = [_date_text(u) for u in chosen]
    if doc_text is not None:
        texts += [doc_text(d) for d in docs]
    blob = " ".join(texts).lower()
    for y in q.years:
        if y not in blob:
            return Support(False, f"year {y} not in evidence", best, coverage)
    for m, y in q.month_years:
        if not re.search(rf"\b{m}[a-z]*\.?,?\s+(\d{{1,2}}(st|nd|rd|th)?,?\s+)?{y}\b|\b{y}-{_mnum(m)}-", blob):
            return Support(False, f"{m} {y} not in evidence", best, coverage)
    return Support(True, "supported", best, coverage)


def _mnum(m: str) -> str:
    order = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return f"{order.index(m[:3]) + 1:02d}"
