"""One cap on the length of what is asked, for every route that takes a question.

A question, each turn of the history sent with it, and each user/assistant message of an OpenAI
chat request is held to `max_question_chars` (CLLR_MAX_QUESTION_CHARS): the follow-up rewrite
carries earlier turns into the search query, so an over-long history turn costs what an over-long
question does (a 1 MB question once held a core for minutes). Over the cap is a 422 before the
answer service is asked, so no answer slot or CPU is spent on it.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from fastapi import HTTPException


def check_lengths(question: str, history: Iterable[Mapping[str, str]] | None, cap: int) -> None:
    """Raise 422 naming the first text over `cap` characters."""
    pieces = [("question", question)]
    pieces += [(f"history[{i}] ({t.get('role', '?')})", t.get("content") or "") for i, t in enumerate(history or ())]
    for what, text in pieces:
        if len(text) > cap:
            raise HTTPException(
                422, f"{what} is {len(text):,} characters, over the limit of {cap} (CLLR_MAX_QUESTION_CHARS)"
            )
