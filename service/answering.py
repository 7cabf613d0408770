"""Answers over HTTP: the engine call wrapped in what the service adds to it.

The engine (service/engine.py) knows questions and papers; this adds the caller's role, the
concurrency cap, the audit row, and the links on citations. Both /v1/ask and the OpenAI-compatible
route go through here, so neither can forget the role or the audit.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterator

from index.filters import SearchFilters
from service.auth import AnswerSlots, Caller, FileLinks
from service.db import ServiceDB
from service.views import citation_view

log = logging.getLogger("cllr.service.answers")


class Busy(Exception):
    """All answer slots are taken (→ 503)."""


@dataclass
class Answered:
    answer: str
    citations: list[dict[str, Any]]
    abstained: bool
    conversation_id: str | None
    answer_id: int
    latency_ms: float | None


class _Slot:
    """One held answer slot; release is idempotent because a stream may end in two ways."""

    def __init__(self, slots: AnswerSlots):
        if not slots.try_acquire():
            raise Busy(f"all {slots.limit} answer slots are busy; retry shortly")
        self._slots = slots
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots.release()


class AnswerService:
    def __init__(self, engine: Any, db: ServiceDB, slots: AnswerSlots, links: FileLinks):
        self.engine = engine
        self.db = db
        self.slots = slots
        self.links = links

    def ask(self, question: str, *, caller: Caller, route: str, history: list[dict] | None = None,
            conversation_id: str | None = None, filters: SearchFilters | None = None) -> Answered:
        slot = _Slot(self.slots)
        try:
            result = self.engine.ask(question, history=history, conversation_id=conversation_id,
                                     filters=filters, role=caller.role)
        finally:
            slot.release()
        return self._finish(result, question=question, caller=caller, route=route)

    def stream(self, question: str, *, caller: Caller, route: str, history: list[dict] | None = None,
               conversation_id: str | None = None, filters: SearchFilters | None = None
               ) -> tuple[Iterator[str | Answered], _Slot]:
        """Take a slot now (so 503 can still be a status code), then stream: text pieces, and
        last the Answered. The caller must release the slot if the iterator is never run."""
        slot = _Slot(self.slots)

        def pieces() -> Iterator[str | Answered]:
            try:
                for piece in self.engine.stream(question, history=history, conversation_id=conversation_id,
                                                filters=filters, role=caller.role):
                    if isinstance(piece, str):
                        yield piece
                    else:
                        yield self._finish(piece, question=question, caller=caller, route=route)
            finally:
                slot.release()

        return pieces(), slot

    def _finish(self, result: Any, *, question: str, caller: Caller, route: str) -> Answered:
        citations = [citation_view(c, caller, self.links) for c in result.citations]
        if not caller.sees_restricted:
            # Belt and braces: the index already filters by role; if a restricted passage ever
            # reached a public answer, that is a bug to shout about, not text to hand out.
            leaked = [h for h in getattr(result, "retrieved", []) if getattr(h, "restricted", False)]
            if leaked:
                log.error("restricted passages reached a public answer (%s); withholding it",
                          ", ".join(sorted({h.doc_id for h in leaked})))
                from service.answer.types import ABSTAIN_TEXT
                result.answer, result.abstained, citations = ABSTAIN_TEXT, True, []
        answer_id = self.db.audit(subject=caller.subject, role=caller.role, route=route, question=question,
                                  conversation_id=result.conversation_id, citations=citations,
                                  abstained=bool(result.abstained), latency_ms=result.latency_ms)
        return Answered(answer=result.answer, citations=citations, abstained=bool(result.abstained),
                        conversation_id=result.conversation_id, answer_id=answer_id,
                        latency_ms=result.latency_ms)
