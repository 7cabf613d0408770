"""POST /v1/feedback: a rating (and optional comment) on an answer."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from service.deps import CallerDep, DBDep, EngineDep
from service.schemas import ErrorResponse, FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", tags=["feedback"], responses={401: {"model": ErrorResponse}})


@router.post("/feedback", response_model=FeedbackResponse, status_code=201)
def feedback(body: FeedbackRequest, caller: CallerDep, db: DBDep, engine: EngineDep) -> FeedbackResponse:
    """Rate an answer you were given (by answer_id) or a conversation of yours: another caller's
    answer or conversation is "not found", as one that does not exist."""
    if body.answer_id is None and not body.conversation_id:
        raise HTTPException(422, "give answer_id (from the answer) or conversation_id")
    if body.rating == 0:
        raise HTTPException(422, "rating: use -1/1 (thumbs) or 1..5 (stars)")
    if body.answer_id is not None and db.audit_owner(body.answer_id) != (caller.subject, caller.role):
        raise HTTPException(404, f"no answer {body.answer_id}")
    store = getattr(engine, "store", None)
    if (
        body.conversation_id
        and store is not None
        and store.owner(body.conversation_id) != (caller.subject, caller.role)
    ):
        raise HTTPException(404, f"no conversation {body.conversation_id!r}")
    fid = db.add_feedback(
        subject=caller.subject,
        answer_id=body.answer_id,
        conversation_id=body.conversation_id,
        rating=body.rating,
        comment=body.comment,
    )
    return FeedbackResponse(id=fid, answer_id=body.answer_id, rating=body.rating)
