"""Turn one question into one answers row, through the system under test.

`EngineAnswerer` is the real thing: the same AnswerEngine the HTTP service uses. `RetrievalAnswerer`
(`--mode retrieval`) answers with cllr's top search passage, the baseline's rule over cllr's own
index: a labelled fallback that measures retrieval alone, never the default.
Only `QuestionRow` (id, question, history) reaches these: the answer key cannot leak in.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from evals.rows import AnswerRow, PassageRef, QuestionRow

ROLE = "officer"  # evals read every paper, Part II included, as an officer would
RETRIEVED_DEPTH = 10


class Answerer(Protocol):
    label: str

    def answer(self, q: QuestionRow) -> AnswerRow: ...


def hit_ref(hit: Any) -> PassageRef:
    """A search Hit → the answers-file passage (item: the minute when there is one, else the item)."""
    item = getattr(hit, "cite_item", None) or getattr(hit, "minute", None) or getattr(hit, "item", None)
    return PassageRef(source=hit.source, pdf_page=hit.pdf_page, page_label=getattr(hit, "page_label", None), item=item)


def citation_ref(c: Any) -> PassageRef:
    return PassageRef(
        source=c.source, pdf_page=c.pdf_page, page_label=getattr(c, "page_label", None), item=getattr(c, "item", None)
    )


class EngineAnswerer:
    label = "cllr"

    def __init__(self, settings: Any, library: Any) -> None:
        from service.engine import build_engine

        self.engine = build_engine(settings, library)

    def answer(self, q: QuestionRow) -> AnswerRow:
        start = time.perf_counter()
        res = self.engine.ask(q.question, history=q.history_dicts(), role=ROLE)
        wall = (time.perf_counter() - start) * 1000
        latency = getattr(res, "latency_ms", None)
        return AnswerRow(
            id=q.id,
            answer=res.answer or "",
            abstained=bool(res.abstained),
            citations=[citation_ref(c) for c in res.citations],
            retrieved=[hit_ref(h) for h in res.retrieved],
            latency_ms=round(float(latency if latency is not None else wall), 1),
        )


class RetrievalAnswerer:
    label = "cllr-retrieval"  # never confused with the engine in a report or floors

    def __init__(self, library: Any) -> None:
        self.library = library

    def answer(self, q: QuestionRow) -> AnswerRow:
        start = time.perf_counter()
        hits = self.library.search(q.question, role=ROLE, k=RETRIEVED_DEPTH)
        latency = round((time.perf_counter() - start) * 1000, 1)
        refs = [hit_ref(h) for h in hits]
        if not hits:
            return AnswerRow(id=q.id, answer="", abstained=True, latency_ms=latency)
        return AnswerRow(
            id=q.id, answer=hits[0].text, abstained=False, citations=refs[:1], retrieved=refs, latency_ms=latency
        )
