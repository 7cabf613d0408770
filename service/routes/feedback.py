"""POST /v1/feedback: a rating (and optional comment) on an answer."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException

from service.deps import CallerDep, DBDep
from service.schemas import ErrorResponse, FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", tags=["feedback"], responses={401: {"model": ErrorResponse}})


@router.post("/feedback", response_model=FeedbackResponse, status_code=201)
def feedback(body: FeedbackRequest, caller: CallerDep, db: DBDep) -> FeedbackResponse:
    if body.answer_id is None and not body.conversation_id:
        raise HTTPException(422, "give answer_id (from the answer) or conversation_id")
    if body.rating == 0:
        raise HTTPException(422, "rating: use -1/1 (thumbs) or 1..5 (stars)")
    if body.answer_id is not None and not db.audit_exists(body.answer_id):
        raise HTTPException(404, f"no answer {body.answer_id}")
    fid = db.add_feedback(subject=caller.subject, answer_id=body.answer_id, conversation_id=body.conversation_id,
                          rating=body.rating, comment=body.comment)
    return FeedbackResponse(id=fid, answer_id=body.answer_id, rating=body.rating)
