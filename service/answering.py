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
from service.answer.types import ABSTAIN_TEXT
from service.db import ServiceDB
from service.engine import answer_pieces
from service.release import ReleaseCheck
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
    mode: str = "extractive"  # "llm" or "extractive": what produced the answer
    fallback_reason: str | None = None  # why the extractive engine answered in LLM mode


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
    def __init__(
        self, engine: Any, db: ServiceDB, slots: AnswerSlots, links: FileLinks, release: ReleaseCheck | None = None
    ):
        self.engine = engine
        self.db = db
        self.slots = slots
        self.links = links
        self.release = release if release is not None else ReleaseCheck(engine.library)

    def ask(
        self,
        question: str,
        *,
        caller: Caller,
        route: str,
        history: list[dict] | None = None,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
    ) -> Answered:
        slot = _Slot(self.slots)
        try:
            result = self._answer(question, caller, history, conversation_id, filters)
        finally:
            slot.release()
        return self._finish(result, question=question, caller=caller, route=route, history=history)

    def stream(
        self,
        question: str,
        *,
        caller: Caller,
        route: str,
        history: list[dict] | None = None,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
    ) -> tuple[Iterator[str | Answered], _Slot]:
        """Take a slot now (so 503 can still be a status code), then stream: text pieces, and
        last the Answered. The caller must release the slot if the iterator is never run.
        Nothing is sent before the whole answer has passed the release check, so nothing sent is
        ever withdrawn (the extractive answer is complete before its first piece anyway)."""
        slot = _Slot(self.slots)

        def pieces() -> Iterator[str | Answered]:
            try:
                result = self._answer(question, caller, history, conversation_id, filters)
                answered = self._finish(result, question=question, caller=caller, route=route, history=history)
                yield from answer_pieces(answered.answer)
                yield answered
            finally:
                slot.release()

        return pieces(), slot

    def _answer(
        self,
        question: str,
        caller: Caller,
        history: list[dict] | None,
        conversation_id: str | None,
        filters: SearchFilters | None,
    ) -> Any:
        return self.engine.ask(
            question,
            history=history,
            conversation_id=conversation_id,
            filters=filters,
            role=caller.role,
            caller=caller.subject,
            remember=False,
        )

    def _finish(
        self, result: Any, *, question: str, caller: Caller, route: str, history: list[dict] | None = None
    ) -> Answered:
        asked = " ".join([question] + [str(t.get("content", "")) for t in history or [] if t.get("role") == "user"])
        if not self.release.answer(result, role=caller.role, route=route, asked=asked):
            # The release check has logged it as a security event; the caller is not told why.
            result.answer, result.abstained, result.citations = ABSTAIN_TEXT, True, []
            result.retrieved = []
        self.engine.remember(question, result)
        citations = [citation_view(c, caller, self.links) for c in result.citations]
        answer_id = self.db.audit(
            subject=caller.subject,
            role=caller.role,
            route=route,
            question=question,
            conversation_id=result.conversation_id,
            citations=citations,
            abstained=bool(result.abstained),
            latency_ms=result.latency_ms,
        )
        return Answered(
            answer=result.answer,
            citations=citations,
            abstained=bool(result.abstained),
            conversation_id=result.conversation_id,
            answer_id=answer_id,
            latency_ms=result.latency_ms,
            mode=getattr(result, "mode", "extractive"),
            fallback_reason=getattr(result, "fallback_reason", None),
        )
