"""The OpenAI chat-completions wire format, kept apart from the answering logic.

Existing chat clients speak this; peer systems lose citations when they squeeze answers through it.
We keep them: `choices[0].message.citations` (non-stream) and a final SSE event whose top-level
`citations` (and `choices[0].delta.citations`) carries them before `data: [DONE]`. Beside them,
`mode` ("llm" or "extractive") and `fallback_reason` say what produced the answer.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, Iterator

from service.answering import Answered
from service.schemas import ChatCompletionRequest, ChatMessage

MODEL = "cllr"
log = logging.getLogger("cllr.service.chat")


class ChatInputError(ValueError):
    pass


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """The last user message is the question; earlier user/assistant turns are the history.
    System prompts are the client's, not ours: the engine answers only from the papers."""
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user" or not turns[-1].text().strip():
        raise ChatInputError("messages must end with a non-empty 'user' message")
    question = turns[-1].text().strip()
    history = [{"role": m.role, "content": m.text()} for m in turns[:-1]]
    return question, history


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def completion(req: ChatCompletionRequest, answered: Answered) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": req.model or MODEL,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": answered.answer, "citations": answered.citations},
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": answered.citations,
        "abstained": answered.abstained,
        "conversation_id": answered.conversation_id,
        "answer_id": answered.answer_id,
        "mode": answered.mode,
        "fallback_reason": answered.fallback_reason,
    }


def _event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def sse(req: ChatCompletionRequest, pieces: Iterator[str | Answered]) -> Iterator[str]:
    cid, created, model = completion_id(), int(time.time()), req.model or MODEL

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return _event(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    try:
        for piece in pieces:
            if isinstance(piece, str):
                if piece:
                    yield chunk({"content": piece})
                continue
            yield chunk(
                {"citations": piece.citations},
                "stop",
                citations=piece.citations,
                abstained=piece.abstained,
                conversation_id=piece.conversation_id,
                answer_id=piece.answer_id,
                mode=piece.mode,
                fallback_reason=piece.fallback_reason,
            )
    except Exception:  # the status line is gone; say so in-band rather than cut the stream dead
        log.exception("answer stream failed")
        yield from sse_error("the answer failed part-way; please ask again")
        return
    yield "data: [DONE]\n\n"


def sse_error(message: str) -> Iterator[str]:
    """An error after the stream has started can no longer be a status code."""
    yield _event({"error": {"message": message, "type": "server_error"}})
    yield "data: [DONE]\n\n"
