"""POST /v1/chat/completions: the OpenAI-compatible face of /v1/ask, citations kept."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from service import openai_wire
from service.deps import AnswersDep, CallerDep, SettingsDep
from service.filters import to_search_filters
from service.questions import check_lengths
from service.schemas import ChatCompletionRequest, ChatCompletionResponse, ErrorResponse

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


@router.post(
    "/chat/completions",
    response_model=ChatCompletionResponse,
    responses={
        200: {
            "content": {
                "text/event-stream": {
                    "description": "when stream=true: `data: {chunk}` events, a final event with "
                    "`citations`, then `data: [DONE]`"
                }
            }
        }
    },
)
def chat_completions(body: ChatCompletionRequest, caller: CallerDep, answers: AnswersDep, settings: SettingsDep):
    """OpenAI chat completions. The last user message is the question, earlier turns the history.
    Non-streaming: `choices[0].message.citations`. Streaming (SSE): content deltas, then a final
    chunk whose `citations` lists the sources, then `[DONE]`."""
    try:
        question, history = openai_wire.split_messages(body.messages)
    except openai_wire.ChatInputError as e:
        raise HTTPException(400, str(e)) from None
    check_lengths(question, history, settings.max_question_chars)
    filters = to_search_filters(body.filters)
    conversation_id = body.conversation_id
    if not body.stream:
        answered = answers.ask(
            question,
            caller=caller,
            route="chat",
            history=history or None,
            conversation_id=conversation_id,
            filters=filters,
        )
        return openai_wire.completion(body, answered)
    pieces, slot = answers.stream(
        question, caller=caller, route="chat", history=history or None, conversation_id=conversation_id, filters=filters
    )
    # The slot is released when the stream ends; the background task covers a client that hung up
    # before the first byte (the generator's own `finally` then never runs).
    return StreamingResponse(
        openai_wire.sse(body, pieces),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(slot.release),
    )
