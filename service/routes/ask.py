"""POST /v1/ask: one question (plus optional history and filters) → answer with citations."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import AnswersDep, CallerDep, SettingsDep
from service.filters import to_search_filters
from service.questions import check_lengths
from service.schemas import AskRequest, AskResponse, ErrorResponse

router = APIRouter(
    prefix="/v1",
    tags=["answers"],
    responses={
        401: {"model": ErrorResponse},
        413: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
        429: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, caller: CallerDep, answers: AnswersDep, settings: SettingsDep) -> AskResponse:
    """Answer from the papers, or say they don't cover it (`abstained: true`).

    Sync on purpose: FastAPI runs it in the thread pool, so a slow answer never blocks the loop."""
    history = [t.model_dump() for t in body.history] if body.history else None
    check_lengths(body.question, history, settings.max_question_chars)
    answered = answers.ask(
        body.question,
        caller=caller,
        route="ask",
        history=history,
        conversation_id=body.conversation_id,
        filters=to_search_filters(body.filters),
    )
    return AskResponse(
        answer=answered.answer,
        citations=answered.citations,
        abstained=answered.abstained,
        conversation_id=answered.conversation_id,
        answer_id=answered.answer_id,
        latency_ms=answered.latency_ms,
        mode=answered.mode,
        fallback_reason=answered.fallback_reason,
    )
